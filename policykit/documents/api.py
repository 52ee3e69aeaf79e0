"""Render the documents a case (or a group of cases) calls for, into files.

``render_documents(case, result, out_dir)`` writes ``out_dir/<case id>/<kind>_<number>.docx``
for every kind the findings name (or the kinds asked for);
``render_aggregate_documents(agg, out_dir)`` does the same for a township-level
AggregateFinding (e.g. the accountability letter).
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from functools import lru_cache
from pathlib import Path

from ..facts.model import Case
from ..findings.model import AggregateFinding, CaseResult, Finding
from ..rules.schema import DOCUMENT_KINDS
from ..storage import atomic_write_bytes, inside, safe_case_dirname
from .context import ANNOUNCEMENTS, Job, build_context, number_prefix
from .jurisdictions import Place, resolve
from .numbering import NumberRegistry
from .render import render_docx


class DocumentWarning(UserWarning):
    """Something the clerk should check in a generated document (Chinese message)."""


def _kinds_called(findings: list[Finding]) -> list[str]:
    called = {k for f in findings for k in f.documents}
    return [k for k in DOCUMENT_KINDS if k in called]


def _check_kinds(kinds) -> list[str]:
    kinds = list(kinds)
    bad = [k for k in kinds if k not in DOCUMENT_KINDS]
    if bad:
        raise ValueError(f"未知的文书类型：{'、'.join(bad)}（可选：{'、'.join(DOCUMENT_KINDS)}）")
    return kinds


def place_of(case: Case) -> Place:
    j = case.jurisdiction
    return Place(province=j.province, city=j.city, county=j.county, township=j.township, village=j.village)


def case_jobs(case: Case, result: CaseResult, kinds=None, *, date: dt.date | None = None) -> list[Job]:
    """The documents to render for one case: one Job per kind (per transfer target)."""
    findings = list(result.findings)
    wanted = _check_kinds(kinds) if kinds else _kinds_called(findings)
    date = date or result.as_of
    jobs = []
    for kind in wanted:
        own = [f for f in findings if kind in f.documents]
        warn = []
        if not own:
            own = [f for f in findings if f.requires_action]
            warn.append(f"案件 {case.id} 的查处结论未要求制作{DOCUMENT_KINDS[kind]}，已按全部需处置的结论生成，请核对")
        base = dict(kind=kind, date=date, place=place_of(case), case=case, result=result, findings=own,
                    all_findings=findings, warnings=warn, label=case.id)
        if kind == "transfer_letter":
            targets = list(dict.fromkeys(t.to for f in own for t in f.transfers)) or [None]
            for target in targets:
                sel = [f for f in own if target is None or any(t.to == target for t in f.transfers)]
                key = f"case|{case.id}|{kind}|{target or 'default'}"
                jobs.append(Job(key=key, transfer=target, **(base | {"findings": sel})))
        else:
            jobs.append(Job(key=f"case|{case.id}|{kind}", mines=[case] if kind in ANNOUNCEMENTS else [], **base))
    return jobs


@lru_cache(maxsize=1)
def _pack_governs() -> dict[str, dict]:
    try:
        from ..rules.loader import load_packs

        return {lp.id: dict(lp.pack.pack.governs) for lp in load_packs()}
    except Exception:  # packs missing or broken: the place stays unknown
        return {}


def aggregate_place(agg: AggregateFinding, cases: list[Case] | None = None) -> Place:
    members = [c for c in cases or [] if c.id in set(agg.cases)]
    if members:
        p = place_of(members[0])
    else:
        gov = _pack_governs().get(agg.pack, {})
        p = Place(province=gov.get("province"), city=gov.get("city"), county=gov.get("county"),
                  township=gov.get("township"))
    field = agg.group_by.rsplit(".", 1)[-1]
    if field in ("province", "city", "county", "township", "village"):
        setattr(p, field, agg.group)
        for finer in ("province", "city", "county", "township", "village")[
            ("province", "city", "county", "township", "village").index(field) + 1 :
        ]:
            setattr(p, finer, None)
    return p


def aggregate_jobs(agg: AggregateFinding, kinds=None, *, cases: list[Case] | None = None,
                   date: dt.date | None = None) -> list[Job]:
    wanted = _check_kinds(kinds) if kinds else _kinds_called([agg])
    if date is None:
        dates = [c.as_of for c in cases or [] if c.id in set(agg.cases) and c.as_of]
        date = max(dates) if dates else dt.date.today()
    place = aggregate_place(agg, cases)
    return [
        Job(kind=k, key=f"agg|{agg.rule}|{agg.group_by}|{agg.group}|{k}", date=date, place=place,
            aggregate=agg, findings=[agg], all_findings=[agg], label=agg.group)
        for k in wanted
    ]


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def file_name(kind: str, number: str, ext: str = "docx") -> str:
    return f"{kind}_{_UNSAFE.sub('_', number)}.{ext}"


def number_request(job: Job, config=None) -> tuple[str, str, int]:
    """(registry key, number prefix, year): what a registry needs to give this job its number."""
    return job.key, number_prefix(job.kind, resolve(job.place, config)), job.date.year


def render_job(job: Job, registry: NumberRegistry, *, templates_dir=None, config=None) -> tuple[str, bytes, dict]:
    """Allocate the number and render; returns (number, .docx bytes, context)."""
    (number,) = registry.allocate_many([number_request(job, config)])
    data, ctx = render_numbered(job, number, templates_dir=templates_dir, config=config)
    return number, data, ctx


def render_numbered(job: Job, number: str, *, templates_dir=None, config=None) -> tuple[bytes, dict]:
    """Render a job whose number was already allocated (the batch allocates in input order)."""
    issuing = resolve(job.place, config)
    ctx = build_context(job, issuing, number)
    data = render_docx(job.kind, ctx, templates_dir=templates_dir)
    for w in ctx["warnings"]:
        warnings.warn(f"{job.label}（{DOCUMENT_KINDS[job.kind]}）：{w}", DocumentWarning, stacklevel=3)
    return data, ctx


def _write_jobs(jobs: list[Job], out_dir: Path, folder: str, *, pdf: bool, templates_dir, config,
                report=None) -> list[Path]:
    out_dir = Path(out_dir)
    registry = NumberRegistry.for_output(out_dir)
    target = inside(out_dir, folder)
    paths = []
    for job in jobs:
        number, data, ctx = render_job(job, registry, templates_dir=templates_dir, config=config)
        path = atomic_write_bytes(target / file_name(job.kind, number), data)
        paths.append(path)
        if pdf and job.kind in ANNOUNCEMENTS:
            from .pdf import announcement_pdf

            paths.append(atomic_write_bytes(path.with_suffix(".pdf"), announcement_pdf(data, ctx)))
    if pdf and report is not None:
        from .pdf import case_report_pdf

        paths.append(atomic_write_bytes(target / "check_report.pdf", case_report_pdf(*report)))
    return paths


def render_documents(case: Case, result: CaseResult, out_dir: str | Path, kinds=None, pdf: bool = False, *,
                     templates_dir=None, config=None, date: dt.date | None = None) -> list[Path]:
    """Write the documents for one case into ``out_dir/<safe case id>/``; returns the files.

    With ``pdf=True`` also the case check report (``check_report.pdf``) and a
    PDF of each announcement, for the government website.
    """
    jobs = case_jobs(case, result, kinds, date=date)
    return _write_jobs(jobs, out_dir, safe_case_dirname(case.id), pdf=pdf, templates_dir=templates_dir,
                       config=config, report=(case, result))


def render_aggregate_documents(agg: AggregateFinding, out_dir: str | Path, kinds=None, pdf: bool = False, *,
                               cases: list[Case] | None = None, date: dt.date | None = None,
                               templates_dir=None, config=None) -> list[Path]:
    """Write the documents a group finding calls for into ``out_dir/汇总_<group>/``.

    ``cases`` (the checked cases) supply the county and the document date
    (the latest as_of of the counted cases); without them the pack's
    jurisdiction and today's date are used.
    """
    jobs = aggregate_jobs(agg, kinds, cases=cases, date=date)
    return _write_jobs(jobs, out_dir, safe_case_dirname(f"汇总_{agg.group}"), pdf=False,
                       templates_dir=templates_dir, config=config)


def render_township_plan(out_dir: str | Path, *, township: str, county: str | None = None,
                         findings: list[Finding] | None = None, plan: dict | None = None,
                         date: dt.date | None = None, province: str | None = None, city: str | None = None,
                         templates_dir=None, config=None) -> Path:
    """A township's 实施方案 from the county plan's findings and township data.

    ``plan`` overrides the defaults in ``config/jurisdictions.yaml`` (``plan:``):
    guiding, group, targets, phases (with ``start``/``end`` windows), tasks,
    requirements. Written to ``out_dir/实施方案_<township>/``.
    """
    date = date or dt.date.today()
    findings = list(findings or [])
    place = Place(province=province, city=city, county=county, township=township)
    job = Job(kind="township_plan", key=f"plan|{county or ''}|{township}|{date.year}", date=date, place=place,
              findings=findings, all_findings=findings, plan=plan, label=township)
    (path,) = _write_jobs([job], out_dir, safe_case_dirname(f"实施方案_{township}"), pdf=False,
                          templates_dir=templates_dir, config=config)
    return path
