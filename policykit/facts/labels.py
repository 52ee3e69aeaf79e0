"""Chinese labels of fact fields and values, for explanations and reports."""
from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel

from .dates import cn_date, from_int
from .flatten import CHECKLIST_PREFIX, enum_of, path_type
from .model import Case


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(model: type[BaseModel], prefix: str, parent: str) -> None:
        for name, f in model.model_fields.items():
            label = f.description or name
            ann = f.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.", label)
            else:
                out[f"{prefix}{name}"] = f"{parent}·{label}" if parent else label

    walk(Case, "", "")
    return out


class Describer:
    """Callable: path -> Chinese label; ``.value(path, v)`` -> Chinese value text."""

    def __init__(self, checklist_items: dict[str, dict[str, str]] | None = None):
        self.items = checklist_items or {}

    def __call__(self, path: str) -> str:
        if path.startswith(CHECKLIST_PREFIX):
            _, lst, item = path.split(".", 2)
            return f"清单{lst}·{self.items.get(lst, {}).get(item, item)}"
        if path == "count":
            return "起数"
        if path.startswith("any."):
            return f"任一案件{self(path[4:])}"
        return _labels().get(path, path)

    def value(self, path: str, v) -> str:
        if v is None:
            return "未填写"
        t = path_type(path[4:] if path.startswith("any.") else path) or ""
        if isinstance(v, bool):
            return "是" if v else "否"
        if t == "date" and isinstance(v, int):
            return cn_date(from_int(v))
        cls = enum_of(t)
        if cls is not None:
            try:
                return f"{cls(v).label}（{v}）"
            except ValueError:
                return str(v)
        return str(v)
