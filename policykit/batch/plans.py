"""``policykit plans``: a county campaign plan + a township roster -> one 实施方案 per township.

Each township's plan has its own leading group (from the roster), the county's
phases and tasks with their windows and the township's lead leaders, and —
given a ledger — its own sites, patches (图斑) and areas (亩). A yearly project
table in the county plan (like 001-2's) must add up to the totals it declares.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..facts.dates import cn_date
from ..facts.enums import CaseKind
from ..yamlio import line_of, load_yaml


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Phase(_M):
    name: str
    start: dt.date | None = None
    end: dt.date | None = None
    content: str = ""


class Task(_M):
    name: str
    basis: str = ""  # clause, e.g. 方案四(二)1
    start: dt.date | None = None
    end: dt.date | None = None
    lead_roles: list[str] = Field(default_factory=list)  # roster roles whose holders lead it
    lead_departments: str = ""
    participants: str = ""
    implementer: str = "各村（社区）"


class Requirement(_M):
    title: str
    text: str


class Project(_M):
    year: int
    name: str
    township: str
    patches: int = Field(ge=0)
    area_mu: float = Field(ge=0)


class YearTotal(_M):
    projects: int
    patches: int
    area_mu: float


class Campaign(_M):
    title: str
    province: str | None = None
    city: str | None = None
    county: str
    date: dt.date
    start: dt.date | None = None
    end: dt.date | None = None


class CountyPlan(_M):
    campaign: Campaign
    guiding: str = ""
    targets: list[str] = Field(default_factory=list)  # may use {township}
    phases: list[Phase] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    totals: dict[int, YearTotal] = Field(default_factory=dict)


class Leader(_M):
    name: str
    role: str  # e.g. 党委书记, 镇长, 分管副镇长


class Township(_M):
    name: str
    leaders: list[Leader]
    members: str = "各村（社区）主干、驻村工作队长、相关站所负责人"
    office: str = "自然资源所"
    office_director: str | None = None
    villages: list[str] = Field(default_factory=list)


class Roster(_M):
    townships: list[Township]


def _load(model, path: Path):
    data = load_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        raise InputError(f"{err['msg']}（共 {exc.error_count()} 处错误）", file=str(path),
                         line=line_of(data, loc), field=".".join(map(str, loc))) from None


def load_plan(path: Path) -> CountyPlan:
    return _load(CountyPlan, Path(path))


def load_roster(path: Path) -> Roster:
    """A township roster from YAML, or from Excel (see ``roster_from_xlsx``)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return roster_from_xlsx(path)
    return _load(Roster, path)


# Excel roster columns: one row per leader; 乡镇 may be merged or left blank below its first row.
ROSTER_COLUMNS = {
    "乡镇": "township", "乡镇（街道）": "township", "姓名": "name", "领导姓名": "name", "职务": "role",
    "村（社区）": "villages", "村": "villages", "领导小组成员": "members", "成员": "members",
    "办公室": "office", "领导小组办公室": "office", "办公室主任": "office_director",
}


