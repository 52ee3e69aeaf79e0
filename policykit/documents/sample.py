"""Sample cases and findings for each document kind (names invented).

Used by ``templates check`` (a context in which every field is filled, so a
misspelt field shows up), by ``--preview`` and by the tests. The findings are
built by hand in the engine's contract shape; they quote the seed texts.
"""
from __future__ import annotations

import datetime as dt

from ..facts.model import Case
from ..findings.model import (
    AccountableRef,
    AggregateFinding,
    CaseResult,
    Deadline,
    Finding,
    SourceRef,
    TransferRef,
)

SHANGGAO = "上高县停产非煤矿山生态环境整治专项行动方案"
YUANSHI = "元氏县打击非法采矿百日攻坚行动方案"
SHIGU = "石鼓镇矿山综合整治和生态修复“百日攻坚”行动实施方案"


def _src(file, clause, where, quote, title) -> SourceRef:
    return SourceRef(file=file, clause=clause, where=where, quote=quote, title=title)


def stopped_mine_case() -> Case:
    return Case.model_validate(
        {
            "id": "SG-2024-007",
            "name": "青山石灰岩矿",
            "kind": "stopped_mine",
            "as_of": "2024-04-15",
            "jurisdiction": {"province": "江西省", "city": "宜春市", "county": "上高县", "township": "南港镇",
                             "village": "青山村"},
            "operator": {"name": "上高县青山建材有限公司", "kind": "private_company", "legal_rep": "李某某",
                         "credit_code": "91360923MA35XXXX0K"},
            "licence": {"number": "C3609232010127130098765", "status": "expired", "mineral": "水泥用石灰岩",
                        "valid_to": "2023-06-30", "issuer": "上高县自然资源局"},
            "stopped_mine": {"classification": "cancel", "classified_on": "2023-11-20",
                             "restoration_plan_on": "2023-12-20"},
            "flags": {"mineral_value_yuan": 186500.5},
        }
    )


def stopped_mine_result(case: Case) -> CaseResult:
    findings = [
        Finding(
            rule="shanggao.closure.decision", pack="shanggao-2023", title="注销矿山由县政府下达关闭决定文书",
            category="disposition",
            source=_src("003_570b7137c59999e4.txt", "003-7", "四3",
                        "由县政府下达关闭决定文书，明确生态修复的责任主体、修复期限、修复监管主体、注销申请期限及后期管护责任主体等内容",
                        SHANGGAO),
            text="该矿山列为注销类矿山，由县政府下达关闭决定文书，明确生态修复的责任主体、修复期限、修复监管主体、注销申请期限及后期管护责任主体。",
            decision="close", documents=["closure_decision"],
            because=["停产矿山·处置类别：注销", "依据规则 shanggao.closure.decision"],
        ),
        Finding(
            rule="shanggao.cancel.deadlines", pack="shanggao-2023", title="注销矿山限期完成整治",
            category="deadline",
            source=_src("003_570b7137c59999e4.txt", "003-3", "四2",
                        "2024年3月底前全面完成采区、厂区、堆料区等裸露区环境整治工作", SHANGGAO),
            text="注销矿山须于2023年12月底前编制完生态修复方案，2024年3月底前全面完成裸露区环境整治工作并通过验收。",
            deadlines=[
                Deadline(what="编制完生态修复方案", due=dt.date(2023, 12, 31), status="met",
                         done_on=dt.date(2023, 12, 20), done=True, basis="规定期限2023年12月31日"),
                Deadline(what="完成裸露区环境整治并通过验收", due=dt.date(2024, 3, 31), status="overdue",
                         basis="规定期限2024年3月31日"),
            ],
            accountable=[AccountableRef(unit="上高县青山建材有限公司", position="法定代表人")],
            documents=["rectification_notice"],
        ),
        Finding(
            rule="shanggao.cancel.apply-30d", pack="shanggao-2023", title="先修复后注销：验收后30日内申请注销",
            category="deadline",
            source=_src("003_570b7137c59999e4.txt", "003-8", "四3", "原则上按照“先修复后注销”的原则，注销采矿权",
                        SHANGGAO),
            text="按“先修复后注销”原则，完成整治任务（验收合格）后，原采矿权人须在30日内向相关部门提交注销申请。",
            deadlines=[Deadline(what="提交注销申请", due=None, status="unknown", basis="自验收合格之日起30日")],
        ),
        Finding(
            rule="shanggao.cancel.announcement", pack="shanggao-2023", title="逾期未完成整治，发布注销公告",
            category="disposition",
            source=_src("003_570b7137c59999e4.txt", "003-9", "四3", "在县政府网站上发布注销公告", SHANGGAO),
            text="注销矿山逾期未完成整治任务，在县政府网站上发布注销公告，视为采矿权人自动放弃矿权，由南港镇作出注销矿权申请后直接注销采矿许可证等证照。",
            decision="cancel", documents=["cancellation_announcement", "closure_announcement"],
        ),
        Finding(
            rule="shanggao.duty-failed.judicial", pack="shanggao-2023", title="未履行整治义务，移送司法机关",
            category="transfer",
            source=_src("003_570b7137c59999e4.txt", "003-11", "五2", "建立信息共享与线索移送等信息交流机制",
                        SHANGGAO),
            text="矿山企业未按要求完成矿山环境整治任务，属未履行法定义务，由南港镇牵头移送司法机关追究责任。",
            transfers=[TransferRef(to="procuratorate", to_label="人民检察院", reason="未履行矿山生态环境整治法定义务，提起生态破坏公益诉讼")],
            documents=["transfer_letter"],
        ),
    ]
    return CaseResult(case=case.id, name=case.name, kind=case.kind.value, township=case.jurisdiction.township,
                      as_of=case.as_of, packs=["shanggao-2023"], findings=findings)


