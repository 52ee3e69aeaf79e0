"""Reading a county ledger (台账) from Excel, row by row, through the column mapping in config/.

Streams the workbook (``xlsx``: the values openpyxl gives with data_only=True,
read straight from the sheet XML), finds the header row below any title rows,
fills down merged or blank township/village cells, and turns each row into a
Case — or into Chinese errors naming the row and column.
"""
from __future__ import annotations

import datetime as dt
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from ..errors import InputError
from ..facts.flatten import field_types
from ..facts.labels import Describer
from ..facts.model import Case
from ..facts.validate import to_input_errors
from ..yamlio import load_yaml
from .xlsx import FORMULA_WITHOUT_VALUE, Workbook

DEFAULT_MAPPING = Path(__file__).resolve().parents[2] / "config" / "ledger_columns.yaml"


@dataclass
class Mapping:
    columns: dict[str, str | None]  # header text -> field path (None: known, ignored)
    required: list[str]
    fill_down: list[str]
    id_column: str
    header_search_rows: int = 10

    @classmethod
    def load(cls, path: Path | None = None) -> "Mapping":
        path = Path(path or DEFAULT_MAPPING)
        data = load_yaml(path)
        cols: dict[str, str | None] = {}
        for header, spec in (data.get("columns") or {}).items():
            spec = spec or {}
            for name in [header, *(spec.get("aliases") or [])]:
                cols[str(name).strip()] = spec.get("field")
        return cls(cols, list(data.get("required", [])), list(data.get("fill_down", [])),
                   str(data.get("id_column", "案件编号")), int(data.get("header_search_rows", 10)))

    def field_for(self, header: str) -> tuple[bool, str | None]:
        """(known, field path) for a header: mapped, a dotted field path, or a field's Chinese name."""
        h = header.strip()
        if h in self.columns:
            return True, self.columns[h]
        if h in field_types() or (h.startswith("checklists.") and h.count(".") == 2):
            return True, h
        return False, _by_label().get(h)


def _by_label() -> dict[str, str]:
    d = Describer()
    out: dict[str, list[str]] = {}
    for path in field_types():
        label = d(path)
        for key in (label, label.split("·")[-1]):
            out.setdefault(key, []).append(path)
    return {k: v[0] for k, v in out.items() if len(v) == 1}


@dataclass
class Row:
    """One data row: its sheet row number and either a case or the errors found in it."""

    row: int
    case: Case | None = None
    errors: list[InputError] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


@dataclass
class Source:
    """Where a run of rows comes from: one sheet (or one case file); shared by its rows."""

    file: str
    sheet: str = ""
    column_of: dict[str, str] = field(default_factory=dict)  # field path -> header text
    settings: dict = field(default_factory=dict)  # sheet-level values (e.g. 县：元氏县 above the header)


@dataclass
class RawRow:
    """A row as read, before validation: cheap to send to a worker process.

    ``raw`` maps field paths to cell values; for a case file, ``item`` is the
    YAML mapping and ``index`` its position in the file.
    """

    row: int
    raw: dict
    source: Source
    errors: list[InputError] = field(default_factory=list)
    item: object = None
    index: int | None = None


def make_row(rr: RawRow, defaults: dict | None = None, as_of: dt.date | None = None) -> Row:
    """Validate a raw row into a Case (or the errors naming its row and columns)."""
    if rr.item is not None or rr.index is not None:  # a case file's mapping
        from ..facts.load import CaseErrors, parse_case

        try:
            return Row(rr.row, parse_case(rr.item, rr.source.file, rr.index, as_of), [], rr.raw)
        except CaseErrors as exc:
            return Row(rr.row, None, exc.errors, rr.raw)
    if rr.errors:
        return Row(rr.row, None, rr.errors, rr.raw)
    data: dict = {}
    for path, value in {**(defaults or {}), **rr.source.settings, **rr.raw}.items():
        if path == "id":
            value = str(value).strip()
        _set(data, path, value)
    data.setdefault("id", f"{rr.source.sheet}-R{rr.row}")
    if as_of and "as_of" not in data:
        data["as_of"] = as_of
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        column_of = rr.source.column_of
        errs = to_input_errors(
            exc, file=rr.source.file, row=rr.row, case=str(data.get("id")),
            column_for=lambda loc: column_of.get(".".join(str(p) for p in loc)),
        )
        return Row(rr.row, None, errs, rr.raw)
    if case.as_of is None:
        case = case.model_copy(update={"as_of": dt.date.today()})
    return Row(rr.row, case, [], rr.raw)


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date()  # a ledger's dates carry no time of day
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _set(target: dict, path: str, value) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        target = target.setdefault(p, {})
    target[parts[-1]] = value


