"""``policykit batch``: a ledger (or folder of case files) in; checks, documents, ledger out, manifest.

The parent streams the input in chunks, in input order, and sends chunk i to
worker i mod N (see ``pool``). The worker validates and checks the chunk's rows
and keeps the cases; the parent, taking chunks in input order, allocates their
document numbers and feeds the escalation tally; the same worker then renders
the chunk. Finished cases are journalled, so a re-run skips them; every file is
written atomically.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from filelock import FileLock, Timeout

from .. import __version__
from ..errors import InputError
from ..facts.load import iter_case_files
from ..facts.model import Case
from ..storage import new_file_mode, sha256_file
from ..yamlio import LineDict, load_yaml
from . import work
from .journal import Journal
from .ledger_in import LedgerReader, RawRow, Source, make_row
from .ledger_out import UNSET_TOWN, LedgerOut
from .pool import Inline, Processes

CHUNK = 100  # rows per chunk at most; small inputs use smaller chunks so every worker gets some
IN_FLIGHT = 3  # chunks per worker between reading and writing (bounds memory)


@dataclass
class Options:
    input: Path
    out: Path
    as_of: dt.date | None = None
    workers: int = 1
    pdf: bool = False
    rules_dir: Path | None = None
    engine: str = "auto"
    chunk: int = CHUNK
    defaults: dict = field(default_factory=dict)  # field path -> value for cells a row leaves empty (--county …)


@dataclass
class Summary:
    rows: int = 0
    cases: int = 0
    acting: int = 0
    documents: int = 0
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)
    aggregates: list = field(default_factory=list)
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)
    townships: dict[str, list[int]] = field(default_factory=dict)  # name -> [cases, acting, overdue deadlines]

    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.errors:
            return 2
        return 1 if self.acting or any(a.requires_action for a in self.aggregates) else 0


# -- input -------------------------------------------------------------------------------------

def read_input(opts: Options, warnings: list[str], sheet_errors: list[InputError]) -> tuple[Iterator[RawRow], int]:
    """(raw rows, how many, estimated) from an Excel ledger or from YAML case files."""
    if opts.input.is_file() and opts.input.suffix.lower() in (".xlsx", ".xlsm"):
        reader = LedgerReader(opts.input, defaults=opts.defaults, as_of=opts.as_of)

        def rows():
            yield from reader.raw_rows()
            warnings.extend(reader.warnings)
            sheet_errors.extend(reader.sheet_errors)

        return rows(), reader.total_rows()
    if opts.input.is_file() and opts.input.suffix.lower() not in (".yaml", ".yml"):
        raise InputError("无法识别的输入文件类型", file=str(opts.input),
                         expected="Excel 台账（.xlsx）、案件文件（.yaml）或案件文件目录")
    files = list(iter_case_files([opts.input]))
    return _yaml_rows(files, sheet_errors), 0


def _yaml_rows(files: list[Path], sheet_errors: list[InputError]) -> Iterator[RawRow]:
    n = 0
    for path in files:
        try:
            data = load_yaml(path)
        except InputError as exc:
            sheet_errors.append(exc)
            continue
        source = Source(str(path))
        for i, item in enumerate(data if isinstance(data, list) else [data]):
            n += 1
            raw = {}
            if isinstance(item, dict):
                j = item.get("jurisdiction") if isinstance(item.get("jurisdiction"), dict) else {}
                raw = {"id": item.get("id"), "name": item.get("name"),
                       "jurisdiction.township": j.get("township"), "jurisdiction.village": j.get("village")}
            line = item.line if isinstance(item, LineDict) else None
            raw["_source"] = f"{path}:{line}" if line else str(path)
            yield RawRow(n, raw, source, item=item, index=i)


# -- fingerprints --------------------------------------------------------------------------------

def _hash_files(paths: list[Path], base: Path) -> dict[str, str]:
    return {p.relative_to(base).as_posix() if p.is_relative_to(base) else str(p): sha256_file(p) for p in sorted(paths)}


def fingerprint(opts: Options, engine) -> dict:
    from ..documents.render import TEMPLATES_DIR

    root = Path(__file__).resolve().parents[2]
    config = [p for p in (root / "config").glob("*.yaml")]
    packs = [lp.path for lp in engine.packs]
    return {
        "packs": _hash_files(packs, root),
        "templates": _hash_files(list(Path(TEMPLATES_DIR).glob("*.docx")), root),
        "config": _hash_files(config, root),
        "pdf": opts.pdf,
        "defaults": {k: str(v) for k, v in sorted(opts.defaults.items())},
        "version": __version__,
    }


def case_key(case: Case, fp_digest: str) -> str:
    return work.case_key(case, fp_digest)


# -- the run -------------------------------------------------------------------------------------

def _chunks(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    buf: list[RawRow] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def chunk_size(opts: Options, total: int) -> int:
    """At most ``opts.chunk`` rows; a small ledger is cut finer so that every worker gets work."""
    if total <= 0:
        return opts.chunk
    return max(1, min(opts.chunk, -(-total // (opts.workers * 4))))


def run(opts: Options, progress: Callable[[int, int], None] | None = None, total_cb=None) -> Summary:
    from ..console import make_engine

    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / ".batch.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise InputError("另一个批处理正在使用该输出目录", file=str(out), expected="等待其结束，或换一个输出目录") from None
    try:
        _clean_temp_files(out)
        engine = make_engine(opts.rules_dir, opts.engine)  # announces a durable-rules fallback once
        fp = fingerprint(opts, engine)
        fp_digest = hashlib.sha256(json.dumps(fp, sort_keys=True).encode()).hexdigest()
        summary = Summary()
        sheet_errors: list[InputError] = []
        rows, total = read_input(opts, summary.warnings, sheet_errors)
        if total_cb:
            total_cb(total)
        cfg = work.Config(str(opts.rules_dir) if opts.rules_dir else None, opts.engine, str(out.resolve()),
                          opts.pdf, fp_digest, dict(opts.defaults), opts.as_of)
        batch = _Batch(opts, engine, summary, progress)
        pool = Processes(opts.workers, cfg) if opts.workers > 1 else Inline(cfg)
        failed = True
        restore = _stop_on_sigint(batch)
        try:
            with batch.registry.session():  # one lock and an append-only log for the whole run
                batch.pipeline(pool, _chunks(rows, chunk_size(opts, total)))
            failed = False
        except KeyboardInterrupt:
            summary.interrupted = True
            failed = False
        finally:
            restore()
            pool.close(kill=failed or summary.interrupted)
            batch.journal.close()
            summary.errors = sheet_errors + summary.errors
            if failed or summary.interrupted:
                batch.ledger.discard()
                _write_manifest(out, opts, fp, summary, batch.cases_file, [], status="interrupted")
                batch.cases_file.discard()
        if not summary.interrupted:
            summary.aggregates = batch.tally.finish()
            agg_files = _render_aggregates(summary.aggregates, out, batch.stubs)
            summary.documents += sum(len(a["files"]) for a in agg_files)
            batch.ledger.finish(summary.aggregates, sheet_errors)
            _write_manifest(out, opts, fp, summary, batch.cases_file, agg_files)
            batch.cases_file.become_journal(batch.journal.path)  # this run's records: the journal, compacted
        return summary
    finally:
        lock.release()


def _stop_on_sigint(batch: "_Batch"):
    """The first Ctrl-C asks the batch to stop at the next safe point; a second one stops it at once.
    Returns the function that puts the previous handler back."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, frame):
        if batch.stop:
            raise KeyboardInterrupt
        batch.stop = True

    previous = signal.signal(signal.SIGINT, handler)
    return lambda: signal.signal(signal.SIGINT, previous)


