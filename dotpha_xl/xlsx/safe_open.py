"""Open a workbook returned by a user, refusing broken or dangerous files before parsing them.

People return workbooks by hand: some are not workbooks at all, some are truncated, some are old
``.xls`` files or password-protected, and a few may be hostile (zip bombs, XML entity expansion).
:func:`open_workbook` reads the file's bytes once, with a bound, and decides from the bytes alone
(magic numbers, never the file name's extension) and from the zip directory (never by inflating
whole parts) whether python-calamine may parse it.  Every outcome is an :class:`Opened`; nothing
raises on bad input.  A refusal carries exactly one error problem with a Vietnamese message.

Known limit: the zip checks trust the sizes declared in the zip directory.  A file that lies
about them is still bounded by ``max_file_bytes`` and by deflate's own ratio (about 1000:1).
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineWorkbook, PasswordError

from dotpha_xl.kernel.problems import Problem, problem
from dotpha_xl.kernel.settings import Limits

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO

#: The name given to a source that is not a path and has no name of its own.
BYTES_NAME = "<bytes>"

#: How much of each XML part is scanned for ``<!DOCTYPE`` / ``<!ENTITY``.
XML_SCAN_BYTES = 65536
#: A first, short look at each XML part: enough to reach the root element of any part a
#: spreadsheet program writes, so the long scan is needed only for a part with a long prolog.
XML_FIRST_LOOK = 1024
#: Size of the reads of a file or stream.
READ_CHUNK = 1024 * 1024
#: Parts whose declared size is at most this may compress as well as they like.
BOMB_MIN_BYTES = 1_048_576

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ZIP_CENTRAL_HEADER = b"PK\x01\x02"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") for n in ("EncryptionInfo", "EncryptedPackage"))
_OTHER_OFFICE_STREAMS = tuple(
    n.encode("utf-16-le") for n in ("WordDocument", "PowerPoint Document")
)
_DANGEROUS_XML = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# The first tag that is neither a declaration (<?...?>), a comment nor a DOCTYPE: the root.
_ROOT_TAG = re.compile(rb"<[A-Za-z_:]")


@dataclass
class Opened:
    """A workbook opened for reading its values, or the reason it was refused."""

    book: CalamineWorkbook | None  # None when refused
    kind: str  # "xlsx", "xlsm", "ods", "xls", "unknown"
    problems: list[Problem] = field(default_factory=list)  # one error when refused
    size: int = 0
    sha256: str = ""  # of the file's bytes; "" when they were not read
    #: The file's bytes (read once, bounded), for :func:`formula_cells`.
    data: bytes = field(default=b"", repr=False)
    #: Its zip directory as the checks read it (xlsx, xlsm, ods), for :func:`formula_cells`.
    entries: list[zipfile.ZipInfo] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.book is not None

    def formula_cells(self, sheet: str) -> dict[tuple[int, int], bool]:
        """The cells of ``sheet`` that hold a formula: (0-based row, column) -> whether the file
        stores the formula's value (python-calamine gives values only, so the sheet's XML is
        looked at).  Empty for anything but an ``.xlsx``/``.xlsm``."""
        if self.book is None or self.kind not in ("xlsx", "xlsm"):
            return {}
        return formula_cells(self.data, sheet, self.entries)


class _Refused(Exception):
    """Internal: stop the checks with this problem."""

    def __init__(self, found: Problem, kind: str = "unknown") -> None:
        super().__init__(found.code)
        self.found = found
        self.kind = kind


def source_name(source: Source, name: str | None = None) -> str:
    """The name shown to users for ``source``: ``name``, the file's name, or ``<bytes>``."""
    if name:
        return name
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    given = getattr(source, "name", None)
    if isinstance(given, str) and given:
        return Path(given).name
    return BYTES_NAME


