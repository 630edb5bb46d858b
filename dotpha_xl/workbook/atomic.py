"""Outputs are written whole or not at all: to a temporary file beside the target, then renamed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class UnsafeOutput(ValueError):
    """An output would land inside an input folder or over an input file."""


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def check_output_outside_inputs(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output folder or file that is, or lies inside, one of the inputs."""
    out_path = Path(out).resolve()
    for item in inputs:
        if item is None:
            continue
        source = Path(item).resolve()
        if out_path == source or (source.is_dir() and source in out_path.parents):
            raise UnsafeOutput(
                f"Thư mục/tệp kết quả '{out}' trùng hoặc nằm trong dữ liệu đầu vào '{item}'; "
                "chọn nơi khác để không ghi đè dữ liệu đã nhận."
            )