@dataclass
class _Pending:
    """A chunk between its check and its rendering: per row, in input order."""

    rows: list[RawRow]
    entries: list  # per row: CheckedRow with errors (an error row) or (CheckedRow, reused journal record | None)


class _Batch:
    """The parent's side: numbering, tally, journal, ledger out and manifest, always in input order."""

    def __init__(self, opts: Options, engine, summary: Summary, progress):
        from ..documents.numbering import NumberRegistry
        from ..rules.aggregate import Tally

        self.opts, self.summary, self.progress = opts, summary, progress
        self.out = Path(opts.out)
        self.journal = Journal(self.out)
        self.registry = NumberRegistry.for_output(self.out)
        self.tally = Tally(engine)
        self.aggregated = {f for lp in engine.packs for a in lp.pack.aggregates for f in a.group.findings}
        self.ledger = LedgerOut(self.out / "ledger-out.xlsx")
        self.cases_file = _CasesFile(self.out)  # manifest records, streamed (a province's ledger is 100,000 rows)
        self.stubs: dict[str, tuple] = {}  # case counted in an escalation -> (kind, as_of, place): for its documents
        self._places: dict[tuple, tuple] = {}
        self.seen: dict[str, int] = {}  # case id -> first row
        self.stop = False  # set by Ctrl-C

    def pipeline(self, pool, chunks: Iterator[list[RawRow]]) -> None:
        limit = max(2, IN_FLIGHT * self.opts.workers)
        sent: dict[int, list[RawRow]] = {}
        checked: dict[int, list] = {}
        numbered: dict[int, _Pending] = {}
        rendered: dict[int, list] = {}
        next_cid = next_number = next_write = 0
        exhausted = False
        while True:
            if self.stop:  # Ctrl-C, checked between steps so that each chunk is recorded whole or not at all
                raise KeyboardInterrupt
            while not exhausted and len(sent) < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                self.summary.rows += len(chunk)
                sent[next_cid] = chunk
                pool.send(next_cid, "check", chunk)
                next_cid += 1
            if not sent:
                return
            op, cid, payload = pool.receive(lambda: self.stop)
            if op == "error":
                raise payload
            if op == "check":
                checked[cid] = payload
                while next_number in checked:
                    pending, plan = self._number(sent[next_number], checked.pop(next_number))
                    numbered[next_number] = pending
                    pool.send(next_number, "render", plan)
                    next_number += 1
            else:
                rendered[cid] = payload
                while next_write in rendered:
                    self._write(numbered.pop(next_write), rendered.pop(next_write))
                    del sent[next_write]
                    next_write += 1

    def _number(self, rows: list[RawRow], checked: list) -> tuple[_Pending, list]:
        """In input order: duplicates, resume, tally, and the numbers of the documents to render."""
        entries, requests, todo = [], [], []
        for rr, cr in zip(rows, checked):
            if cr.errors:
                entries.append(cr)
                continue
            first = self.seen.setdefault(cr.case_id, cr.row)
            if first != cr.row:
                column = rr.source.column_of.get("id")
                cr.errors = [InputError(f"案件编号“{cr.case_id}”与第 {first} 行重复", file=rr.source.file, row=cr.row,
                                        column=column, field="id", case=cr.case_id,
                                        expected="每个案件一个唯一的案件编号")]
                entries.append(cr)
                todo.append(None)
                continue
            if self.aggregated.intersection(cr.fired):
                self._tally(rr, cr)
            reused = self.journal.complete(cr.case_id, cr.key, self.out)
            entries.append((cr, reused))
            if reused:
                todo.append(("reuse", reused["files"]))
            else:
                todo.append((len(requests), len(cr.requests)))
                requests.extend(cr.requests)
        numbers = self.registry.allocate_many(requests) if requests else []
        # one entry per case the worker kept: its numbers, ("reuse", files), or None (drop it)
        plan = [numbers[t[0]:t[0] + t[1]] if isinstance(t, tuple) and t[0] != "reuse" else t for t in todo]
        return _Pending(rows, entries), plan

    def _tally(self, rr: RawRow, cr) -> None:
        """Feed the escalation tally; the case is rebuilt from its raw row (cheaper than sending it back)."""
        case = make_row(rr, self.opts.defaults, self.opts.as_of).case
        # What Tally.add reads of a CaseResult (case, as_of, packs, findings' rule ids); pydantic's
        # model_construct would cost more than the whole check.
        result = SimpleNamespace(case=cr.case_id, as_of=cr.as_of, packs=cr.packs,
                                 findings=[SimpleNamespace(rule=r) for r in cr.fired])
        self.tally.add(case, result)
        j = case.jurisdiction
        place = (j.province, j.city, j.county, j.township, j.village)
        self.stubs[case.id] = (case.kind, case.as_of, self._places.setdefault(place, place))

    def _write(self, pending: _Pending, rendered: list) -> None:
        done = iter(rendered)
        records, errors = [], 0
        s = self.summary
        for rr, e in zip(pending.rows, pending.entries):
            if isinstance(e, work.CheckedRow):  # an input error (or a duplicate id)
                errs = [_rebuild(x) for x in e.errors]
                s.errors.extend(errs)
                self.ledger.error_row(e.row, rr.raw, errs)
                errors += 1
                continue
            cr, reused = e
            rd = next(done)
            line = rd.line
            s.cases += 1
            s.acting += line.acting
            s.skipped += bool(reused)
            s.documents += len(rd.files)
            town = s.townships.setdefault(line.township or UNSET_TOWN, [0, 0, 0])
            town[0] += 1
            town[1] += line.acting
            town[2] += len(line.overdue)
            record = {"case": cr.case_id, "key": cr.key, "row": cr.row, "files": rd.files}
            self.cases_file.add(record)
            if not reused:
                records.append(record)
            self.ledger.add(line)
        self.journal.append(records)
        self.cases_file.flush()
        if self.progress:
            self.progress(len(pending.rows), errors)