def open_workbook(source: Source, limits: Limits, *, name: str | None = None) -> Opened:
    """Open ``source`` (a path, bytes or a binary file object) safely; never raises on bad input.

    The file is refused, before any parsing, when it is too large, not a workbook, truncated, an
    old ``.xls``, encrypted, a zip bomb, or when an XML part declares a DOCTYPE or entities.  An
    ``.xlsm`` is opened (values only) with a ``file_macro`` warning.
    """
    file = source_name(source, name)
    try:
        data, size = _read_bounded(source, limits)
    except _Refused as refused:
        return Opened(None, refused.kind, [refused.found.at(file=file)], _size_hint(source))
    except Exception as exc:  # a failure to read is the user's file, not a bug
        found = problem("file_unreadable", value=f"lỗi đọc tệp ({type(exc).__name__})")
        return Opened(None, "unknown", [found.at(file=file)], 0)

    digest = hashlib.sha256(data).hexdigest()
    kind = "unknown"
    try:
        kind, warnings, entries = _check(data, limits)
        book = _parse(data, kind)
    except _Refused as refused:
        return Opened(None, refused.kind, [refused.found.at(file=file)], size, digest)
    except Exception as exc:  # a check tripping over a strange file: still the file's fault
        found = problem("file_corrupt", value=type(exc).__name__)
        return Opened(None, kind, [found.at(file=file)], size, digest)
    found = [w.at(file=file) for w in warnings]
    return Opened(book, kind, found, size, digest, data, entries)


# --------------------------------------------------------------------------------------------
# Reading the bytes, once and bounded
# --------------------------------------------------------------------------------------------


def _read_bounded(source: Source, limits: Limits) -> tuple[bytes, int]:
    cap = limits.max_file_bytes
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            info = path.stat()
        except (OSError, ValueError) as exc:
            raise _Refused(problem("file_missing", value=path.name)) from exc
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(problem("file_missing", value=path.name))
        if info.st_size > cap:
            raise _Refused(_too_large(info.st_size, cap))
        with path.open("rb") as handle:
            data = _read_capped(handle, cap)  # the file may have grown since stat
    elif isinstance(source, bytes | bytearray | memoryview):
        if len(source) > cap:
            raise _Refused(_too_large(len(source), cap))
        data = bytes(source)
    else:
        known = _stream_size(source)
        if known is not None and known > cap:
            raise _Refused(_too_large(known, cap))
        data = _read_capped(source, cap)
    if len(data) > cap:
        raise _Refused(_too_large(len(data), cap))
    return data, len(data)


