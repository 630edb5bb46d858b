"""Outputs are written whole or not at all: to a temporary file beside the target, then renamed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from dotpha_xl.kernel.errors import InputError


class UnsafeOutput(InputError):
    """An output would land inside an input folder or over an input file."""


def write_bytes_atomic(path: str | Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` through a temporary file in the
    same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_all(handle: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    if isinstance(data, bytes | bytearray | memoryview):
        handle.write(data)
    else:
        handle.writelines(data)


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


class StagedOutputs:
    """Write a batch of outputs into a staging folder beside ``out_dir``; move them into place
    only when every one is ready.

    ``with StagedOutputs(out) as stage: stage.write("a.xlsx", data)``.  When the block raises,
    the staging folder is removed and ``out_dir`` is left as it was; when it ends normally, each
    staged file is moved over its target by an atomic rename (same file system), in order.
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.staged: list[tuple[Path, Path]] = []
        self.folder: Path | None = None
        self.moved: list[Path] = []

    def __enter__(self) -> StagedOutputs:
        parent = self.out_dir.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.out_dir.name}.staging-"
        remove_stale_staging(parent, prefix)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
        return self

    def write(self, name: str, data: bytes | Iterable[bytes]) -> Path:
        """Stage ``data`` (bytes, or chunks of bytes) for ``out_dir / name``; return the final
        path."""
        assert self.folder is not None, "use StagedOutputs in a with block"
        staged = self.folder / name
        with staged.open("wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        target = self.out_dir / name
        self.staged.append((staged, target))
        return target

    def __exit__(self, exc_type: object, *exc: object) -> None:
        import shutil

        assert self.folder is not None
        try:
            if exc_type is None:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                for staged, target in self.staged:
                    os.replace(staged, target)
                    self.moved.append(target)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def remove_stale_staging(parent: Path, prefix: str) -> list[Path]:
    """Remove the staging folders ``prefix<pid>-*`` in ``parent`` left by a run killed hard (its
    process is gone, so its ``finally`` never ran); a running one's is left alone.  A folder
    whose process cannot be told (an older name) is removed after a day."""
    import shutil
    import time

    removed = []
    for folder in parent.glob(prefix + "*"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        pid_text = folder.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and os.name == "posix":  # os.kill(pid, 0) ends it on Windows
            stale = not _alive(int(pid_text))
        else:
            stale = time.time() - folder.stat().st_mtime > 86400
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its folder
    return True
