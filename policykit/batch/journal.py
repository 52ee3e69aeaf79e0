"""The batch journal: one line per finished case, so an interrupted run resumes where it stopped.

A line is appended (and fsynced) only after all of that case's files were
written atomically; a line cut short by a kill is ignored. On resume a case is
skipped when its input key matches and every file it lists is present with the
recorded hash.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..storage import sha256_file

JOURNAL = ".batch-journal.jsonl"


class Journal:
    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / JOURNAL
        self.done: dict[str, str] = {}  # case id -> its journal line (parsed only when asked: small in memory)
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a kill
                if isinstance(rec, dict) and isinstance(rec.get("case"), str):
                    self.done[rec["case"]] = line
        self._fh = None

    def complete(self, case_id: str, key: str, out_dir: Path) -> dict | None:
        """The recorded entry if this case's outputs are complete and current, else None."""
        line = self.done.get(case_id)
        if line is None:
            return None
        rec = json.loads(line)
        if rec.get("key") != key:
            return None
        for f in rec.get("files", []):
            p = Path(out_dir) / f["path"]
            if not p.exists() or sha256_file(p) != f["sha256"]:
                return None
        return rec

    def append(self, records: list[dict]) -> None:
        if not records:
            return
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")
            if self._fh.tell() and not self.path.read_bytes().endswith(b"\n"):
                self._fh.write("\n")  # a line cut short by a kill stays on its own line
        self._fh.write("".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
