"""The child process that reads an uploaded workbook (``households.io.reader.read_sheet`` starts
it): ``python -m households.io.sheet_worker LIMITS_JSON < file.xlsx``.

It runs with a memory, CPU-time and file-size limit it sets on itself before touching the file,
so a hostile workbook (a zip bomb, a sheet whose cells reach XFD1048576, a shared-strings bomb)
makes this process fail, never the web worker that started it. Before the spreadsheet reader
(calamine) sees the file it checks, without trusting anything the file says about itself:

1. the archive: number of entries, and the real uncompressed size of every entry (each one is
   decompressed in a stream and counted, so a size the zip directory understates is caught);
2. the data sheet's real used range: the highest row and column of the cells actually present
   in the sheet's XML (the ``<dimension>`` a file claims is ignored), against row, column and
   cell limits — calamine allocates the whole rectangle up to the last cell at once.

Then it reads the sheet and writes the non-blank rows to stdout as pickled batches:
``{"sheet": name}``, then lists of ``(excel_row_number, values)``, then ``{"end": True}``; or a
single ``{"problem": code, ...}`` for a file it refuses. The parent unpickles with a restricted
unpickler (builtins and ``datetime`` only).

Only the standard library, python-calamine and ``households.text`` (pure functions) are imported:
no Django, no settings, no database connection in this process."""

from __future__ import annotations

import functools
import io
import json
import pickle
import posixpath
import re
import resource
import sys
import zipfile
import zlib
from xml.etree import ElementTree

from households.text import fold

CHUNK = 1 << 20
BATCH = 2000
MAX_TAG = 1 << 16  # a start tag longer than this is not a spreadsheet's
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_CELL_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})')
_ROW_NUMBERS = re.compile(rb'<row r="(\d{1,8})"')
_UNPOSITIONED = re.compile(rb'<(?:c|row)(?=[\s>/])(?! r="[A-Z0-9])')  # a row or cell not stating r= first
_PREFIXED = re.compile(rb"<\w+:(?:c|row)[\s>/]")  # namespace-prefixed tags: the exact walk reads them

_TOKENS = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>|</(?:\w+:)?row>")
_REF = re.compile(rb'\br="([A-Z]{0,3})(\d{0,8})"')


@functools.cache
def _cell_row_longer_than(digits: int) -> re.Pattern:
    return re.compile(rb'<c r="[A-Z]{1,3}\d{%d}' % (digits + 1))


class Refused(Exception):
    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