def _read_capped(stream: BinaryIO, cap: int) -> bytes:
    """At most ``cap + 1`` bytes, read in chunks: ``read(cap + 1)`` would allocate ``cap`` first."""
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = stream.read(min(READ_CHUNK, cap + 1 - total))
        if isinstance(chunk, bytearray | memoryview):
            chunk = bytes(chunk)
        if not isinstance(chunk, bytes):
            raise _Refused(problem("file_not_workbook", value="nguồn không phải dữ liệu nhị phân"))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _stream_size(stream: BinaryIO) -> int | None:
    """Bytes left in a seekable stream, without reading them; None when it cannot tell."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError):
        return None


def _size_hint(source: Source) -> int:
    if isinstance(source, bytes | bytearray | memoryview):
        return len(source)
    try:
        if isinstance(source, str | os.PathLike):
            return Path(source).stat().st_size
        return _stream_size(source) or 0
    except (OSError, ValueError):
        return 0


def _too_large(size: int, cap: int) -> Problem:
    return problem("file_too_large", value=_show_bytes(size), expected=_show_bytes(cap))


def _show_bytes(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n} byte"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


# --------------------------------------------------------------------------------------------
# The checks, from the bytes alone
# --------------------------------------------------------------------------------------------


def _check(data: bytes, limits: Limits) -> tuple[str, list[Problem], list[zipfile.ZipInfo]]:
    """The workbook's kind, its warnings and its zip directory, or :class:`_Refused`."""
    if data.startswith(OLE2_MAGIC):
        _refuse_ole2(data)
    if not data.startswith(ZIP_MAGICS):
        raise _Refused(problem("file_not_workbook", value=_describe(data)))
    # Bound the memory zipfile spends on its directory before it builds one object per entry:
    # every central directory record starts with this signature, so the count is an upper bound.
    if data.count(ZIP_CENTRAL_HEADER) > limits.max_zip_entries:
        raise _too_many(data.count(ZIP_CENTRAL_HEADER), limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise _Refused(problem("file_corrupt", value=type(exc).__name__)) from exc
    with archive:
        entries = archive.infolist()
        _check_directory(entries, limits)
        kind = _kind(archive, {e.filename for e in entries})
        _check_xml(archive, entries, kind, data)
    warnings = [problem("file_macro")] if kind == "xlsm" else []
    return kind, warnings, entries


def _refuse_ole2(data: bytes) -> None:
    """An OLE2 compound file is never opened: encrypted OOXML, an old .xls, or something else."""
    if any(stream in data for stream in _ENCRYPTED_STREAMS):
        raise _Refused(problem("file_password"), "unknown")
    if any(stream in data for stream in _OTHER_OFFICE_STREAMS):
        raise _Refused(problem("file_not_workbook", value="tài liệu Office không phải Excel"))
    raise _Refused(problem("file_old_xls"), "xls")


def _describe(data: bytes) -> str:
    if not data:
        return "tệp rỗng"
    if data.startswith(b"%PDF"):
        return "tệp PDF"
    head = data[:512]
    if head.lstrip().lower().startswith((b"<html", b"<!doctype html")):
        return "trang web (HTML)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "dữ liệu không rõ định dạng"
    return "tệp văn bản"


def _too_many(count: int, limits: Limits) -> _Refused:
    return _Refused(problem("zip_too_many_entries", value=count, expected=limits.max_zip_entries))


def _check_directory(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Entry count, total declared size and compression ratios, from the directory only."""
    if len(entries) > limits.max_zip_entries:
        raise _too_many(len(entries), limits)
    if any(e.flag_bits & 0x1 for e in entries):  # zip-level encryption
        raise _Refused(problem("file_password"))
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed_bytes:
        raise _Refused(
            problem(
                "zip_too_large",
                value=_show_bytes(total),
                expected=_show_bytes(limits.max_uncompressed_bytes),
            )
        )
    for entry in entries:
        if entry.file_size <= BOMB_MIN_BYTES:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise _Refused(problem("zip_bomb", value=f"{ratio:.0f}", field=entry.filename[:80]))


def _head(archive: zipfile.ZipFile, name: str, size: int = XML_SCAN_BYTES) -> bytes:
    """The first ``size`` bytes of a part: a bounded read, never the whole part."""
    with archive.open(name) as part:
        return part.read(size)


def _kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        if "xl/vbaProject.bin" in names:
            return "xlsm"
        types = _head(archive, "[Content_Types].xml")
        return "xlsm" if b"macroenabled" in types.lower() else "xlsx"
    if "mimetype" in names and _head(archive, "mimetype", 256).strip() == ODS_MIMETYPE:
        return "ods"
    raise _Refused(problem("file_not_workbook", value="tệp nén không phải bảng tính"))


def _check_xml(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], kind: str, data: bytes
) -> None:
    """Refuse a DOCTYPE or ENTITY declaration in any XML part (entity expansion attacks)."""
    for entry in entries:
        lowered = entry.filename.lower()
        if entry.is_dir() or not lowered.endswith((".xml", ".rels")):
            continue
        head = _first_look(data, entry)
        if head is not None and _safe_prolog(head):
            continue
        with archive.open(entry.filename) as part:
            head = part.read(XML_SCAN_BYTES)
        if _declares_entities(head):
            raise _Refused(problem("xml_entities", value=entry.filename[:80]), kind)


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra length
_PLAIN = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _first_look(data: bytes, entry: zipfile.ZipInfo) -> bytes | None:
    """The first ``XML_FIRST_LOOK`` bytes of a part, inflated straight from the file's bytes
    (no zip stream objects: a workbook has a dozen parts and this runs for every file); ``None``
    when the part is anything but a plain stored or deflated entry, for the slow path."""
    start = entry.header_offset
    if entry.flag_bits & 0x1 or entry.compress_type not in (
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
    ):
        return None
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, start)
    if signature != b"PK\x03\x04":
        return None
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[begin : begin + min(entry.compress_size, XML_FIRST_LOOK * 8)]
    if entry.compress_type == zipfile.ZIP_STORED:
        return raw[:XML_FIRST_LOOK]
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, XML_FIRST_LOOK)
    except zlib.error:
        return None


def _safe_prolog(head: bytes) -> bool:
    """Whether a part's first bytes, in UTF-8, reach its root element through nothing but
    whitespace and processing instructions (``<?xml ...?>``): the usual case.  Anything else
    (a DOCTYPE, a comment, another encoding, a long prolog) gets the full scan."""
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos + 2)
            if end < 0:
                return False
            pos = end + 2
            continue
        return _ROOT_TAG.match(head, pos) is not None


def _declares_entities(head: bytes) -> bool:
    """Whether an XML part's beginning declares a DTD or entities, or hides its prolog.

    A DOCTYPE may only come before the root element, so if the scanned window holds no root
    element the prolog is suspiciously long and the part counts as dangerous.
    """
    text = head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        encoding = "utf-16-be" if head.startswith(b"\xfe\xff") or head[:1] == b"\x00" else None
        decoded = head.decode(encoding or "utf-16-le", errors="ignore")
        text = decoded.encode("utf-8", errors="ignore")
    if _DANGEROUS_XML.search(text):
        return True
    return len(head) >= XML_SCAN_BYTES and not _ROOT_TAG.search(text)


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _parse(data: bytes, kind: str) -> CalamineWorkbook:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        book.sheet_names  # noqa: B018 - fail here, not later, on a broken workbook
    except PasswordError as exc:
        raise _Refused(problem("file_password"), kind) from exc
    except Exception as exc:
        raise _Refused(problem("file_corrupt", value=type(exc).__name__), kind) from exc
    except BaseException as exc:  # a panic inside the Rust parser is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise _Refused(problem("file_corrupt", value=type(exc).__name__), kind) from exc
    return book


# --------------------------------------------------------------------------------------------
# Formulas (python-calamine reads values only)
# --------------------------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
#: A cell with content: its attributes, then its inner XML.
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]", re.DOTALL)
_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")


def formula_cells(
    data: bytes, sheet: str, entries: list[zipfile.ZipInfo] | None = None
) -> dict[tuple[int, int], bool]:
    """The formula cells of the worksheet named ``sheet`` in an xlsx's bytes (already checked by
    :func:`open_workbook`): (0-based row, column) -> whether a cached value is stored.
    ``entries``: the zip directory the checks read, when known (the parts are then inflated
    straight from the bytes, their CRC checked; through ``zipfile`` when anything is unusual)."""
    xml = _sheet_xml_direct(data, sheet, entries) if entries else None
    if xml is None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return {}
            with archive.open(part) as handle:
                xml = handle.read()
    elif not xml:
        return {}
    fast = _formula_cells_fast(xml)
    return fast if fast is not None else _formula_cells_any(xml)


#: A formula cell as spreadsheet programs write it: ``r`` first, then the ``<f>`` (closed or
#: empty) as the cell's first child, and maybe its ``<v>`` right after.
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: [\w:]+="[^"]*")*\s*>'
    rb"(<f)(?:\s[^>]*)?(?:/>|>[^<]*</f>)(<v>\s*[^<\s])?"
)
#: A formula element without a namespace prefix: a literal start, found fast.
_PLAIN_FORMULA = re.compile(rb"<f[\s>/]")
#: The same with a prefix (``<x:f>``): such a sheet gets the general scan.
_PREFIXED_FORMULA = re.compile(rb":f[\s>/]")
_COLUMNS: dict[bytes, int] = {}


def _formula_cells_fast(xml: bytes) -> dict[tuple[int, int], bool] | None:
    """:func:`formula_cells` found from each ``<f`` (a fast literal search) back to its cell,
    when every formula of the sheet sits in a cell of the usual shape (``_FAST_CELL``) with no
    namespace prefix; ``None`` when one does not (then the general scan runs)."""
    if _PREFIXED_FORMULA.search(xml):
        return None
    out: dict[tuple[int, int], bool] = {}
    for formula in _PLAIN_FORMULA.finditer(xml):
        at = formula.start()
        found = _FAST_CELL.match(xml, xml.rfind(b"<c ", 0, at))
        if found is None or found.start(3) != at:
            return None  # not the first child of a cell of the usual shape
        letters, digits, _, value = found.groups()
        col = _COLUMNS.get(letters)
        if col is None:
            col = 0
            for letter in letters:
                col = col * 26 + letter - 64
            _COLUMNS[letters] = col = col - 1
        if value is None:  # a value further in the cell (not the usual order)?
            end = xml.find(b"</c>", found.end())
            value = end >= 0 and _VALUE.search(xml, found.end(), end)
        key = (int(digits) - 1, col)
        if key in out:
            return None  # two formulas in one cell, or a cell written twice
        out[key] = bool(value)
    return out


def _formula_cells_any(xml: bytes) -> dict[tuple[int, int], bool]:
    out: dict[tuple[int, int], bool] = {}
    done = -1  # the end of the last cell looked at: a cell's second <f> is not looked at again
    for found in _FORMULA.finditer(xml):
        at = found.start()
        if at < done:
            continue
        # the cell around this formula: the last "<c " (or "<x:c ") before it, up to its end
        start = xml.rfind(b"<c ", 0, at)
        prefixed = xml.rfind(b":c ", start + 1, at)
        if prefixed >= 0:
            start = xml.rfind(b"<", 0, prefixed)
        cell = _CELL.match(xml, start) if start >= 0 else None
        if cell is None or cell.end() <= at:
            continue
        done = cell.end()
        attributes = dict(_ATTRIBUTE.findall(cell.group(1)))
        ref = _REF.fullmatch(attributes.get(b"r", b""))
        if ref is None:
            continue
        col = 0
        for letter in ref.group(1):
            col = col * 26 + letter - 64
        out[(int(ref.group(2)) - 1, col - 1)] = bool(_VALUE.search(cell.group(2) or b""))
    return out


def _sheet_xml_direct(data: bytes, sheet: str, entries: list[zipfile.ZipInfo]) -> bytes | None:
    """The XML of the worksheet named ``sheet``, its parts inflated straight from the file's
    bytes through the zip directory already read; ``b""`` when there is no such sheet; ``None``
    when a part is not a plain entry or does not inflate to its CRC (then ``zipfile`` reads)."""
    by_name = {e.filename: e for e in entries}
    workbook = _inflate(data, by_name.get("xl/workbook.xml"))
    rels = _inflate(data, by_name.get("xl/_rels/workbook.xml.rels"))
    if workbook is None or rels is None:
        return None
    part = _sheet_part_name(workbook, rels, sheet, by_name)
    if part is None:
        return b""
    return _inflate(data, by_name[part])


def _inflate(data: bytes, entry: zipfile.ZipInfo | None) -> bytes | None:
    """A whole part, inflated from the file's bytes and checked against its CRC; ``None`` for
    anything but a plain stored or deflated entry that checks."""
    if entry is None or entry.flag_bits & 0x1 or entry.compress_type not in _PLAIN:
        return None
    start = entry.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, start)
    if signature != b"PK\x03\x04":
        return None
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[begin : begin + entry.compress_size]
    try:
        if entry.compress_type == zipfile.ZIP_STORED:
            part = raw
        else:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            part = inflater.decompress(raw, entry.file_size + 1)
    except zlib.error:
        return None
    if len(part) != entry.file_size or zlib.crc32(part) != entry.CRC:
        return None
    return part


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part of the worksheet named ``sheet`` (through the workbook's relationships)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    return _sheet_part_name(workbook, rels, sheet, set(archive.namelist()))


def _sheet_part_name(
    workbook: bytes, rels: bytes, sheet: str, names: Collection[str]
) -> str | None:
    """The part name of the worksheet named ``sheet``, from the workbook's XML and its
    relationships; ``None`` when there is none among ``names``."""
    wanted = sheet.encode("utf-8")
    rel_id = None
    for tag in _SHEET_TAG.finditer(workbook):
        attributes = dict(_ATTRIBUTE.findall(tag.group()))
        if _unescape(attributes.get(b"name", b"")) == wanted:
            rel_id = next((v for k, v in attributes.items() if k.endswith(b":id")), None)
            break
    if rel_id is None:
        return None
    for tag in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(tag.group()))
        if attributes.get(b"Id") == rel_id:
            target = _unescape(attributes.get(b"Target", b"")).decode("utf-8")
            name = target.lstrip("/") if target.startswith("/") else "xl/" + target
            name = posixpath.normpath(name)
            return name if name in names else None
    return None


def _unescape(value: bytes) -> bytes:
    for entity, char in ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'")):
        value = value.replace(entity, char)
    return value.replace(b"&amp;", b"&")
