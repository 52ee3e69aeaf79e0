"""Benchmark: policykit's batch against the plain pipeline a user would write, in one run.

    python bench/bench_batch.py [--cases 10000] [--baseline 300] [--workers 2]

Plain pipeline (reading the ledger with openpyxl, timed on all rows; checking and
rendering measured on --baseline cases and extrapolated to --cases, said so in the
output): durable-rules used directly per case (no memo), and a new
docxtpl.DocxTemplate per document, rendered with autoescape and saved.
policykit: ``policykit batch`` on an Excel ledger of --cases rows (streamed,
parallel workers, compiled templates). Prints cases/s, ms per document, wall
time, peak RSS and the ratio.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def tree_sample(root: int) -> tuple[float, dict[int, float]]:
    """(resident MB, {pid: CPU seconds}) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(d.name)
        parents[pid] = int(fields.get("PPid", "0").strip())
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
        cpu[pid] = (int(stat[11]) + int(stat[12])) / tick  # utime + stime
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree) / 1024, {p: cpu[p] for p in tree if p in cpu}


class PeakSampler:
    """Samples a process tree's resident memory and CPU time every 0.2 s while a run is going."""

    def __init__(self, pid: int):
        import threading

        self.peak, self._stop = 0.0, threading.Event()
        self.cpu: dict[int, float] = {}  # last CPU seconds seen per process of the tree
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)

    def _run(self, pid):
        while not self._stop.wait(0.2):
            mb, cpu = tree_sample(pid)
            self.peak = max(self.peak, mb)
            self.cpu.update(cpu)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def make_ledger(n: int, path: Path) -> None:
    from policykit.batch.ledger_template import save, sheet
    from policykit.batch.synth import rows

    save(sheet("基准测试台账", rows(n, seed=99)), path)


def load_cases(path: Path):
    """What a user's script does: openpyxl read-only, the header row mapped through the column mapping,
    one Case validated per row (not policykit's streaming reader)."""
    from openpyxl import load_workbook

    from policykit.batch.ledger_in import Mapping, _set
    from policykit.facts.model import Case

    mapping = Mapping.load()
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        next(rows)  # the title row
        fields = [mapping.field_for(str(h).strip())[1] if h else None for h in next(rows)]
        cases = []
        for vals in rows:
            data: dict = {}
            for f, v in zip(fields, vals):
                if f and v is not None:
                    _set(data, f, v.date() if isinstance(v, dt.datetime) else v)
            if data:
                cases.append(Case.model_validate(data))
        return cases
    finally:
        wb.close()


def plain(cases, out: Path) -> dict:
    """durable-rules per case + a new DocxTemplate per document."""
    from docxtpl import DocxTemplate

    from policykit.documents.api import DocumentWarning, case_jobs
    from policykit.documents.context import build_context
    from policykit.documents.env import make_env
    from policykit.documents.jurisdictions import resolve
    from policykit.documents.render import template_path
    from policykit.rules.engine import Engine

    engine = Engine(backend="durable", cache=False)
    t0 = time.perf_counter()
    results = [engine.check(c) for c in cases]
    t_check = time.perf_counter() - t0
    docs = 0
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentWarning)
        for case, result in zip(cases, results):
            for job in case_jobs(case, result):
                ctx = build_context(job, resolve(job.place), f"测试〔2024〕{docs + 1}号")
                tpl = DocxTemplate(str(template_path(job.kind)))
                tpl.render(ctx, jinja_env=make_env(), autoescape=True)
                tpl.save(str(out / f"{docs}.docx"))
                docs += 1
    t_render = time.perf_counter() - t1
    return {"cases": len(cases), "check_s": t_check, "render_s": t_render, "docs": docs}


def rule_rate(cases) -> float:
    from policykit.rules.engine import Engine

    engine = Engine(backend="durable")
    t0 = time.perf_counter()
    for c in cases:
        engine.check(c)
    return len(cases) / (time.perf_counter() - t0)


def render_ms(cases, limit=300) -> float:
    from policykit.documents.api import DocumentWarning, case_jobs, render_numbered
    from policykit.rules.engine import Engine

    engine = Engine(backend="durable")
    jobs = [j for c in cases[:limit * 2] for j in case_jobs(c, engine.check(c))][:limit]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentWarning)
        render_numbered(jobs[0], "预热〔2024〕1号")
        t0 = time.perf_counter()
        for i, j in enumerate(jobs):
            render_numbered(j, f"测试〔2024〕{i + 1}号")
    return (time.perf_counter() - t0) / len(jobs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--baseline", type=int, default=300, help="cases for the plain pipeline (extrapolated)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pk-bench-"))
    try:
        ledger = work / "ledger.xlsx"
        t = time.perf_counter()
        make_ledger(args.cases, ledger)
        print(f"generated {args.cases} cases in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        cases = load_cases(ledger)  # the plain pipeline reads the same ledger (openpyxl), timed on all rows
        read_per_case = (time.perf_counter() - t) / max(len(cases), 1)

        base_out = work / "plain"
        base_out.mkdir()
        b = plain(cases[: args.baseline], base_out)
        b_per_case = read_per_case + (b["check_s"] + b["render_s"]) / b["cases"]
        print(f"plain pipeline: reading the ledger {read_per_case * 1000:.2f} ms per case (all {len(cases)} rows); "
              f"on {b['cases']} cases: check {b['cases'] / b['check_s']:.0f} cases/s, "
              f"{b['render_s'] / max(b['docs'], 1) * 1000:.1f} ms per document ({b['docs']} docs); "
              f"extrapolated to {args.cases} cases: {b_per_case * args.cases:.1f} s")

        rate = rule_rate(cases)
        ms = render_ms(cases)
        print(f"policykit rule evaluation (one process, durable-rules + memo): {rate:.0f} cases/s")
        print(f"policykit rendering (one process): {ms:.1f} ms per document")

        del cases
        out = work / "out"
        # The batch as a user runs it: the command, in its own process tree (whose memory is what is sampled).
        cmd = [sys.executable, "-m", "policykit", "batch", str(ledger), "-o", str(out), "--workers", str(args.workers)]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        with PeakSampler(proc.pid) as sampler:
            _, err = proc.communicate()
        wall = time.perf_counter() - t
        if proc.returncode not in (0, 1):
            sys.exit(f"batch failed ({proc.returncode}):\n{err[-3000:]}")
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        peak = sampler.peak
        cases_n = manifest["counts"]["cases"]
        print(f"policykit batch, {args.workers} workers: {cases_n} cases, {manifest['counts']['documents']} documents "
              f"+ ledger out + manifest in {wall:.1f} s ({cases_n / wall:.0f} cases/s, process start included)")
        print(f"peak RSS of the batch's process tree (parent + forkserver + workers): {peak:.0f} MB")
        busy = sum(sampler.cpu.values())
        print(f"CPU time of that tree: {busy:.1f} s (wall x cores = {wall * os.cpu_count():.1f} s; "
              f"the difference is time the cores spent on other processes or idle)")
        print(f"ratio (plain extrapolated / policykit): {b_per_case * args.cases / wall:.1f}x")
        print(json.dumps({"date": dt.date.today().isoformat(), "cases": args.cases, "wall_s": round(wall, 1),
                          "rule_cases_per_s": round(rate), "render_ms_per_doc": round(ms, 2),
                          "plain_extrapolated_s": round(b_per_case * args.cases, 1),
                          "ratio": round(b_per_case * args.cases / wall, 1), "peak_rss_mb": round(peak),
                          "batch_cpu_s": round(busy, 1)},
                         ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