def set_limits(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_archive(archive: zipfile.ZipFile, limits: dict, scan: dict | None = None) -> None:
    """Entry count, then the real uncompressed size of every entry (decompressed and counted).
    ``scan`` maps entry names to a ``RangeScanner`` fed with that entry's content on the way."""
    entries = archive.infolist()
    if len(entries) > limits["max_entries"]:
        raise Refused("too_many_entries", entries=len(entries))
    budget = limits["max_uncompressed"]
    if sum(e.file_size for e in entries) > budget:
        raise Refused("too_big_uncompressed")
    total = 0
    for entry in entries:
        scanner = (scan or {}).get(entry.filename)
        with archive.open(entry) as part:
            while chunk := part.read(CHUNK):
                total += len(chunk)
                if total > budget:
                    raise Refused("too_big_uncompressed")
                if scanner is not None:
                    scanner.feed(chunk)
        if scanner is not None:
            scanner.feed(b"")


def _small_xml(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > 8 * CHUNK:
        raise Refused("corrupt")
    return ElementTree.fromstring(archive.read(info))


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of the workbook's sheets, in order."""
    workbook = _small_xml(archive, "xl/workbook.xml")
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise Refused("not_xlsx")
    targets = {}
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = target
    out = []
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        out.append((sheet.get("name") or "", targets.get(sheet.get(f"{{{REL_NS}}}id"), "")))
    return out


class RangeScanner:
    """The used range of a worksheet part, from its XML fed in chunks: the highest row number
    and column of the rows and cells present. Positions are read from ``r="B12"``; when a row or
    cell leaves its position out (OOXML allows it; common writers never do), states it after other
    attributes, or disagrees with its row, the fast pass sets ``needs_exact`` and the caller feeds
    the part again to a scanner made with ``exact=True``, which walks every row and cell."""

    def __init__(self, exact: bool = False):
        self.exact = exact
        self.needs_exact = False
        self.max_row = self.max_col = 0
        self._letters: set[bytes] = set()
        self._row = self._col = 0
        self._digits = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b">") + 1 if chunk else len(data)
        body, self._tail = data[:cut], data[cut:]
        if len(self._tail) > MAX_TAG:
            raise Refused("corrupt")
        if self.exact:
            self._walk(body)
        elif not self.needs_exact:
            if _UNPOSITIONED.search(body) or _PREFIXED.search(body):
                self.needs_exact = True
                return
            self._letters.update(_CELL_LETTERS.findall(body))
            rows = _ROW_NUMBERS.findall(body)
            if rows:
                self.max_row = max(self.max_row, *map(int, rows))
            self._digits = max(self._digits, *map(len, rows)) if rows else self._digits
            # A cell whose row number is longer than any row's: positions disagree, walk exactly.
            if _cell_row_longer_than(self._digits).search(body):
                self.needs_exact = True
        if not chunk and not self.exact:
            self.max_col = max((column_number(x) for x in self._letters), default=0)

    def _walk(self, body: bytes) -> None:
        for match in _TOKENS.finditer(body):
            kind = match.group(1)
            if kind is None:  # </row>
                self._col = 0
                continue
            ref = _REF.search(match.group(2))
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if kind == b"row":
                self._row = int(digits) if digits else self._row + 1
                self._col = 0
            else:
                self._col = column_number(letters) if letters else self._col + 1
                if digits:
                    self.max_row = max(self.max_row, int(digits))
                self.max_col = max(self.max_col, self._col)
            self.max_row = max(self.max_row, self._row)


def read(data: bytes, limits: dict) -> tuple[str, list]:
    """The data sheet's name and its non-blank rows ``(excel_row_number, values)``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused("corrupt") from None
    with archive:
        try:
            if len(archive.infolist()) > limits["max_entries"]:
                raise Refused("too_many_entries", entries=len(archive.infolist()))
            sheets = sheet_parts(archive)
            if not sheets:
                raise Refused("no_sheet")
            key = limits["data_sheet_key"]
            name, part = next((s for s in sheets if fold(s[0]).replace(" ", "") == key), sheets[0])
            info = archive.getinfo(part)
            scanner = RangeScanner()
            check_archive(archive, limits, scan={info.filename: scanner})
            if scanner.needs_exact:
                scanner = RangeScanner(exact=True)
                with archive.open(info) as stream:
                    while chunk := stream.read(CHUNK):
                        scanner.feed(chunk)
                    scanner.feed(b"")
            last_row, last_col = scanner.max_row, scanner.max_col
        except Refused:
            raise
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError, zlib.error):
            raise Refused("corrupt") from None
    if last_row > limits["max_rows"] or last_col > limits["max_columns"] or last_row * last_col > limits["max_cells"]:
        raise Refused("too_large", sheet=name, rows=last_row, columns=last_col)

    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        raw_rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except MemoryError:
        raise
    except Exception:  # calamine raises its own errors on damaged parts
        raise Refused("corrupt") from None
    del workbook, data
    rows = []
    for number, raw in enumerate(raw_rows, start=1):  # list index + 1 is the Excel row
        values = tuple([None if v.__class__ is str and not v.strip() else v for v in raw])
        if values.count(None) != len(values):
            rows.append((number, values))
    return name, rows


def peak_kb() -> int:
    """This process's peak resident memory in KiB (VmHWM: since exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    limits = json.loads(sys.argv[1])
    set_limits(limits["memory_bytes"], limits["cpu_seconds"])
    out = sys.stdout.buffer
    data = sys.stdin.buffer.read(limits["max_bytes"] + 1)
    try:
        result = read(data, limits)
    except MemoryError:  # what the reading needed is released by now: there is room to say so
        pickle.dump({"problem": "memory"}, out, protocol=pickle.HIGHEST_PROTOCOL)
        return 0
    except Refused as refused:
        pickle.dump({"problem": refused.code, "peak_kb": peak_kb(), **refused.detail}, out,
                    protocol=pickle.HIGHEST_PROTOCOL)
        return 0
    del data
    name, rows = result
    pickle.dump({"sheet": name, "peak_kb": peak_kb()}, out, protocol=pickle.HIGHEST_PROTOCOL)
    for start in range(0, len(rows), BATCH):
        pickle.dump(rows[start:start + BATCH], out, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump({"end": True}, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