def _rebuild(e: InputError) -> InputError:
    """An InputError that crossed a process boundary, made whole again (its text is re-rendered)."""
    return InputError(**{f.name: getattr(e, f.name) for f in dataclasses.fields(InputError)})


def _render_aggregates(aggs, out: Path, stubs: dict[str, tuple]) -> list[dict]:
    import warnings

    from ..documents.api import DocumentWarning, render_aggregate_documents
    from ..facts.model import Jurisdiction

    done = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentWarning)
        for agg in aggs:
            if not agg.documents:
                continue
            members = [(c, stubs[c]) for c in agg.cases if c in stubs]
            first = []
            date = None
            if members:  # the documents take the place of the first counted case and the latest check date
                cid, (kind, _, place) = members[0]
                first = [Case(id=cid, kind=kind, jurisdiction=Jurisdiction(
                    **dict(zip(("province", "city", "county", "township", "village"), place))))]
                date = max(m[1][1] for m in members)
            paths = render_aggregate_documents(agg, out, cases=first, date=date)
            done.append({"rule": agg.rule, "group": agg.group,
                         "files": [{"path": p.relative_to(out.resolve()).as_posix() if p.is_absolute() else
                                    p.relative_to(out).as_posix(), "sha256": sha256_file(p)} for p in paths]})
    return done