class LedgerReader:
    """Iterating gives validated rows (``Row``); ``raw_rows()`` gives them unvalidated, for workers.

    ``defaults`` (field path -> value, e.g. from --county) fill cells a row leaves
    empty; a sheet-level setting above the header (a cell “县：元氏县”, or “县” with
    the value in the next cell) overrides them for that sheet; a row's own cell wins.
    """

    def __init__(self, path: Path, mapping: Mapping | None = None, defaults: dict | None = None,
                 as_of: dt.date | None = None):
        self.path = Path(path)
        self.mapping = mapping or Mapping.load()
        self.defaults = defaults or {}
        self.as_of = as_of
        self.warnings: list[str] = []
        self.sheet_errors: list[InputError] = []

    def __iter__(self) -> Iterator[Row]:
        for rr in self.raw_rows():
            yield make_row(rr, self.defaults, self.as_of)

    def _open(self) -> Workbook:
        try:
            return Workbook(self.path)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
            raise InputError(f"无法打开 Excel 文件（{type(exc).__name__}）", file=str(self.path),
                             expected="Excel 2007 及以上格式（.xlsx）的台账") from None

    def total_rows(self) -> int:
        """An estimate for the progress bar: the rows of the largest sheet (drop-down sheets are small)."""
        wb = self._open()
        try:
            return max((max(s.dimension - 1, 0) for s in wb.sheets), default=0)
        finally:
            wb.close()

    def raw_rows(self) -> Iterator[RawRow]:
        """Rows of every sheet that is a ledger (has the required columns); other sheets
        (drop-down lists, notes) are skipped, and only if no sheet is a ledger is that an error."""
        wb = self._open()
        skipped: list[InputError] = []
        ledgers = 0
        try:
            for sheet in wb.sheets:
                problems: list[InputError] = []
                rows = self._sheet(sheet.title, wb.rows(sheet), problems)
                if problems:
                    skipped.extend(problems)
                    continue
                ledgers += 1
                yield from rows
        except (zipfile.BadZipFile, etree.XMLSyntaxError, zlib.error, EOFError) as exc:
            raise InputError(f"Excel 文件内容已损坏，读取中断（{type(exc).__name__}）", file=str(self.path),
                             expected="用 Excel 或 WPS 打开后另存为 .xlsx") from None
        finally:
            wb.close()
        if not ledgers:
            self.sheet_errors.extend(skipped or [InputError("工作簿中没有台账数据", file=str(self.path))])

    def _sheet(self, title: str, rows: Iterator[tuple[int, list]], problems: list[InputError]) -> Iterator[RawRow]:
        """Finds the header (appending to ``problems`` if the sheet is no ledger) and returns the rows."""
        # The header is the row, among the first few, that names the most known columns (at least two):
        # a settings line above it such as “省 | 河北省 | 县 | 元氏县” names fewer.
        first = []
        for row_no, vals in rows:
            first.append((row_no, vals))
            if row_no >= self.mapping.header_search_rows:
                break
        known = [sum(1 for v in vals if isinstance(v, str) and (self.mapping.field_for(v.strip())[1]
                                                                or v.strip() in self.mapping.columns))
                 for _, vals in first]
        header, header_row, above = None, 0, []
        if known and max(known) >= 2:
            at = known.index(max(known))
            header = [str(v).strip() if v is not None and v is not FORMULA_WITHOUT_VALUE else "" for v in first[at][1]]
            header_row, above = first[at][0], [vals for _, vals in first[:at]]
            rows = itertools.chain(first[at + 1:], rows)
        if header is None:
            problems.append(InputError(
                    f"工作表“{title}”前 {self.mapping.header_search_rows} 行中找不到表头", file=str(self.path),
                    expected=f"包含 {'、'.join(self.mapping.required)} 等列名的表头行"))
            return iter(())
        missing = [r for r in self.mapping.required if not any(
            self.mapping.field_for(h)[1] == self.mapping.field_for(r)[1] for h in header if h)]
        if missing:
            problems.append(InputError(
                f"工作表“{title}”缺少必需的列：{'、'.join(missing)}", file=str(self.path), row=header_row,
                expected="在表头中加上这些列，或在 config/ledger_columns.yaml 中为本县列名加别名"))
            return iter(())
        return self._rows(title, rows, header, self._settings(above))

    def _settings(self, above: list[tuple]) -> dict:
        """Sheet-level values written above the header: “县：元氏县” in one cell, or “县” | “元氏县”."""
        out: dict = {}
        for vals in above:
            cells = [_cell(v) for v in vals]
            for i, v in enumerate(cells):
                if not isinstance(v, str):
                    continue
                key, sep, value = v.replace(":", "：").partition("：")
                if not sep:
                    key, value = v, cells[i + 1] if i + 1 < len(cells) else None
                path = self.mapping.field_for(key.strip())[1] if key.strip() else None
                if path in SHEET_SETTINGS and value not in (None, ""):
                    out[path] = value.strip() if isinstance(value, str) else value
        return out

    def _rows(self, title, rows, header, settings) -> Iterator[RawRow]:
        fields: list[str | None] = []
        for h in header:
            known, path = self.mapping.field_for(h) if h else (True, None)
            if h and not known and not path:
                self.warnings.append(f"工作表“{title}”的列“{h}”未对应任何字段，已忽略")
            fields.append(path)
        source = Source(str(self.path), title, {f: h for f, h in zip(fields, header) if f}, settings)
        used = [(i, f) for i, f in enumerate(fields) if f]
        carried: dict[str, object] = {}
        fill = {self.mapping.field_for(h)[1] for h in self.mapping.fill_down}
        for r, vals in rows:
            rr = self._row(source, r, vals, used, carried, fill)
            if rr is not None:
                yield rr

    def _row(self, source: Source, r, vals, used, carried, fill) -> RawRow | None:
        raw: dict[str, object] = {}
        errors: list[InputError] = []
        n = len(vals)
        for idx, f in used:
            if idx >= n:
                break
            v = vals[idx]
            if v is None:
                continue
            if v is FORMULA_WITHOUT_VALUE:
                errors.append(InputError("单元格是公式但没有计算结果", file=source.file, row=r,
                                         column=source.column_of[f], field=f,
                                         expected="在 Excel 或 WPS 中打开并保存（使公式有计算结果），或改填数值"))
                continue
            v = _cell(v)
            if v is not None:
                raw[f] = v
        if not raw and not errors:
            return None  # blank row
        for f in fill:
            if f in raw:
                carried[f] = raw[f]
            elif f in carried:
                raw[f] = carried[f]
        return RawRow(r, raw, source, errors)


# Fields a sheet may set once above its header (they apply to every row that leaves them empty).
SHEET_SETTINGS = {"jurisdiction.province", "jurisdiction.city", "jurisdiction.county", "jurisdiction.township",
                  "as_of"}
