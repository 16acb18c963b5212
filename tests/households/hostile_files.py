"""Hostile household workbooks, made by the tests (nothing large is committed): each is a valid
list (``valid_rows``) with one thing done to it that a real attacker or a broken tool does."""

from __future__ import annotations

import io
import re
import struct
import zipfile

from openpyxl import Workbook

from households.io import columns as C

from .io_helpers import valid_rows, workbook_bytes

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


def rewrite(data: bytes, changes: dict[str, object], extra: dict[str, bytes] | None = None) -> bytes:
    """``data`` with parts replaced: ``changes`` maps a part name to new bytes or to a function of
    the old bytes; ``extra`` adds parts."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            change = changes.get(info.filename)
            if change is not None:
                content = change(content) if callable(change) else change
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def valid() -> bytes:
    return workbook_bytes(valid_rows())


def claimed_extent() -> bytes:
    """A sheet that claims the extent A1:XFD1048576 but holds three rows (the claim is ignored)."""
    return rewrite(valid(), {SHEET: lambda x: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', x)})


def far_cell() -> bytes:
    """5 KB: a list with one stray value in XFD1048576 (the reader would allocate 17 billion cells)."""
    wb = Workbook()
    ws = wb.active
    ws.title = C.DATA_SHEET
    ws.append(C.HEADINGS)
    for row in valid_rows():
        ws.append([row.get(c.key) for c in C.COLUMNS])
    ws["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def disagreeing_positions() -> bytes:
    """A cell that says it is in row 1,048,576 inside row 3 (positions that disagree)."""
    return rewrite(valid(), {SHEET: lambda x: x.replace(b'<c r="A3"', b'<c r="A1048576"', 1)})


def unpositioned() -> bytes:
    """The valid list written with no row or cell positions at all (OOXML allows leaving them
    out: each cell is then the next one), every cell present, values as text."""
    from xml.sax.saxutils import escape

    from households.io.parsing import show

    def cell(value):
        text = "" if value is None else escape(show(value))
        return f'<c t="inlineStr"><is><t>{text}</t></is></c>'

    lines = [C.HEADINGS] + [[row.get(c.key) for c in C.COLUMNS] for row in valid_rows()]
    body = "".join("<row>" + "".join(cell(v) for v in line) + "</row>" for line in lines)
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1"/><sheetData>{body}</sheetData></worksheet>').encode()
    return rewrite(valid(), {SHEET: sheet})


def attributes_first() -> bytes:
    """Positions written after other attributes (``<c s="0" r="B2">``): still read exactly."""
    return rewrite(valid(), {SHEET: lambda x: re.sub(rb'<c r="([A-Z]+[0-9]+)"', rb'<c s="0" r="\1"', x)})


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _streamed_entry(target: zipfile.ZipFile, name: str, size: int, fill: bytes = b"\0") -> None:
    with target.open(_deflated(name), "w", force_zip64=True) as part:
        block = fill * MB
        for _ in range(size // MB):
            part.write(block)


def zip_bomb(size: int = 256 * MB) -> bytes:
    """~250 KB compressed: a part that decompresses to ``size`` bytes, honestly declared."""
    out = io.BytesIO(valid())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        _streamed_entry(target, "xl/media/image1.bin", size)
    return out.getvalue()


def lying_zip_bomb(size: int = 64 * MB) -> bytes:
    """A part whose zip directory says 1 KB but that decompresses to ``size``."""
    out = io.BytesIO(valid())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        with target.open(_deflated("xl/sharedStrings2.xml"), "w") as part:
            for _ in range(size // MB):
                part.write(b" " * MB)
    data = bytearray(out.getvalue())
    name = b"xl/sharedStrings2.xml"
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset:start + name_offset + len(name)] == name:
                struct.pack_into("<I", data, start + size_offset, 1024)  # the declared size: 1 KB
            start += 4
    return bytes(data)


def many_entries(count: int = 1500) -> bytes:
    return rewrite(valid(), {}, extra={f"customXml/item{n}.xml": b"<a/>" for n in range(count)})


def memory_hog(cells: int = 60_000, length: int = 32_000) -> bytes:
    """Small, within every row/column/size bound, yet a reader that gives each cell its own copy
    of one 32,000-character shared string needs about 2 GB."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, cells + 1))
    sheet = (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}'
             "</sheetData></worksheet>").encode()
    strings = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               f"<si><t>{'x' * length}</t></si></sst>").encode()
    data = rewrite(valid(), {SHEET: sheet}, extra={"xl/sharedStrings.xml": strings})
    return _with_shared_strings(data)


def _with_shared_strings(data: bytes) -> bytes:
    """Declare xl/sharedStrings.xml in the workbook's relationships and content types."""
    rel = (b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return rewrite(data, {
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel + b"</Relationships>"),
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", override + b"</Types>"),
    })


def cell_values(name: str = "Nguyễn_x0000_Văn An", floor_area: bytes = b"NaN", income: bytes | None = None) -> bytes:
    """The valid list with the first name cell and number cells replaced by raw XML values (a NUL
    written the way OOXML escapes control characters, NaN, infinity)."""
    rows = valid_rows()
    rows[0]["full_name"] = "MARK-NAME"
    rows[0]["floor_area_m2"] = 12345.5
    data = workbook_bytes(rows)

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"MARK-NAME", name.encode(), 1)
        return xml.replace(b"<v>12345.5</v>", b"<v>" + floor_area + b"</v>", 1)

    return rewrite(data, {SHEET: change})
