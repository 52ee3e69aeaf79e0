"""The JSON document of ``policykit check --json`` as a model, so its schema can be published and checked."""
from __future__ import annotations

from pydantic import BaseModel

from .model import AggregateFinding, CaseResult


class ErrorOut(BaseModel):
    file: str | None
    line: int | None
    row: int | None
    column: str | None
    field: str | None
    case: str | None
    message: str
    expected: str | None
    text: str


class CheckOutput(BaseModel):
    tool: str
    version: str
    schema_version: int
    engine: str
    as_of: str
    cases: list[CaseResult]
    aggregates: list[AggregateFinding]
    errors: list[ErrorOut]
