"""The two steps a batch worker does for a chunk of cases, in its own process.

1. ``check_chunk``: findings, and the documents they call for (as number requests);
2. ``render_chunk``: with numbers the parent allocated in input order, render
   and write each document atomically, returning paths and hashes.

Splitting the steps lets the parent number documents in input order, so the
output does not depend on how many workers there are or how they are scheduled.
"""
from __future__ import annotations

import hashlib
import signal
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..facts.model import Case
from ..findings.model import CaseResult
from ..storage import atomic_write_bytes, inside, safe_case_dirname

_state: dict = {}


def init(rules_dir: str | None, engine: str = "auto") -> None:
    """Process initializer: one engine per process; Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    setup(rules_dir, engine)


def setup(rules_dir: str | None, engine: str = "auto") -> None:
    from ..rules.engine import Engine, FallbackWarning
    from ..rules.loader import load_packs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)  # the parent announces it once
        _state["engine"] = Engine(load_packs(rules_dir), backend=engine)


@dataclass
class Checked:
    case: Case
    result: CaseResult
    requests: list[tuple[str, str, int]]  # (registry key, prefix, year) per document


def case_folder(case: Case) -> tuple[str, str]:
    return safe_case_dirname(case.jurisdiction.township or "未填写乡镇"), safe_case_dirname(case.id)


def check_chunk(cases: list[Case]) -> list[Checked]:
    from ..documents.api import case_jobs, number_request

    engine = _state["engine"]
    out = []
    for case in cases:
        result = engine.check(case)
        out.append(Checked(case, result, [number_request(j) for j in case_jobs(case, result)]))
    return out


def render_chunk(items: list[tuple[Checked, list[str]]], out_dir: str, pdf: bool) -> list[list[dict]]:
    """For each (checked case, its numbers): write the documents; return [{path, sha256, kind, number}]."""
    from ..documents.api import DocumentWarning, case_jobs, file_name, render_numbered

    out_dir = Path(out_dir)
    written: list[list[dict]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentWarning)
        for checked, numbers in items:
            town, folder = case_folder(checked.case)
            target = inside(out_dir, town, folder)
            files = []
            for job, number in zip(case_jobs(checked.case, checked.result), numbers):
                data, ctx = render_numbered(job, number)
                files.append(_write(out_dir, target / file_name(job.kind, number), data, job.kind, number))
                if pdf and job.kind in _announcements():
                    from ..documents.pdf import announcement_pdf

                    pdf_path = target / file_name(job.kind, number, "pdf")
                    files.append(_write(out_dir, pdf_path, announcement_pdf(data, ctx), job.kind, number))
            if pdf:
                from ..documents.pdf import case_report_pdf

                files.append(_write(out_dir, target / "check_report.pdf",
                                    case_report_pdf(checked.case, checked.result), "check_report", ""))
            written.append(files)
    return written


def _announcements():
    from ..documents.context import ANNOUNCEMENTS

    return ANNOUNCEMENTS


def _write(out_dir: Path, path: Path, data: bytes, kind: str, number: str) -> dict:
    atomic_write_bytes(path, data, fsync=False)  # resume re-checks every file's hash
    return {"path": path.relative_to(out_dir.resolve()).as_posix(), "sha256": hashlib.sha256(data).hexdigest(),
            "kind": kind, "number": number}