def unlicensed_case() -> Case:
    return Case.model_validate(
        {
            "id": "YS-2024-031",
            "name": "北庄村西山无证采石点",
            "kind": "unlicensed_mining",
            "as_of": "2024-08-20",
            "jurisdiction": {"province": "河北省", "city": "石家庄市", "county": "元氏县", "township": "北褚乡",
                             "village": "北庄村"},
            "operator": {"name": "王某某", "kind": "individual", "address": "元氏县北褚乡北庄村"},
            "licence": {"status": "none", "mineral": "建筑用石料"},
            "observations": {"found_on": "2024-08-12", "mining": True, "equipment_on_site": True,
                             "vehicles_on_site": True, "selling_minerals": True},
            "flags": {"mineral_value_yuan": 312000, "suspected_crime": True},
        }
    )


def unlicensed_result(case: Case) -> CaseResult:
    findings = [
        Finding(
            rule="yuanshi.unlicensed.open-case", pack="yuanshi-2024", title="无证非法采矿依法立案查处",
            category="violation",
            source=_src("002_3a776127d9b87be9.txt", "002-5", "三 边查边改 1①", "对经查明的无证非法采矿问题依法立案查处",
                        YUANSHI),
            text="王某某未取得采矿许可证擅自开采建筑用石料，属无证非法采矿，依法立案查处。",
            actions=["依法立案查处", "查封扣押采掘设备和运输车辆", "按“三不留、一毁闭”标准取缔到位"],
            deadlines=[Deadline(what="取缔到位", due=dt.date(2024, 8, 31), status="pending",
                                start=dt.date(2024, 8, 12), basis="自2024年8月12日起")],
            accountable=[AccountableRef(unit="北庄村民委员会", position="主要负责人"),
                         AccountableRef(unit="北褚乡人民政府", position="分管领导")],
            documents=["stop_order", "rectification_notice", "interview_notice", "township_plan"],
        ),
        Finding(
            rule="national.crime.343", pack="national", title="涉嫌非法采矿罪，移送公安机关",
            category="transfer",
            source=_src("national.txt", "national-343", "刑法第三百四十三条",
                        "未取得采矿许可证擅自采矿……情节严重的，处三年以下有期徒刑", "中华人民共和国刑法"),
            text="开采的矿产品价值达到情节严重标准，涉嫌非法采矿罪，应在24小时内移送公安机关。",
            transfers=[TransferRef(to="police", to_label="公安机关", reason="非法采矿罪")],
            deadlines=[Deadline(what="移送公安机关", due=dt.date(2024, 8, 23), status="pending",
                                basis="自2024年8月20日起3日内作出决定，决定后24小时内移送")],
            documents=["transfer_letter"],
        ),
    ]
    return CaseResult(case=case.id, name=case.name, kind=case.kind.value, township=case.jurisdiction.township,
                      as_of=case.as_of, packs=["yuanshi-2024", "national"], findings=findings)


