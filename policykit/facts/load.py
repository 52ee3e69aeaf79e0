"""Loading case files (YAML, one case or a list) from files and folders."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError
from ..yamlio import LineDict, load_yaml, line_of
from .model import Case
from .validate import to_input_errors

CASE_SUFFIXES = {".yaml", ".yml"}


@dataclass
class Loaded:
    cases: list[Case] = field(default_factory=list)
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # case id -> (file, line)
    errors: list[InputError] = field(default_factory=list)


def iter_case_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.suffix.lower() in CASE_SUFFIXES and child.is_file() and not child.name.startswith("."):
                    yield child
        else:
            yield p


def parse_case(data, file: str, index: int | None = None, as_of: dt.date | None = None) -> Case:
    """Validate one case mapping; raise ValueError carrying a list of InputErrors."""
    if not isinstance(data, dict):
        line = getattr(data, "line", None)
        raise CaseErrors([InputError("案件应为映射（字段: 值）", file=file, line=line, expected="YAML 映射")])
    try:
        case = Case.model_validate(dict(data))
    except ValidationError as exc:
        case_id = data.get("id") if isinstance(data.get("id"), str) else None
        raise CaseErrors(
            to_input_errors(exc, file=file, case=case_id, line_for=lambda loc: line_of(data, loc))
        ) from None
    if case.as_of is None:
        case = case.model_copy(update={"as_of": as_of or dt.date.today()})
    return case


def _where(file: str, line: int | None) -> str:
    return f"{file} 第 {line} 行" if line else file


class CaseErrors(Exception):
    def __init__(self, errors: list[InputError]):
        super().__init__("; ".join(e.render() for e in errors))
        self.errors = errors


def load_cases(paths: Iterable[Path | str], as_of: dt.date | None = None) -> Loaded:
    """Load every case under ``paths``. Bad files and bad cases are reported, the rest kept."""
    out = Loaded()
    for path in iter_case_files(paths):
        file = str(path)
        if not path.exists():
            out.errors.append(InputError("文件不存在", file=file))
            continue
        try:
            data = load_yaml(path)
        except InputError as exc:
            out.errors.append(exc)
            continue
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            try:
                case = parse_case(item, file, i, as_of)
            except CaseErrors as exc:
                out.errors.extend(exc.errors)
                continue
            line = item.line if isinstance(item, LineDict) else None
            if case.id in out.origins:
                out.errors.append(
                    InputError(
                        f"案件编号“{case.id}”重复（首次出现在 {_where(*out.origins[case.id])}）",
                        file=file, line=line, field="id", case=case.id, expected="每个案件编号唯一",
                    )
                )
                continue
            out.origins[case.id] = (file, line)
            out.cases.append(case)
    return out
