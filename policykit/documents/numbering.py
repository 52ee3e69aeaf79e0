"""发文字号 registry: 元政〔2024〕12号 — year in full, no zero padding, never reused.

The registry is a JSON file in the output folder, read and rewritten under a
file lock, so two renders running at once never receive the same number.
Rendering the same document again (same key: case id + kind) returns the
number it already has.
"""
from __future__ import annotations

import json
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import InputError
from ..storage import atomic_write_bytes

REGISTRY_NAME = "numbers.json"
LOCK_TIMEOUT = 60  # seconds


def format_number(prefix: str, year: int, serial: int) -> str:
    """GB/T 9704: 发文机关代字 + 〔年份〕 + 序号 + 号; no 第, no leading zeros."""
    return f"{prefix}〔{int(year)}〕{int(serial)}号"


class NumberRegistry:
    """Allocates document numbers; one registry per output folder."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.lock = FileLock(str(self.path.with_name(f".{self.path.name}.lock")), timeout=LOCK_TIMEOUT)

    @classmethod
    def for_output(cls, out_dir: str | Path) -> "NumberRegistry":
        return cls(Path(out_dir) / REGISTRY_NAME)

    def _load(self) -> dict:
        if not self.path.exists():
            return {"version": 1, "counters": {}, "assigned": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            # Never start again from 1: that would hand out numbers already used.
            raise InputError(
                f"发文字号登记文件已损坏，无法分配文号（{exc}）。请恢复该文件或核对后手工修正",
                file=str(self.path),
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("counters"), dict) or not isinstance(
            data.get("assigned"), dict
        ):
            raise InputError("发文字号登记文件结构不正确", file=str(self.path))
        return data

    def allocate(self, key: str, prefix: str, year: int) -> str:
        """The number for ``key``: the one it already has, or the next free one."""
        return self.allocate_many([(key, prefix, year)])[0]

    def allocate_many(self, requests: list[tuple[str, str, int]]) -> list[str]:
        """Numbers for many (key, prefix, year) at once, in order, under one lock and one write."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.lock:
                data = self._load()
                out, changed = [], False
                for key, prefix, year in requests:
                    rec = data["assigned"].get(key)
                    if rec and rec.get("prefix") == prefix and rec.get("year") == int(year):
                        out.append(rec["number"])
                        continue
                    counter = f"{prefix}〔{int(year)}〕"
                    serial = int(data["counters"].get(counter, 0)) + 1
                    data["counters"][counter] = serial
                    number = format_number(prefix, year, serial)
                    data["assigned"][key] = {"prefix": prefix, "year": int(year), "serial": serial, "number": number}
                    out.append(number)
                    changed = True
                if changed:
                    atomic_write_bytes(
                        self.path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
                    )
                return out
        except Timeout:
            raise InputError(
                f"等待发文字号登记文件超时（{LOCK_TIMEOUT}秒），可能另有程序正在生成文书", file=str(self.path)
            ) from None

    def lookup(self, key: str) -> str | None:
        with self.lock:
            rec = self._load()["assigned"].get(key)
        return rec["number"] if rec else None
