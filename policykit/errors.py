"""Errors a user reads. Every message is Chinese and names where the problem is.

An ``InputError`` carries the file, the line or row, the field path and what was
expected, so a clerk can find and fix the exact cell or line.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass


SHOWN_MAX = 40


def shown(value) -> str:
    """A value as quoted in a message: long text is cut, with its length, so one bad cell cannot flood the report."""
    text = str(value)
    if len(text) <= SHOWN_MAX:
        return text
    return f"{text[:SHOWN_MAX]}…（共{len(text)}字）"


@dataclass
class InputError(Exception):
    """A problem in user input (case file, ledger, rule pack, template)."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based line in a text file
    row: int | None = None  # 1-based row in a spreadsheet
    column: str | None = None  # spreadsheet column header or letter
    field: str | None = None  # dotted field path
    expected: str | None = None
    case: str | None = None  # case id, where known
    extra: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.line:
            parts.append(f"第 {self.line} 行")
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列")
        if self.case:
            parts.append(f"案件 {shown(self.case)}")
        if self.field:
            parts.append(f"字段 {self.field}")
        return "，".join(parts)

    def render(self) -> str:
        loc = self.location()
        text = f"{loc}：{self.message}" if loc else self.message
        if self.expected:
            text += f"（应为：{self.expected}）"
        return text

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "case": self.case,
            "message": self.message,
            "expected": self.expected,
            "text": self.render(),
        }


class EngineError(RuntimeError):
    """The inference engine failed or behaved unexpectedly; never swallowed."""


class PackError(InputError):
    """A rule pack is malformed or inconsistent."""
