"""A case as the engines see it: one flat dict keyed by dotted field path.

Dates become zero-padded YYYYMMDD integers and enums their English ids, so that
both engines compare like with like (durable-rules compares across types
silently). Missing values are left out: a condition on a missing field is false.
"""
from __future__ import annotations

import datetime as dt
import types
import typing
from enum import Enum
from functools import lru_cache

from pydantic import BaseModel

from .dates import to_int
from .enums import LabeledEnum
from .model import Case

CHECKLIST_PREFIX = "checklists."


def _leaf_type(annotation) -> str:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return _leaf_type(args[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _leaf_type(inner[0])
    if isinstance(annotation, type):
        if issubclass(annotation, LabeledEnum):
            return f"enum:{annotation.__name__}"
        if issubclass(annotation, bool):
            return "bool"
        if issubclass(annotation, dt.date):
            return "date"
        if issubclass(annotation, int):
            return "int"
        if issubclass(annotation, float):
            return "float"
        if issubclass(annotation, str):
            return "str"
    return "other"


@lru_cache(maxsize=1)
def field_types() -> dict[str, str]:
    """Every dotted path a rule may test, with its type ('bool', 'date', 'enum:X', ...)."""
    out: dict[str, str] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, f in model.model_fields.items():
            ann = f.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.")
            elif name in ("checklists", "packs"):
                continue
            else:
                out[f"{prefix}{name}"] = _leaf_type(ann)

    walk(Case, "")
    return out


def enum_of(type_name: str) -> type[LabeledEnum] | None:
    if not type_name.startswith("enum:"):
        return None
    from . import enums

    return getattr(enums, type_name[5:])


def path_type(path: str) -> str | None:
    """Type of a dotted path, including ``checklists.<list>.<item>`` (bool)."""
    if path.startswith(CHECKLIST_PREFIX) and path.count(".") == 2:
        return "bool"
    return field_types().get(path)


def _value(v):
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, dt.date):
        return to_int(v)
    return v


def flatten(case: Case) -> dict:
    flat: dict = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name, v in model.__dict__.items():
            if v is None or name == "packs":
                continue
            if isinstance(v, BaseModel):
                walk(v, f"{prefix}{name}.")
            elif name == "checklists" and not prefix:
                for lst, items in v.items():
                    for item, done in items.items():
                        flat[f"{CHECKLIST_PREFIX}{lst}.{item}"] = bool(done)
            else:
                flat[f"{prefix}{name}"] = _value(v)

    walk(case, "")
    return flat