def roster_from_xlsx(path: Path) -> Roster:
    """乡镇 | 姓名 | 职务 [| 村（社区）| 领导小组成员 | 办公室 | 办公室主任], header in the first 10 rows.

    Villages are listed with 、 or , in one cell (any row of the township); every
    problem is reported with its row and column.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/XML errors of a broken file
        raise InputError(f"无法打开 Excel 文件（{type(exc).__name__}）", file=str(path)) from None
    try:
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    header_row, cols = None, {}
    for i, r in enumerate(rows[:10]):
        found = {ROSTER_COLUMNS[str(v).strip()]: j for j, v in enumerate(r) if v is not None
                 and str(v).strip() in ROSTER_COLUMNS}
        if {"township", "name", "role"} <= set(found):
            header_row, cols = i, found
            break
    if header_row is None:
        raise InputError("乡镇名册中找不到表头", file=str(path), expected="包含“乡镇”“姓名”“职务”三列的表头行")
    towns: dict[str, dict] = {}
    current = None
    errors: list[InputError] = []
    for i, r in enumerate(rows[header_row + 1:], start=header_row + 2):
        def cell(key):
            j = cols.get(key)
            v = r[j] if j is not None and j < len(r) else None
            return str(v).strip() if v is not None and str(v).strip() else None

        if not any(v is not None and str(v).strip() for v in r):
            continue
        current = cell("township") or current
        if current is None:
            errors.append(InputError("没有填写乡镇", file=str(path), row=i, column="乡镇"))
            continue
        t = towns.setdefault(current, {"name": current, "leaders": [], "villages": []})
        name, role = cell("name"), cell("role")
        if name or role:
            for key, value, col in (("name", name, "姓名"), ("role", role, "职务")):
                if not value:
                    errors.append(InputError(f"缺少{col}", file=str(path), row=i, column=col,
                                             expected="每行一位领导：姓名和职务"))
            if name and role:
                t["leaders"].append({"name": name, "role": role})
        if cell("villages"):
            t["villages"].extend(v.strip() for v in re.split(r"[、,，;；\s]+", cell("villages")) if v.strip())
        for key in ("members", "office", "office_director"):
            if cell(key):
                t[key] = cell(key)
    if errors:
        raise PlanErrors(errors)
    for t in towns.values():
        if not t["leaders"]:
            raise InputError(f"乡镇“{t['name']}”没有领导", file=str(path), column="姓名",
                             expected="至少一行写明该乡镇领导的姓名和职务")
    try:
        return Roster.model_validate({"townships": list(towns.values())})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise InputError(f"{err['msg']}", file=str(path)) from None


def check_totals(plan: CountyPlan, path: Path | None = None) -> list[InputError]:
    """Each year's projects must add up to the declared totals (count, patches, area)."""
    sums: dict[int, list] = defaultdict(lambda: [0, 0, 0.0])
    for p in plan.projects:
        s = sums[p.year]
        s[0] += 1
        s[1] += p.patches
        s[2] += p.area_mu
    errors = []
    raw = load_yaml(path) if path else None
    for year in sorted(set(sums) | set(plan.totals)):
        got, want = sums.get(year, [0, 0, 0.0]), plan.totals.get(year)
        if want is None:
            continue
        for label, g, w in (("项目数", got[0], want.projects), ("图斑数", got[1], want.patches),
                            ("面积（亩）", got[2], want.area_mu)):
            if abs(g - w) > 1e-6:
                errors.append(InputError(
                    f"{year}年度合计行的{label}为 {w:g}，但该年度各项目相加为 {g:g}", file=str(path) if path else None,
                    line=line_of(raw, ("totals", year)) if raw is not None else None,
                    field=f"totals.{year}", expected="合计等于各项目之和"))
    return errors


def _leaders(town: Township, roles: list[str]) -> str:
    names = [f"{ld.name}（{ld.role}）" for ld in town.leaders if any(r in ld.role for r in roles)]
    return "、".join(names) or "、".join(roles) or "（待明确）"


def _window(start, end) -> str:
    if start and end:
        return f"{cn_date(start)}—{cn_date(end)}"
    return cn_date(end) if end else "按方案要求"


