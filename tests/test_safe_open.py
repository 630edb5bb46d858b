"""Tests for dotpha_xl.xlsx.safe_open: refusing broken or hostile files before parsing."""

from __future__ import annotations

import hashlib
import io
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter

from dotpha_xl.kernel.problems import CATALOGUE, ERROR, WARNING
from dotpha_xl.kernel.settings import Limits, default_settings
from dotpha_xl.xlsx.safe_open import Opened, open_workbook

LIMITS = default_settings().limits
QUICK = 5.0  # seconds: every refusal must be fast

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def ods_cell(value: str | int) -> str:
    if isinstance(value, int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


ODS_ROWS = [["cadre_id", "Họ tên"], ["CB1", 42]]
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<office:document-content"
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Danh sách">'
    + "".join(
        "<table:table-row>" + "".join(map(ods_cell, row)) + "</table:table-row>" for row in ODS_ROWS
    )
    + "</table:table></office:spreadsheet></office:body></office:document-content>"
).encode()

ODS_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
  manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/"
   manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def make_xlsx(path: Path, rows: list[list[object]] | None = None) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Trang 1")
    for r, cells in enumerate(rows or [["cadre_id", "Họ tên"], ["CB1", 42]]):
        for c, value in enumerate(cells):
            sheet.write(r, c, value)
    book.close()
    return path


def rezip(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of the zip ``source`` with some members replaced, removed (None) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in change:
                continue
            new.writestr(info.filename, old.read(info.filename))
        for name, data in change.items():
            if data is not None:
                new.writestr(name, data)
    return target


def opened_quickly(source, limits: Limits = LIMITS, **kw) -> Opened:
    start = time.perf_counter()
    result = open_workbook(source, limits, **kw)
    assert time.perf_counter() - start < QUICK
    return result


def refused(result: Opened, code: str) -> None:
    assert result.book is None
    assert [p.code for p in result.problems] == [code]
    (found,) = result.problems
    assert found.severity == ERROR
    assert found.message and found.hint
    assert found.file


def ole2(body: bytes = b"") -> bytes:
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body).ljust(4096, b"\0")


# --------------------------------------------------------------------------------------------
# Files that open
# --------------------------------------------------------------------------------------------


def test_catalogue_has_the_new_codes():
    for code in (
        "file_missing",
        "file_too_large",
        "file_not_workbook",
        "file_corrupt",
        "file_old_xls",
        "file_password",
        "zip_too_many_entries",
        "zip_too_large",
        "zip_bomb",
        "xml_entities",
    ):
        assert CATALOGUE[code][0] == ERROR
    assert CATALOGUE["file_macro"][0] == WARNING


def test_plain_xlsx_opens(tmp_path):
    path = make_xlsx(tmp_path / "ok.xlsx")
    result = opened_quickly(path)
    assert result.book is not None
    assert result.kind == "xlsx"
    assert result.problems == []
    data = path.read_bytes()
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.book.sheet_names == ["Trang 1"]
    rows = result.book.get_sheet_by_index(0).to_python()
    assert rows == [["cadre_id", "Họ tên"], ["CB1", 42.0]]
    result.book.close()


