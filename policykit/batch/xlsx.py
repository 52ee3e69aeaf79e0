"""Streaming the cell values of an .xlsx workbook, fast: lxml over the sheet XML in the zip.

openpyxl's read-only mode builds Python objects for every shared string and
cell (~0.3 ms a ledger row); this reads the same values (as openpyxl gives them
with ``data_only=True``) at a fraction of the cost, and in the same pass tells
which cells hold a formula without a cached value. Number formats decide, as
in openpyxl, whether a number is a date. ``tests/test_batch_xlsx.py`` checks
it against openpyxl on the shipped ledgers and on every kind of cell.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_T, _R, _SI, _RPH = f"{{{NS}}}t", f"{{{NS}}}r", f"{{{NS}}}si", f"{{{NS}}}rPh"
_ROW, _C, _V, _F, _IS = f"{{{NS}}}row", f"{{{NS}}}c", f"{{{NS}}}v", f"{{{NS}}}f", f"{{{NS}}}is"
_COORD = re.compile(r"([A-Z]{1,3})(\d+)$")
_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=True)


class FORMULA_WITHOUT_VALUE:  # noqa: N801 - a sentinel, compared by identity
    """A cell with a formula but no cached value (the file was written by a program that does not calculate)."""


@dataclass
class Sheet:
    title: str
    part: str  # zip member of the sheet XML
    dimension: int  # rows by the sheet's <dimension>, 0 if not given


class Workbook:
    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        names = set(self.zip.namelist())
        wb = etree.fromstring(self.zip.read("xl/workbook.xml"), etree.XMLParser(**_PARSER))
        pr = wb.find(f"{{{NS}}}workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"), etree.XMLParser(**_PARSER)):
                target = rel.get("Target", "")
                rels[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
        self.sheets = []
        for s in wb.iter(f"{{{NS}}}sheet"):
            part = rels.get(s.get(f"{{{REL_NS}}}id"))
            if part in names:
                self.sheets.append(Sheet(s.get("name", ""), part, self._dimension(part)))
        self.strings = self._strings("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else []
        self.dates, self.timedeltas = self._styles("xl/styles.xml") if "xl/styles.xml" in names else (set(), set())

    def close(self) -> None:
        self.zip.close()

    def _dimension(self, part: str) -> int:
        with self.zip.open(part) as fh:
            for _, el in etree.iterparse(fh, events=("start",), **_PARSER):
                if el.tag == f"{{{NS}}}dimension":
                    m = _COORD.search(el.get("ref", "").split(":")[-1])
                    return int(m.group(2)) if m else 0
                if el.tag == f"{{{NS}}}sheetData":
                    return 0
        return 0

    def _strings(self, part: str) -> list[str]:
        out = []
        with self.zip.open(part) as fh:
            for _, si in etree.iterparse(fh, tag=_SI, **_PARSER):
                # as openpyxl's Text.content: the plain text, then each run's text; phonetic runs left out
                parts = []
                for child in si:
                    if child.tag == _T:
                        parts.append(child.text or "")
                    elif child.tag == _R:
                        t = child.find(_T)
                        if t is not None:
                            parts.append(t.text or "")
                out.append("".join(parts).replace("x005F_", ""))
                si.clear()
        return out

    def _styles(self, part: str) -> tuple[set[int], set[int]]:
        root = etree.fromstring(self.zip.read(part), etree.XMLParser(**_PARSER))
        custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iter(f"{{{NS}}}numFmt")}
        xfs = root.find(f"{{{NS}}}cellXfs")
        dates, deltas = set(), set()
        for idx, xf in enumerate(xfs if xfs is not None else []):
            fid = int(xf.get("numFmtId", 0))
            fmt = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            if is_date_format(fmt):
                dates.add(idx)
            if is_timedelta_format(fmt):
                deltas.add(idx)
        return dates, deltas

    def rows(self, sheet: Sheet) -> Iterator[tuple[int, list]]:
        """(row number, values) for each row that has cells, in order; a formula without a cached value
        is ``FORMULA_WITHOUT_VALUE``."""
        strings, dates, deltas, epoch = self.strings, self.dates, self.timedeltas, self.epoch
        cols: dict[str, int] = {}
        row_no = 0
        with self.zip.open(sheet.part) as fh:
            for _, row in etree.iterparse(fh, tag=_ROW, **_PARSER):
                r = row.get("r")
                row_no = int(r) if r else row_no + 1
                values: list = []
                col = 0
                for c in row:
                    if c.tag != _C:
                        continue
                    ref = c.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        col = cols.get(letters) or cols.setdefault(letters, column_index_from_string(letters))
                    else:
                        col += 1
                    value = _value(c, strings, dates, deltas, epoch)
                    if value is None:
                        continue
                    if len(values) < col:
                        values.extend([None] * (col - len(values)))
                    values[col - 1] = value
                row.clear()
                while row.getprevious() is not None:  # free what is already read
                    del row.getparent()[0]
                yield row_no, values


def _value(c, strings, dates, deltas, epoch):
    t = c.get("t", "n")
    if t == "inlineStr":
        node = c.find(_IS)
        if node is None:
            return None
        if node.find(_RPH) is None:
            return "".join(x.text or "" for x in node.iter(_T))
        return "".join(x.text or "" for x in node.iter(_T) if x.getparent().tag != _RPH)
    v = c.findtext(_V)
    if not v:  # None or "" (openpyxl: ``findtext(...) or None``)
        return FORMULA_WITHOUT_VALUE if c.find(_F) is not None else None
    if t == "n":
        number = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
        style = int(c.get("s", 0) or 0)
        if style in dates:
            try:
                return from_excel(number, epoch, timedelta=style in deltas)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if t == "s":
        return strings[int(v)]
    if t == "b":
        return bool(int(v))
    if t == "d":
        return from_ISO8601(v)
    return v  # "str" (a formula's text result), "e" (an error such as #N/A)
