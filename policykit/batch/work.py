"""What a batch worker does, in its own process, for chunks of rows.

1. ``check``: validate each raw row into a case, check it, and work out the
   documents its findings call for; keep the checked cases, and send the parent
   only what it needs to number the documents (the number requests) and to feed
   the escalation tally.
2. ``render``: with the numbers the parent allocated in input order, render and
   write each kept case's documents atomically; send back paths, hashes and the
   case's ledger-out line.

A chunk's two steps run in the same worker (the parent sends chunk i to worker
i mod N), so cases never travel between processes: only raw cell values go in
and small plain records come out. Numbering in the parent, in input order, makes
the output independent of how many workers there are and how they are scheduled.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError
from ..facts.load import CaseErrors
from ..storage import inside, safe_case_dirname
from .ledger_in import RawRow, make_row
from .ledger_out import CaseLine, case_line


def _located(e: InputError, rr: RawRow) -> InputError:
    """An engine-side input error placed where the reader places its own: file and row (and column), or line."""
    if rr.item is not None:  # a mapping from a case file
        return replace(e, file=rr.source.file, line=getattr(rr.item, "line", None))
    return replace(e, file=rr.source.file, row=rr.row, column=rr.source.column_of.get(e.field or ""))


@dataclass
class Config:
    rules_dir: str | None
    engine: str
    out_dir: str
    pdf: bool
    fp_digest: str  # fingerprint of packs, templates, config and options: part of every case's key
    defaults: dict = field(default_factory=dict)
    as_of: dt.date | None = None


@dataclass
class CheckedRow:
    """The parent's view of one checked row (plain values only)."""

    row: int
    case_id: str | None = None
    key: str = ""  # hash of the case and the fingerprint: unchanged key + files intact = nothing to redo
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (registry key, prefix, year) per document
    fired: list[str] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    errors: list[InputError] = field(default_factory=list)


@dataclass
class RenderedRow:
    row: int
    case_id: str
    files: list[dict]
    line: CaseLine


def case_key(case, fp_digest: str) -> str:
    return hashlib.sha256((fp_digest + case.model_dump_json()).encode("utf-8")).hexdigest()


def case_folder(case) -> tuple[str, str]:
    return safe_case_dirname(case.jurisdiction.township or "未填写乡镇"), safe_case_dirname(case.id)


class Worker:
    def __init__(self, cfg: Config):
        from ..rules.engine import Engine, FallbackWarning
        from ..rules.loader import load_packs

        self.cfg = cfg
        self.out_dir = Path(cfg.out_dir)
        self.out_resolved = self.out_dir.resolve()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FallbackWarning)  # the parent announces it once
            self.engine = Engine(load_packs(cfg.rules_dir), backend=cfg.engine)
        self.pending: dict[int, list] = {}  # chunk id -> [(row, case, result, jobs)]

    def check(self, cid: int, rows: list[RawRow]) -> list[CheckedRow]:
        from ..documents.api import case_jobs, number_request

        kept, out = [], []
        for rr in rows:
            r = make_row(rr, self.cfg.defaults, self.cfg.as_of)
            if r.case is None:
                out.append(CheckedRow(r.row, errors=r.errors))
                continue
            case = r.case
            try:
                result = self.engine.check(case)
            except CaseErrors as exc:  # the case does not fit its packs (e.g. a checklist item they do not have)
                out.append(CheckedRow(r.row, errors=[_located(e, rr) for e in exc.errors]))
                continue
            jobs = case_jobs(case, result)
            kept.append((r.row, case, result, jobs))
            out.append(CheckedRow(r.row, case.id, case_key(case, self.cfg.fp_digest),
                                  [number_request(j) for j in jobs], [f.rule for f in result.findings],
                                  list(result.packs), result.as_of))
        self.pending[cid] = kept
        return out

    def render(self, cid: int, plan: list) -> list[RenderedRow]:
        """``plan`` has one entry per kept case, in order: a list of numbers (render),
        ("reuse", files) (its outputs are complete from an earlier run) or None (drop it)."""
        from ..documents.api import DocumentWarning

        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DocumentWarning)
            for (row, case, result, jobs), what in zip(self.pending.pop(cid), plan):
                if what is None:
                    continue
                files = what[1] if isinstance(what, tuple) else self._write_case(case, result, jobs, what)
                out.append(RenderedRow(row, case.id, files, case_line(row, case, result, files)))
        return out

    def _write_case(self, case, result, jobs, numbers: list[str]) -> list[dict]:
        from ..documents.api import file_name, render_numbered

        town, folder = case_folder(case)
        target = inside(self.out_dir, town, folder)
        target.mkdir(parents=True, exist_ok=True)
        files = []
        for job, number in zip(jobs, numbers):
            data, ctx = render_numbered(job, number)
            files.append(self._write(target / file_name(job.kind, number), data, job.kind, number))
            if self.cfg.pdf and job.kind in _announcements():
                from ..documents.pdf import announcement_pdf

                files.append(self._write(target / file_name(job.kind, number, "pdf"), announcement_pdf(data, ctx),
                                         job.kind, number))
        if self.cfg.pdf:
            from ..documents.pdf import case_report_pdf

            files.append(self._write(target / "check_report.pdf", case_report_pdf(case, result), "check_report", ""))
        return files

    def _write(self, path: Path, data: bytes, kind: str, number: str) -> dict:
        """Atomically (a temporary name, then rename), without fsync: resume re-checks every file's hash.
        The temporary name carries the process id: no other process writes this case's files."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # the umask applies
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
        return {"path": path.relative_to(self.out_resolved).as_posix(),
                "sha256": hashlib.sha256(data).hexdigest(), "kind": kind, "number": number}

    def handle(self, msg: tuple):
        op, cid, payload = msg
        return op, cid, (self.check(cid, payload) if op == "check" else self.render(cid, payload))


def _announcements():
    from ..documents.context import ANNOUNCEMENTS

    return ANNOUNCEMENTS


def serve(cfg: Config, inbox, outbox) -> None:
    """A worker process: handle messages until None. Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        worker = Worker(cfg)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        outbox.put(("error", -1, _portable(exc)))
        return
    while True:
        msg = inbox.get()
        if msg is None:
            return
        try:
            outbox.put(worker.handle(msg))
        except BaseException as exc:  # noqa: BLE001
            outbox.put(("error", msg[1], _portable(exc)))
            return


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError with its text."""
    import pickle
    import traceback

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError("".join(traceback.format_exception(exc))[-4000:])
