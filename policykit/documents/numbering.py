"""发文字号 registry: 元政〔2024〕12号 — year in full, no zero padding, never reused.

The registry is a JSON file in the output folder, read and rewritten under a
file lock, so two renders running at once never receive the same number.
Rendering the same document again (same key: case id + kind) returns the
number it already has.

A long run (the batch) holds the registry in a ``session()``: the lock is held
throughout, allocations are appended to ``numbers.json.log`` (fsynced) instead
of rewriting the whole file each time, and the log is folded into
``numbers.json`` when the session ends. Loading always replays a log left by a
killed session, so its numbers are never handed out again.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
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
        self.log_path = self.path.with_name(f"{self.path.name}.log")
        self._session: dict | None = None  # the loaded registry while a session holds the lock
        self._log = None

    @classmethod
    def for_output(cls, out_dir: str | Path) -> "NumberRegistry":
        return cls(Path(out_dir) / REGISTRY_NAME)

    def _load(self) -> dict:
        if not self.path.exists():
            data = {"version": 1, "counters": {}, "assigned": {}}
            self._replay(data)  # a first session killed before it wrote numbers.json
            return data
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
        self._replay(data)
        return data

    def _replay(self, data: dict) -> None:
        """Fold in allocations a session appended to the log (a line cut short by a kill was never handed out)."""
        if not self.log_path.exists():
            return
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                key, rec = json.loads(line)
                counter = f"{rec['prefix']}〔{int(rec['year'])}〕"
                serial = int(rec["serial"])
            except (ValueError, TypeError, KeyError):
                continue
            data["assigned"][key] = rec
            data["counters"][counter] = max(int(data["counters"].get(counter, 0)), serial)

    def _save(self, data: dict) -> None:
        atomic_write_bytes(
            self.path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        )

    @contextmanager
    def session(self):
        """Hold the registry for many ``allocate_many`` calls: one lock, one load, appends instead of rewrites."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except Timeout:
            raise InputError(
                f"等待发文字号登记文件超时（{LOCK_TIMEOUT}秒），可能另有程序正在生成文书", file=str(self.path)
            ) from None
        try:
            self._session = self._load()
            with open(self.log_path, "ab") as fh:
                if fh.tell() and not self.log_path.read_bytes().endswith(b"\n"):
                    fh.write(b"\n")  # a line cut short by a kill stays on its own line
            self._log = open(self.log_path, "a", encoding="utf-8")
            yield self
            self._log.close()
            self._log = None
            self._save(self._session)  # fold the log into numbers.json, then drop it
            self.log_path.unlink(missing_ok=True)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
            self._session = None
            self.lock.release()

    def allocate(self, key: str, prefix: str, year: int) -> str:
        """The number for ``key``: the one it already has, or the next free one."""
        return self.allocate_many([(key, prefix, year)])[0]

    def allocate_many(self, requests: list[tuple[str, str, int]]) -> list[str]:
        """Numbers for many (key, prefix, year) at once, in order, under one lock and one write."""
        if self._session is not None:
            out, new = self._assign(self._session, requests)
            if new:
                self._log.write("".join(json.dumps(n, ensure_ascii=False) + "\n" for n in new))
                self._log.flush()
                os.fsync(self._log.fileno())  # on disk before anyone can print the number
            return out
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.lock:
                data = self._load()
                out, new = self._assign(data, requests)
                if new:
                    self._save(data)
                    self.log_path.unlink(missing_ok=True)  # now folded into numbers.json
                return out
        except Timeout:
            raise InputError(
                f"等待发文字号登记文件超时（{LOCK_TIMEOUT}秒），可能另有程序正在生成文书", file=str(self.path)
            ) from None

    @staticmethod
    def _assign(data: dict, requests) -> tuple[list[str], list]:
        out, new = [], []
        for key, prefix, year in requests:
            rec = data["assigned"].get(key)
            if rec and rec.get("prefix") == prefix and rec.get("year") == int(year):
                out.append(rec["number"])
                continue
            counter = f"{prefix}〔{int(year)}〕"
            serial = int(data["counters"].get(counter, 0)) + 1
            data["counters"][counter] = serial
            number = format_number(prefix, year, serial)
            rec = {"prefix": prefix, "year": int(year), "serial": serial, "number": number}
            data["assigned"][key] = rec
            out.append(number)
            new.append([key, rec])
        return out, new

    def lookup(self, key: str) -> str | None:
        if self._session is not None:
            rec = self._session["assigned"].get(key)
            return rec["number"] if rec else None
        with self.lock:
            rec = self._load()["assigned"].get(key)
        return rec["number"] if rec else None
