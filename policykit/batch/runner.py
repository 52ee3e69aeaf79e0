"""``policykit batch``: a ledger (or folder of case files) in; checks, documents, ledger out, manifest.

The parent streams the input in chunks, in input order. Workers check a chunk;
the parent allocates document numbers for it in input order and feeds the
escalation tally; workers render it. Finished cases are journalled, so a re-run
skips them; every file is written atomically.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from filelock import FileLock, Timeout

from .. import __version__
from ..errors import InputError
from ..facts.load import CaseErrors, iter_case_files, parse_case
from ..facts.model import Case
from ..storage import sha256_file
from ..yamlio import LineDict, load_yaml
from . import work
from .journal import Journal
from .ledger_in import LedgerReader, Row
from .ledger_out import LedgerOut

CHUNK = 100


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

def read_input(opts: Options, warnings: list[str], sheet_errors: list[InputError]) -> tuple[Iterator[Row], int]:
    """(rows, how many) from an Excel ledger or from YAML case files."""
    if opts.input.is_file() and opts.input.suffix.lower() in (".xlsx", ".xlsm"):
        reader = LedgerReader(opts.input, as_of=opts.as_of)

        def rows():
            yield from reader
            warnings.extend(reader.warnings)
            sheet_errors.extend(reader.sheet_errors)

        return rows(), reader.total_rows()
    files = list(iter_case_files([opts.input]))
    return _yaml_rows(files, opts.as_of, sheet_errors), 0


def _yaml_rows(files: list[Path], as_of, sheet_errors: list[InputError]) -> Iterator[Row]:
    n = 0
    for path in files:
        try:
            data = load_yaml(path)
        except InputError as exc:
            sheet_errors.append(exc)
            continue
        for i, item in enumerate(data if isinstance(data, list) else [data]):
            n += 1
            line = item.line if isinstance(item, LineDict) else None
            try:
                yield Row(n, parse_case(item, str(path), i, as_of))
            except CaseErrors as exc:
                yield Row(n, None, exc.errors, {"_source": f"{path}:{line}"})


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
        "version": __version__,
    }


def case_key(case: Case, fp_digest: str) -> str:
    return hashlib.sha256((fp_digest + case.model_dump_json()).encode("utf-8")).hexdigest()


# -- the run -------------------------------------------------------------------------------------

class _Inline(Executor):
    """The same code path without processes (--workers 1)."""

    def submit(self, fn, *args, **kwargs):
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(exc)
        return f


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    buf: list[Row] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def run(opts: Options, progress: Callable[[int, int], None] | None = None, total_cb=None) -> Summary:
    from ..console import make_engine
    from ..documents.numbering import NumberRegistry
    from ..rules.aggregate import Tally

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
        journal = Journal(out)
        registry = NumberRegistry.for_output(out)
        tally = Tally(engine)
        ledger = LedgerOut(out / "ledger-out.xlsx")
        manifest_cases: list[dict] = []
        stubs: dict[str, Case] = {}
        if opts.workers > 1:
            pool: Executor = ProcessPoolExecutor(
                opts.workers, mp_context=get_context("forkserver"), initializer=work.init,
                initargs=(str(opts.rules_dir) if opts.rules_dir else None, opts.engine),
            )
        else:
            work.setup(str(opts.rules_dir) if opts.rules_dir else None, opts.engine)
            pool = _Inline()
        try:
            _pipeline(opts, pool, rows, summary, journal, registry, tally, ledger, manifest_cases, stubs,
                      fp_digest, progress)
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            pool.shutdown(wait=not summary.interrupted, cancel_futures=True)
            journal.close()
        summary.errors = sheet_errors + summary.errors
        if not summary.interrupted:
            summary.aggregates = tally.finish()
            agg_files = _render_aggregates(summary.aggregates, out, stubs)
            summary.documents += sum(len(a["files"]) for a in agg_files)
            ledger.finish(summary.aggregates, sheet_errors)
            _write_manifest(out, opts, fp, summary, manifest_cases, agg_files)
        else:
            ledger.discard()
            _write_manifest(out, opts, fp, summary, manifest_cases, [])
        return summary
    finally:
        lock.release()


def _pipeline(opts, pool, rows, summary, journal, registry, tally, ledger, manifest_cases, stubs, fp_digest,
              progress) -> None:
    window = max(2, opts.workers * 2)
    checking: deque[tuple[list[Row], Future]] = deque()
    rendering: deque[tuple[list, Future]] = deque()

    def drain_render(block: bool) -> None:
        while rendering and (block or rendering[0][1].done()):
            meta, fut = rendering.popleft()
            files_per_case = fut.result()
            records = []
            for (row, checked, key, reused), files in zip(meta, files_per_case):
                files = reused["files"] if reused else files
                summary.documents += len(files)
                records.append({"case": checked.case.id, "key": key, "row": row.row, "files": files})
                manifest_cases.append(records[-1])
                ledger.case_row(row.row, checked.case, checked.result, files)
            journal.append([r for r, (_, _, _, reused) in zip(records, meta) if not reused])
            if progress:
                progress(len(meta), 0)

    def handle_checked(chunk: list[Row], checked_list) -> None:
        by_row = iter(checked_list)
        meta, to_render, requests = [], [], []
        for row in chunk:
            if row.case is None:
                summary.errors.extend(row.errors)
                ledger.error_row(row.row, row.raw, row.errors)
                if progress:
                    progress(1, 1)
                continue
            checked = next(by_row)
            summary.cases += 1
            summary.acting += checked.result.requires_action
            town = summary.townships.setdefault(checked.case.jurisdiction.township or "（未填写乡镇）", [0, 0, 0])
            town[0] += 1
            town[1] += checked.result.requires_action
            town[2] += sum(d.status == "overdue" for f in checked.result.findings for d in f.deadlines)
            tally.add(checked.case, checked.result)
            stubs[checked.case.id] = _stub(checked.case)
            key = case_key(checked.case, fp_digest)
            reused = journal.complete(checked.case.id, key, opts.out)
            summary.skipped += bool(reused)
            meta.append((row, checked, key, reused))
            requests.extend(checked.requests)
        numbers = iter(registry.allocate_many(requests)) if requests else iter(())
        for row, checked, key, reused in meta:
            mine = [next(numbers) for _ in checked.requests]
            to_render.append((checked, [] if reused else mine))
        items = [(c, n) for (c, n), m in zip(to_render, meta) if not m[3]]
        fut = pool.submit(work.render_chunk, items, str(Path(opts.out).resolve()), opts.pdf)
        rendering.append((meta, _Expand(fut, [m[3] is not None for m in meta])))

    for chunk in _chunks(rows, opts.chunk):
        summary.rows += len(chunk)
        good = [r.case for r in chunk if r.case is not None]
        checking.append((chunk, pool.submit(work.check_chunk, good)))
        while len(checking) >= window or (checking and checking[0][1].done()):
            c, f = checking.popleft()
            handle_checked(c, f.result())
            drain_render(block=len(rendering) >= window)
    while checking:
        c, f = checking.popleft()
        handle_checked(c, f.result())
        drain_render(block=len(rendering) >= window)
    drain_render(block=True)


class _Expand:
    """A render future whose result has an empty entry for each reused (skipped) case."""

    def __init__(self, fut: Future, reused: list[bool]):
        self.fut, self.reused = fut, reused

    def done(self) -> bool:
        return self.fut.done()

    def result(self):
        produced = iter(self.fut.result())
        return [[] if r else next(produced) for r in self.reused]


def _stub(case: Case) -> Case:
    """What aggregate documents need of a case (place and date), without keeping the whole case."""
    return Case(id=case.id, kind=case.kind, as_of=case.as_of, jurisdiction=case.jurisdiction)


def _render_aggregates(aggs, out: Path, stubs: dict[str, Case]) -> list[dict]:
    import warnings

    from ..documents.api import DocumentWarning, render_aggregate_documents

    done = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentWarning)
        for agg in aggs:
            if not agg.documents:
                continue
            members = [stubs[c] for c in agg.cases if c in stubs]
            paths = render_aggregate_documents(agg, out, cases=members)
            done.append({"rule": agg.rule, "group": agg.group,
                         "files": [{"path": p.relative_to(out.resolve()).as_posix() if p.is_absolute() else
                                    p.relative_to(out).as_posix(), "sha256": sha256_file(p)} for p in paths]})
    return done


def _clean_temp_files(out: Path) -> None:
    """Temporary files left by a killed run (never a finished output)."""
    for p in out.rglob(".*.tmp"):
        try:
            p.unlink()
        except OSError:
            pass


def _write_manifest(out: Path, opts: Options, fp: dict, summary: Summary, cases: list[dict], aggs: list[dict]):
    from ..storage import atomic_write_text

    doc = {
        "tool": "policykit",
        "version": __version__,
        "status": "interrupted" if summary.interrupted else "complete",
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
        "cases": cases,
        "aggregates": aggs,
    }
    # One line per case keeps the file readable while json's C encoder (no indent) keeps it fast.
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, ensure_ascii=False, indent=1)
    lines = ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases)
    atomic_write_text(out / "manifest.json", head[:-2] + ',\n "cases": [\n' + lines + "\n ]\n}\n")


def _input_hash(path: Path) -> str:
    if path.is_file():
        return sha256_file(path)
    h = hashlib.sha256()
    for p in iter_case_files([path]):
        h.update(str(p.relative_to(path)).encode())
        h.update(bytes.fromhex(sha256_file(p)))
    return h.hexdigest()


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