def application_case() -> Case:
    return Case.model_validate(
        {
            "id": "SGZ-2024-002",
            "name": "后坑采石场延期申请",
            "kind": "quarry_application",
            "as_of": "2024-01-20",
            "jurisdiction": {"province": "福建省", "township": "石鼓镇", "village": "后坑村"},
            "operator": {"name": "永春县后坑石材有限公司", "kind": "private_company", "legal_rep": "陈某某"},
            "application": {"kind": "extension", "applied_on": "2024-01-08", "quarry_name": "后坑采石场"},
        }
    )


def application_result(case: Case) -> CaseResult:
    findings = [
        Finding(
            rule="shigu.five.no-extension", pack="shigu-2023", title="五个一律③：不再批准延期到期采石场",
            category="decision",
            source=_src("000_045f4038b75066ea.txt", "000-3", "五(一) ③", "一律不再批准延期到期采石场", SHIGU),
            text="到期采石场申请延期，按“五个一律”一律不再批准。", decision="refuse",
            documents=["refusal_decision"],
        )
    ]
    return CaseResult(case=case.id, name=case.name, kind=case.kind.value, township=case.jurisdiction.township,
                      as_of=case.as_of, packs=["shigu-2023"], findings=findings)


def township_aggregate() -> AggregateFinding:
    return AggregateFinding(
        rule="yuanshi.escalation.unlicensed.two", pack="yuanshi-2024", title="乡镇辖区内发生2起以上无证非法采矿",
        category="accountability",
        source=_src("002_3a776127d9b87be9.txt", "002-14", "四(五)②",
                    "发生2起及以上，追究乡镇政府主要领导责任", YUANSHI),
        text="北褚乡辖区内发生3起无证非法采矿问题，追究乡镇政府主要领导责任。",
        accountable=[AccountableRef(unit="北褚乡人民政府", position="主要领导")],
        documents=["accountability_letter", "interview_notice"],
        group_by="jurisdiction.township", group="北褚乡", count=3,
        cases=["YS-2024-031", "YS-2024-034", "YS-2024-040"],
    )


# kind -> (case factory, result factory)
CASE_KINDS = {
    "closure_decision": (stopped_mine_case, stopped_mine_result),
    "closure_announcement": (stopped_mine_case, stopped_mine_result),
    "cancellation_announcement": (stopped_mine_case, stopped_mine_result),
    "stop_order": (unlicensed_case, unlicensed_result),
    "rectification_notice": (stopped_mine_case, stopped_mine_result),
    "refusal_decision": (application_case, application_result),
    "interview_notice": (unlicensed_case, unlicensed_result),
    "transfer_letter": (unlicensed_case, unlicensed_result),
    "township_plan": (unlicensed_case, unlicensed_result),
}
AGGREGATE_KINDS = {"accountability_letter"}


def sample_for(kind: str):
    """(case, result, aggregate) to render a kind from; one of case/aggregate is None."""
    if kind in AGGREGATE_KINDS:
        case = unlicensed_case()
        return case, unlicensed_result(case), township_aggregate()
    make_case, make_result = CASE_KINDS[kind]
    case = make_case()
    return case, make_result(case), None


def sample_context(kind: str, config=None) -> dict:
    """A complete template context for ``kind`` (used by ``templates check``)."""
    from .api import aggregate_jobs, case_jobs
    from .context import build_context, number_prefix
    from .jurisdictions import resolve
    from .numbering import format_number

    case, result, agg = sample_for(kind)
    if agg is not None:
        job = aggregate_jobs(agg, [kind], cases=[case])[0]
    else:
        job = case_jobs(case, result, [kind])[0]
    issuing = resolve(job.place, config)
    return build_context(job, issuing, format_number(number_prefix(kind, issuing), job.date.year, 1))