@pytest.mark.parametrize("wrap", [bytes, bytearray, io.BytesIO], ids=["bytes", "bytearray", "io"])
def test_bytes_and_streams_work_like_paths(tmp_path, wrap):
    data = make_xlsx(tmp_path / "ok.xlsx").read_bytes()
    result = opened_quickly(wrap(data))
    assert (result.kind, result.problems, result.size) == ("xlsx", [], len(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.book is not None
    assert result.book.get_sheet_by_index(0).to_python()[1] == ["CB1", 42.0]
    bad = opened_quickly(wrap(b"hello, world"), name="gui.xlsx")
    refused(bad, "file_not_workbook")
    assert bad.problems[0].file == "gui.xlsx"


def test_names_of_sources(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    assert opened_quickly(path).problems[0].file == "a.txt"
    assert opened_quickly(str(path), name="b.xlsx").problems[0].file == "b.xlsx"
    assert opened_quickly(b"x").problems[0].file == "<bytes>"
    with path.open("rb") as handle:
        assert opened_quickly(handle).problems[0].file == "a.txt"


def test_xlsm_opens_with_a_macro_warning(tmp_path):
    plain = make_xlsx(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as archive:
        types = archive.read("[Content_Types].xml").decode()
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert main in types
    types = types.replace(main, "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace(
        "<Default Extension=",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        "<Default Extension=",
        1,
    )
    path = rezip(
        plain,
        tmp_path / "macro.xlsm",
        {"[Content_Types].xml": types.encode(), "xl/vbaProject.bin": ole2(b"VBA")},
    )
    result = opened_quickly(path)
    assert result.book is not None
    assert result.kind == "xlsm"
    assert [(p.code, p.severity) for p in result.problems] == [("file_macro", WARNING)]
    assert result.problems[0].message == "Tệp có macro (.xlsm): chỉ đọc giá trị, không chạy macro."
    assert result.book.get_sheet_by_index(0).to_python()[1] == ["CB1", 42.0]


def test_macro_content_type_alone_means_xlsm(tmp_path):
    plain = make_xlsx(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
        )
    path = rezip(plain, tmp_path / "m.xlsx", {"[Content_Types].xml": types})
    assert opened_quickly(path).kind == "xlsm"


def test_ods_opens_and_its_values_are_read(tmp_path):
    path = tmp_path / "bang.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet"
        )  # stored, first
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", ODS_CONTENT, zipfile.ZIP_DEFLATED)
    result = opened_quickly(path)
    assert (result.kind, result.problems) == ("ods", [])
    assert result.book is not None
    assert result.book.sheet_names == ["Danh sách"]
    assert result.book.get_sheet_by_index(0).to_python() == [["cadre_id", "Họ tên"], ["CB1", 42.0]]


# --------------------------------------------------------------------------------------------
# Files refused
# --------------------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    result = opened_quickly(tmp_path / "khong-co.xlsx")
    refused(result, "file_missing")
    refused(opened_quickly(tmp_path), "file_missing")  # a directory


@pytest.mark.parametrize(
    "data",
    [b"cadre_id;full_name\nCB1;An\n", "không phải excel".encode(), b"", b"%PDF-1.4\n"],
    ids=["csv", "text", "empty", "pdf"],
)
def test_not_a_workbook(tmp_path, data):
    path = tmp_path / "ghi-chu.xlsx"
    path.write_bytes(data)
    result = opened_quickly(path)
    refused(result, "file_not_workbook")
    assert result.problems[0].message == "Tệp không phải là bảng tính Excel."
    assert ".xlsx" in result.problems[0].hint
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_other_zip_is_not_a_workbook(tmp_path):
    path = tmp_path / "tai-lieu.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    refused(opened_quickly(path), "file_not_workbook")


def test_truncated_xlsx_is_corrupt(tmp_path):
    data = make_xlsx(tmp_path / "ok.xlsx").read_bytes()
    result = opened_quickly(data[: len(data) // 2])
    refused(result, "file_corrupt")
    assert result.problems[0].value == "BadZipFile"
    refused(opened_quickly(b"PK\x03\x04 broken zip"), "file_corrupt")


def test_damaged_sheet_is_corrupt(tmp_path):
    plain = make_xlsx(tmp_path / "ok.xlsx")
    path = rezip(plain, tmp_path / "hong.xlsx", {"xl/workbook.xml": b"<workbook><sheets"})
    result = opened_quickly(path)
    refused(result, "file_corrupt")
    assert result.kind == "xlsx"


def test_old_xls(tmp_path):
    path = tmp_path / "cu.xlsx"  # the extension lies; the bytes decide
    path.write_bytes(ole2())
    result = opened_quickly(path)
    refused(result, "file_old_xls")
    assert result.kind == "xls"
    assert "Save As" in result.problems[0].hint


def test_word_document_in_ole2_is_not_a_workbook():
    refused(
        opened_quickly(ole2(b"\0" * 100 + "WordDocument".encode("utf-16-le"))), "file_not_workbook"
    )


def test_encrypted_ooxml_asks_for_the_password_to_be_removed(tmp_path):
    body = b"\0" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
    body += "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "mat-khau.xlsx"
    path.write_bytes(ole2(body))
    result = opened_quickly(path)
    refused(result, "file_password")
    assert "tệp được đặt mật khẩu" in result.problems[0].message
    assert "mật khẩu" in result.problems[0].hint


def test_file_over_the_size_limit_is_not_read(tmp_path):
    path = make_xlsx(tmp_path / "ok.xlsx")
    small = replace(LIMITS, max_file_bytes=100)
    for source in (path, path.read_bytes(), io.BytesIO(path.read_bytes())):
        result = opened_quickly(source, small)
        refused(result, "file_too_large")
        assert result.sha256 == ""
        assert "lớn" in result.problems[0].message


def test_size_limit_on_an_unseekable_stream(tmp_path):
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.left = 10_000

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(len(buffer), self.left)
            buffer[:n] = b"x" * n
            self.left -= n
            return n

    result = opened_quickly(io.BufferedReader(Pipe()), replace(LIMITS, max_file_bytes=100))
    refused(result, "file_too_large")


def write_bomb(path: Path, size: int = 200 * 1024 * 1024) -> Path:
    chunk = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return path


def test_zip_bomb_is_refused_from_the_directory(tmp_path, monkeypatch):
    size = 200 * 1024 * 1024
    path = write_bomb(tmp_path / "bom.xlsx", size)
    assert path.stat().st_size < 1024 * 1024  # about 1000:1
    # Count every byte inflated while the file is opened: zipfile and the opener's own first look
    # both inflate through zlib.decompressobj.
    inflated = [0]
    real_decompressobj = zlib.decompressobj

    class Counting:
        def __init__(self, *args, **kwargs) -> None:
            self._inner = real_decompressobj(*args, **kwargs)

        def decompress(self, *args, **kwargs) -> bytes:
            out = self._inner.decompress(*args, **kwargs)
            inflated[0] += len(out)
            return out

        def flush(self, *args, **kwargs) -> bytes:
            out = self._inner.flush(*args, **kwargs)
            inflated[0] += len(out)
            return out

        def __getattr__(self, name):
            return getattr(self._inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    tracemalloc.start()
    try:
        result = open_workbook(path, LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        monkeypatch.undo()
    refused(result, "zip_bomb")
    assert "sheet1.xml" in result.problems[0].message
    # Refused from the zip directory: at most one bounded scan of a part (the opener's 64 KiB,
    # XML_SCAN_BYTES) is ever inflated, never the 200 MiB part (measured: nothing at all).
    assert inflated[0] <= 64 * 1024, inflated[0]
    # The file's own bytes (under 1 MiB) and zipfile's directory: a few MiB at most, where
    # inflating the part would need hundreds.
    assert peak < 4 * 1024 * 1024, peak
    print(f"zip bomb refused: {inflated[0]} bytes inflated, peak {peak / 1024:.0f} KiB")


def test_declared_total_over_the_limit(tmp_path):
    path = make_xlsx(tmp_path / "ok.xlsx")
    result = opened_quickly(path, replace(LIMITS, max_uncompressed_bytes=1000))
    refused(result, "zip_too_large")


def test_too_many_entries(tmp_path):
    plain = make_xlsx(tmp_path / "ok.xlsx")
    extra: dict[str, bytes | None] = {f"xl/media/x{i}.txt": b"x" for i in range(30)}
    path = rezip(plain, tmp_path / "nhieu.xlsx", extra)
    result = opened_quickly(path, replace(LIMITS, max_zip_entries=20))
    refused(result, "zip_too_many_entries")
    assert opened_quickly(path).book is not None  # within the default limit


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/workbook.xml"])
def test_billion_laughs_is_refused(tmp_path, part):
    plain = make_xlsx(tmp_path / "ok.xlsx")
    path = rezip(plain, tmp_path / "lol.xlsx", {part: BILLION_LAUGHS})
    result = opened_quickly(path)
    refused(result, "xml_entities")
    assert result.problems[0].value == part


def test_entities_hidden_after_a_long_prolog_are_refused(tmp_path):
    plain = make_xlsx(tmp_path / "ok.xlsx")
    padded = b'<?xml version="1.0"?>\n<!--' + b" " * 70_000 + b"-->" + BILLION_LAUGHS[22:]
    path = rezip(plain, tmp_path / "lol.xlsx", {"xl/sharedStrings.xml": padded})
    refused(opened_quickly(path), "xml_entities")


def test_utf16_doctype_is_refused(tmp_path):
    plain = make_xlsx(tmp_path / "ok.xlsx")
    text = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    data = b"\xff\xfe" + text.encode("utf-16-le")
    path = rezip(plain, tmp_path / "lol16.xlsx", {"xl/sharedStrings.xml": data})
    refused(opened_quickly(path), "xml_entities")


def test_zip_level_encryption_asks_for_the_password(tmp_path):
    data = bytearray(make_xlsx(tmp_path / "ok.xlsx").read_bytes())
    # Set the "encrypted" flag of the first central directory record (flag bits at offset 8).
    at = data.index(b"PK\x01\x02")
    data[at + 8] |= 0x1
    refused(opened_quickly(bytes(data)), "file_password")


def test_never_raises_on_garbage():
    for junk in (b"PK\x05\x06" + b"\0" * 18, b"PK\x03\x04" + b"\xff" * 5000, ole2()[:8]):
        result = opened_quickly(junk)
        assert result.book is None
        assert len(result.problems) == 1


@pytest.mark.parametrize(
    "prolog",
    [
        b'<?xml version="1.0"?>\n<!-- <a -->' + b" " * 2000,  # a tag-like text in a comment
        b'<?xml version="1.0"?><?pi <a ?>' + b" " * 2000,  # ... in a processing instruction
        b"\xef\xbb\xbf<?xml version='1.0'?>\n" + b"\n" * 1500,  # past the first look
    ],
)
def test_entities_after_a_root_like_text_are_refused(tmp_path, prolog):
    # The first, short look at a part trusts only whitespace and processing instructions
    # before the root element; anything else is scanned in full.
    plain = make_xlsx(tmp_path / "ok.xlsx")
    path = rezip(
        plain, tmp_path / "lol.xlsx", {"xl/sharedStrings.xml": prolog + BILLION_LAUGHS[22:]}
    )
    refused(opened_quickly(path), "xml_entities")


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_entities_are_found_whatever_the_compression_of_the_part(tmp_path, compression):
    # The first look inflates each part straight from the file's bytes: stored and deflated
    # parts alike, and a part with an extra field in its local header.
    plain = make_xlsx(tmp_path / "ok.xlsx")
    target = tmp_path / "lol.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(target, "w", compression) as new:
        for info in old.infolist():
            data = BILLION_LAUGHS if info.filename == "xl/sharedStrings.xml" else old.read(info)
            item = zipfile.ZipInfo(info.filename, date_time=(2027, 1, 1, 0, 0, 0))
            item.compress_type = compression
            item.extra = b"\xca\xfe\x04\x00abcd"  # an unknown extra field, 4 bytes of data
            new.writestr(item, data)
    refused(opened_quickly(target), "xml_entities")
    clean = tmp_path / "clean.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(clean, "w", compression) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
    assert opened_quickly(clean).ok
