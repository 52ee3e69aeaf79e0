"""The fact model: what a case file can state about a site, mine, project, firm or application.

Every field the rule packs test is here. Field names are English; each field's
``description`` gives its Chinese term, which also appears in the exported JSON
Schema (``policykit schema``) so that editors can complete case files.
Unknown fields are rejected (a typo must not silently drop a fact).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from .dates import parse_date
from .enums import (
    ApplicationKind,
    CaseKind,
    ClueSource,
    ClueVerdict,
    FirmProduct,
    LabeledEnum,
    LicenceStatus,
    OperatorKind,
    ProjectType,
    StoppedMineClass,
    Suitability,
)


def _date(v: Any):
    if v is None or v == "":
        return None
    return parse_date(v)


Date = Annotated[dt.date | None, BeforeValidator(_date)]

_YES = {"是", "有", "已", "对", "√", "Y", "y"}
_NO = {"否", "无", "没有", "未", "×", "N", "n"}


def _yes_no(v: Any):
    if isinstance(v, str):
        t = v.strip()
        if t in _YES:
            return True
        if t in _NO:
            return False
        if t == "":
            return None
    return v


YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]


def _enum(cls: type[LabeledEnum]):
    def conv(v: Any):
        if v is None or v == "" or isinstance(v, cls):
            return v or None
        if isinstance(v, str):
            m = cls.from_label(v.strip())
            if m is not None:
                return m
        return v  # let pydantic report it

    return BeforeValidator(conv)


def E(cls: type[LabeledEnum]):
    return Annotated[cls | None, _enum(cls)]


# The largest whole number both rule engines compare exactly (durable-rules reads numbers as
# 64-bit integers or doubles; beyond 2**53 two different counts could compare equal).
MAX_INT = 2**53


def _unicode(v: Any) -> Any:
    """Text must be Unicode characters: a lone surrogate (a YAML escape such as "\\ud800") is not one,
    and neither the rule engine nor a .docx can store it."""
    if isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"含有无效字符（第 {exc.start + 1} 个字符，U+{ord(v[exc.start]):04X}）") from None
    elif isinstance(v, dict):
        for k, x in v.items():
            _unicode(k)
            _unicode(x)
    elif isinstance(v, list):
        for x in v:
            _unicode(x)
    return v


def F(label: str, **kw) -> Any:
    return Field(default=kw.pop("default", None), description=label, **kw)


class Part(BaseModel):
    # allow_inf_nan: ".inf" is a YAML float, and no count, area or sum of money is infinite.
    model_config = ConfigDict(extra="forbid", use_enum_values=False, allow_inf_nan=False)

    @field_validator("*")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _unicode(v)


class Jurisdiction(Part):
    province: str | None = F("省")
    city: str | None = F("市")
    county: str | None = F("县（区）")
    township: str | None = F("乡镇（街道、林场）")
    village: str | None = F("村（社区）")


class Operator(Part):
    name: str | None = F("采矿权人/经营主体名称")
    kind: E(OperatorKind) = F("主体性质")
    credit_code: str | None = F("统一社会信用代码")
    legal_rep: str | None = F("法定代表人")
    address: str | None = F("地址")


class Licence(Part):
    number: str | None = F("采矿许可证号")
    status: E(LicenceStatus) = F("许可证状态")
    issuer: str | None = F("发证机关")
    mineral: str | None = F("矿种")
    valid_from: Date = F("有效期起")
    valid_to: Date = F("有效期至")
    renewal_applied: YesNo = F("已办理延续登记")
    boundary_exceeded: YesNo = F("越界（超层越界）开采")
    boundary_exceeded_times: int | None = F("越界开采次数", ge=0, le=MAX_INT)
    method_changed: YesNo = F("擅自改变开采方式")
    serious: YesNo = F("情节严重")
    revocation_conditions_met: YesNo = F("符合吊销许可证情形")
    sublet: YesNo = F("非法将采矿权转租他人开采")
    mining_continued: YesNo = F("证照失效后继续采矿")


class Observations(Part):
    found_on: Date = F("发现日期")
    mining: YesNo = F("发现开采行为")
    selling_minerals: YesNo = F("出售矿产品")
    equipment_on_site: YesNo = F("现场有采掘加工设备")
    vehicles_on_site: YesNo = F("现场有运输车辆")
    operator_identified: YesNo = F("违法主体已查明")
    at_closed_mine: YesNo = F("在已关闭矿山盗采")
    restored_mine_damaged: YesNo = F("破坏已修复完成的废弃矿山")
    found_by_village: YesNo = F("由村发现")
    reported_to_town_on: Date = F("村报告镇政府日期")
    after_campaign: YesNo = F("百日攻坚行动结束后仍发生")
    case_opened_on: Date = F("立案日期")
    penalised: YesNo = F("已处罚到位")
    equipment_sealed: YesNo = F("设备车辆已查封扣押")
    banned_on: Date = F("取缔日期")
    hearing_notice_on: Date = F("听证权利告知日期")
    hearing_requested_on: Date = F("当事人要求听证日期")
    penalty_served_on: Date = F("行政处罚决定书送达日期")
    fine_paid_on: Date = F("罚款缴纳日期")
    transfer_approved_on: Date = F("批准移送公安机关日期")
    transferred_on: Date = F("移送公安机关日期")
    minerals_sealed: YesNo = F("矿产品已就地封存")


class Project(Part):
    name: str | None = F("项目名称")
    type: E(ProjectType) = F("项目类型")
    approving_department: str | None = F("审批（监管）部门")
    reported: YesNo = F("已上报")
    follows_approved_plan: YesNo = F("按批准方案施工")
    extracts_minerals: YesNo = F("动用（开采）矿产资源")
    sells_minerals: YesNo = F("出售矿产品")
    disposal_applied: YesNo = F("已向县政府申请处置矿产资源")
    via_trading_platform: YesNo = F("通过公共交易平台处置")
    rectified: YesNo = F("已整改到位")
    contract_settled: YesNo = F("已厘清合同并决算")
    handed_to_soe: YesNo = F("后续施工已转国企承接")
    disqualified: YesNo = F("已取消承担工程项目资格")
    facing_stone: YesNo = F("涉及开采饰面用石材")
    facing_stone_handled: YesNo = F("饰面用石材问题已处置")
    supervised: YesNo = F("已落实全过程监管")
    involves_restoration: YesNo = F("涉及生态修复")
    restoration_started: YesNo = F("已同步启动生态修复")


class Application(Part):
    kind: E(ApplicationKind) = F("申请类型")
    applied_on: Date = F("申请日期")
    quarry_name: str | None = F("采石场名称")


class StoppedMine(Part):
    classification: E(StoppedMineClass) = F("处置类别（注销/延续）")
    classified_on: Date = F("县政府同意处置意见日期")
    never_produced: YesNo = F("建矿至今未生产")
    disturbed: YesNo = F("恢复生产前有人为扰动破坏")
    resources_exhausted: YesNo = F("矿区资源枯竭")
    approvals_completed_on: Date = F("延续审批手续完善日期")
    restoration_plan_on: Date = F("生态修复方案编制完成日期")
    remediation_done_on: Date = F("整治完成日期")
    accepted_on: Date = F("验收合格日期")
    expert_opinion_on: Date = F("专家验收合格意见书日期")
    cancellation_applied_on: Date = F("提交注销申请日期")
    closure_decision_on: Date = F("县政府关闭决定日期")
    cancellation_announced_on: Date = F("注销公告发布日期")
    takeover_done_on: Date = F("林场、乡镇接管整治完成日期")
    resumed_production: YesNo = F("已恢复生产")
    joint_review_passed: YesNo = F("已通过联审联批")
    idle_long: YesNo = F("长期停产停工")
    patroller_named: YesNo = F("已明确巡查人")


class Restoration(Part):
    year: int | None = F("计划年度", ge=-MAX_INT, le=MAX_INT)
    suitability: E(Suitability) = F("适宜方向（宜林/宜耕/宜草）")
    direction: E(Suitability) = F("实际修复方向")
    patches: int | None = F("图斑（个）", ge=0, le=MAX_INT)
    area_mu: float | None = F("面积（亩）", ge=0)
    owner: str | None = F("业主单位")
    supervisor: str | None = F("监理单位")
    plan_reviewed: YesNo = F("修复方案经专家评审")
    plan_issued_on: Date = F("修复方案下达日期")
    finished_on: Date = F("治理完成日期")
    accepted_on: Date = F("验收日期")
    acceptance_by_qualified_unit: YesNo = F("由资质单位验收")
    obstructed: YesNo = F("有阻拦修复行为")
    public_report_cover: YesNo = F("群众举报以修复为名开采")
    public_answered: YesNo = F("已向群众解释说明")
    contractor_lawful: YesNo = F("作业单位依法依规确定")
    experts_from_pool: YesNo = F("专家从省级专家库选取")
    extraction_during: YesNo = F("借整治之名盗采")
    stage_target_missed: YesNo = F("未按阶段要求完成治理任务")
    in_visible_zone: YesNo = F("位于“三区两线”可视范围")
    restoration_plan_done: YesNo = F("已完成修复方案")


class Firm(Part):
    product: E(FirmProduct) = F("加工类别")
    lawful: YesNo = F("符合法律政策规定")
    in_industrial_park: YesNo = F("位于工业园区内")
    moved_on: Date = F("迁入工业园区日期")
    raw_material_lawful: YesNo = F("原料来源合法")


class Transport(Part):
    vehicle_plate: str | None = F("车牌号")
    mineral: str | None = F("矿产品")
    source_lawful: YesNo = F("来源合法")
    seized: YesNo = F("已查扣")


class Clue(Part):
    source: E(ClueSource) = F("线索来源")
    received_on: Date = F("线索接收日期")
    verified_on: Date = F("实地核查日期")
    verdict: E(ClueVerdict) = F("核查结论")
    entered_provincial_system: YesNo = F("已录入省系统")
    rechecked_on_site: YesNo = F("查否线索已实地复核")


class Rectification(Part):
    requirement: str | None = F("整改要求")
    unit: str | None = F("责任单位")
    person: str | None = F("责任人")
    deadline: Date = F("整改时限")
    done_on: Date = F("整改完成（销号）日期")


class Flags(Part):
    bad_public_impact: YesNo = F("造成恶劣影响")
    mineral_value_yuan: float | None = F("矿产品价值（元）", ge=0)
    suspected_crime: YesNo = F("涉嫌犯罪")
    in_protected_area: YesNo = F("位于保护区或禁采区")
    official_involvement: YesNo = F("公职人员参与、纵容、包庇")
    protective_umbrella: YesNo = F("充当“保护伞”")
    dereliction: YesNo = F("公职人员失职渎职")
    township_illegal_disposal: YesNo = F("乡镇政府违法违规处置矿产资源")
    falsified: YesNo = F("弄虚作假、谎报瞒报")
    concealed: YesNo = F("错报、漏报、瞒报")
    case_not_opened: YesNo = F("有案不立、压案不查、大案小查")
    repeated: YesNo = F("屡禁不止")
    duty_failed: YesNo = F("企业未履行环境保护、整治等法定义务")
    serious_harm: YesNo = F("严重损害资源权益、破坏生态、社会影响恶劣")
    survey_inadequate: YesNo = F("排查、查处、取缔不到位")
    task_lagging: YesNo = F("攻坚任务推动滞后")


class Ledger(Part):
    entered: YesNo = F("已纳入台账")
    signed_by_village_head: YesNo = F("台账经村主干审核签字")
    closed: YesNo = F("已销号")


Checklist = dict[str, Annotated[bool, BeforeValidator(_yes_no)]]


class Case(BaseModel):
    """One case: a site, mine, project, firm or application, as of a date."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="案件编号（唯一）", min_length=1, max_length=200)
    name: str | None = F("矿山（项目、企业）名称")
    kind: Annotated[CaseKind, _enum(CaseKind)] = Field(description="案件类型")
    as_of: Date = F("评估日期（默认今天）")
    packs: list[str] | None = F("适用的规则包（默认按辖区自动选择）")
    jurisdiction: Jurisdiction = Field(default_factory=Jurisdiction, description="辖区")
    operator: Operator = Field(default_factory=Operator, description="经营主体")
    licence: Licence = Field(default_factory=Licence, description="采矿许可证")
    observations: Observations = Field(default_factory=Observations, description="发现情况")
    project: Project = Field(default_factory=Project, description="工程项目")
    application: Application = Field(default_factory=Application, description="采石场申请")
    stopped_mine: StoppedMine = Field(default_factory=StoppedMine, description="停产矿山")
    restoration: Restoration = Field(default_factory=Restoration, description="生态修复")
    firm: Firm = Field(default_factory=Firm, description="石料加工企业")
    transport: Transport = Field(default_factory=Transport, description="矿产品运输")
    clue: Clue = Field(default_factory=Clue, description="问题线索")
    rectification: Rectification = Field(default_factory=Rectification, description="整改")
    checklists: dict[str, Checklist] = Field(
        default_factory=dict,
        description="取缔标准清单（如 sanbuliu_yihuibi 三不留一毁闭、liangduan_sanqing 两断三清），每项是否到位",
    )
    flags: Flags = Field(default_factory=Flags, description="情节")
    ledger: Ledger = Field(default_factory=Ledger, description="台账")
    notes: str | None = F("备注")

    @field_validator("id", "name", "notes", "checklists")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _unicode(v)

    @field_validator("id")
    @classmethod
    def _id_text(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("案件编号不能为空")
        return v


def kind_label(kind: CaseKind | str) -> str:
    return CaseKind(kind).label