class _CasesFile:
    """The manifest's per-case records, one JSON line each, in a temporary file until the manifest is written."""

    def __init__(self, out: Path):
        import tempfile

        fd, name = tempfile.mkstemp(prefix=".manifest-cases.", suffix=".tmp", dir=out)
        self.path = Path(name)
        self.fh = os.fdopen(fd, "w", encoding="utf-8")
        self.count = 0

    def add(self, record: dict) -> None:
        self.fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def flush(self) -> None:
        self.fh.flush()

    def lines(self) -> Iterator[str]:
        self.fh.flush()
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\n")

    def become_journal(self, journal: Path) -> None:
        self.fh.close()
        os.replace(self.path, journal)

    def discard(self) -> None:
        self.fh.close()
        self.path.unlink(missing_ok=True)


def _clean_temp_files(out: Path) -> None:
    """Temporary files left by a killed run (never a finished output)."""
    for p in out.rglob(".*.tmp"):
        try:
            p.unlink()
        except OSError:
            pass


def _write_manifest(out: Path, opts: Options, fp: dict, summary: Summary, cases: _CasesFile, aggs: list[dict],
                    status: str | None = None):
    import tempfile

    doc = {
        "tool": "policykit",
        "version": __version__,
        "status": status or ("interrupted" if summary.interrupted else "complete"),
        "as_of": (opts.as_of or dt.date.today()).isoformat(),
        "finished_at": dt.datetime.now().isoformat(timespec="seconds"),
        "input": {"path": str(opts.input), "sha256": _input_hash(opts.input)},
        "packs": fp["packs"],
        "templates": fp["templates"],
        "config": fp["config"],
        "counts": {"rows": summary.rows, "cases": summary.cases, "requiring_action": summary.acting,
                   "documents": summary.documents, "skipped_unchanged": summary.skipped,
                   "errors": len(summary.errors), "aggregates": len(summary.aggregates)},
        "errors": [e.as_dict() for e in summary.errors],
        "aggregates": aggs,
    }
    # One line per case keeps the file readable while json's C encoder (no indent) keeps it fast;
    # the case lines are copied from their temporary file, never all in memory.
    head = json.dumps(doc, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=".manifest.json.", suffix=".tmp", dir=out)
    try:
        os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(head[:-2] + ',\n "cases": [\n')
            first = True
            for line in cases.lines():
                fh.write(line if first else ",\n" + line)
                first = False
            fh.write("\n ]\n}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out / "manifest.json")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _input_hash(path: Path) -> str:
    if path.is_file():
        return sha256_file(path)
    h = hashlib.sha256()
    for p in iter_case_files([path]):
        h.update(str(p.relative_to(path)).encode())
        h.update(bytes.fromhex(sha256_file(p)))
    return h.hexdigest()


def default_workers() -> int:
    """The cores this process may use (a container's CPU set, not the host's core count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