def township_plan(plan: CountyPlan, town: Township, sites: list[dict] | None = None) -> dict:
    """The ``plan`` context of one township's 实施方案."""
    chief = [ld for ld in town.leaders if any(k in ld.role for k in ("书记", "长")) and "副" not in ld.role]
    deputies = [ld for ld in town.leaders if ld not in chief]
    tasks = [
        {"name": t.name, "basis": t.basis or plan.campaign.title, "due": _window(t.start, t.end),
         "lead_leaders": _leaders(town, t.lead_roles), "lead_departments": t.lead_departments or "（待明确）",
         "participants": t.participants or "—", "implementer": t.implementer}
        for t in plan.tasks
    ]
    targets = [t.replace("{township}", town.name).rstrip("。") for t in plan.targets]  # the template adds 。
    projects = [p for p in plan.projects if p.township == town.name]
    if projects:
        targets.append(
            f"完成废弃矿山生态修复治理项目{len(projects)}个，涉及图斑{sum(p.patches for p in projects)}个，"
            f"治理面积{sum(p.area_mu for p in projects):g}亩（"
            + "；".join(f"{p.year}年：{p.name}，图斑{p.patches}个，{p.area_mu:g}亩" for p in projects) + "）")
    for s in sites or []:
        tasks.append({"name": f"{s['name']}（{s['kind']}，{s['village'] or '村未填写'}）", "basis": s["basis"],
                      "due": s["due"], "lead_leaders": _leaders(town, ["分管"]), "lead_departments": "自然资源所",
                      "participants": "综合执法队、派出所", "implementer": s["village"] or "属地村（社区）"})
    if sites:
        by_kind: dict[str, int] = defaultdict(int)
        for s in sites:
            by_kind[s["kind"]] += 1
        patches = sum(s.get("patches") or 0 for s in sites)
        area = sum(s.get("area_mu") or 0 for s in sites)
        targets.append(
            f"台账在册问题{len(sites)}处（" + "、".join(f"{k}{n}处" for k, n in by_kind.items()) + "），"
            + (f"涉及图斑{patches}个、面积{area:g}亩，" if patches or area else "") + "100%处置到位、逐项对账销号")
    return {
        "guiding": plan.guiding,
        "county_plan": f"《{plan.campaign.title}》",
        "group": {
            "leader": "、".join(f"{ld.name}（{ld.role}）" for ld in chief) or "（待明确）",
            "deputies": "、".join(f"{ld.name}（{ld.role}）" for ld in deputies) or "（待明确）",
            "members": town.members,
            "office": town.office,
            "office_director": town.office_director or (deputies[0].name if deputies else "（待明确）"),
        },
        "targets": targets,
        "phases": [p.model_dump() for p in plan.phases],
        "tasks": tasks,
        "requirements": [r.model_dump() for r in plan.requirements],
    }


def sites_by_township(ledger: Path, rules_dir=None) -> dict[str, list[dict]]:
    """Check the ledger's cases and list each township's sites with the basis and next deadline."""
    from dataclasses import replace

    from ..console import make_engine, warn
    from ..facts.load import CaseErrors
    from .ledger_in import LedgerReader

    engine = make_engine(rules_dir)
    out: dict[str, list[dict]] = defaultdict(list)
    for row in LedgerReader(ledger):
        errors = row.errors
        if row.case is not None:
            try:
                result = engine.check(row.case)
            except CaseErrors as exc:
                errors = [replace(e, file=str(ledger), row=row.row) for e in exc.errors]
        for e in errors:
            warn(f"台账输入错误（该行未计入实施方案）：{e.render()}")
        if errors or row.case is None:
            continue
        c = row.case
        acting = [f for f in result.findings if f.requires_action]
        if not acting:
            continue
        dues = [d.due for f in acting for d in f.deadlines if d.due and not d.done]
        out[c.jurisdiction.township or ""].append({
            "name": c.name or c.id, "kind": CaseKind(c.kind).label, "village": c.jurisdiction.village,
            "basis": acting[0].title, "due": cn_date(min(dues)) if dues else "立即",
            "patches": c.restoration.patches, "area_mu": c.restoration.area_mu,
        })
    return out


def make_plans(plan_path: Path, roster_path: Path, out: Path, ledger: Path | None = None, rules_dir=None) -> list[Path]:
    from ..documents.api import render_township_plan

    plan = load_plan(plan_path)
    errors = check_totals(plan, plan_path)
    if errors:
        raise PlanErrors(errors)
    roster = load_roster(roster_path)
    sites = sites_by_township(ledger, rules_dir) if ledger else {}
    c = plan.campaign
    return [
        render_township_plan(out, township=t.name, county=c.county, province=c.province, city=c.city, date=c.date,
                             plan=township_plan(plan, t, sites.get(t.name)))
        for t in roster.townships
    ]


class PlanErrors(Exception):
    def __init__(self, errors: list[InputError]):
        super().__init__("; ".join(e.render() for e in errors))
        self.errors = errors
