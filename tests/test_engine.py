"""The engine's own semantics, on small packs written here (independent of the shipped packs)."""
from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from policykit.errors import EngineError
from policykit.facts.load import load_cases
from policykit.rules.engine import Engine
from policykit.rules.loader import load_pack

ROOT = Path(__file__).resolve().parents[1]
from small_pack import PACK, SOURCE


@pytest.fixture()
def pack_dir(tmp_path):
    (tmp_path / "sources").mkdir()
    shutil.copy(ROOT / "rules" / "sources" / SOURCE, tmp_path / "sources" / SOURCE)
    (tmp_path / "t.yaml").write_text(PACK, encoding="utf-8")
    return tmp_path


def cases_from(tmp_path, text):
    p = tmp_path / "cases.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    loaded = load_cases([p])
    assert not loaded.errors, [e.render() for e in loaded.errors]
    return loaded.cases


BASE = "jurisdiction: {county: 测试县, township: 东镇}, licence: {status: none}"


@pytest.mark.parametrize("backend", ["durable", "reference", "both"])
def test_rules_fire_stage_and_override(pack_dir, tmp_path, backend):
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend=backend)
    cases = cases_from(tmp_path, f"""
    - {{id: a, kind: unlicensed_mining, name: 甲矿, as_of: 2024-08-01, {BASE}, observations: {{found_on: 2024-07-29}}}}
    - {{id: b, kind: unlicensed_mining, as_of: 2024-08-20, {BASE}, observations: {{found_on: 2024-08-01}}, checklists: {{ban: {{people: true, kit: true}}}}}}
    - {{id: c, kind: unlicensed_mining, as_of: 2024-08-20, {BASE}, operator: {{kind: 国企平台公司}}}}
    - {{id: d, kind: unlicensed_mining, as_of: 2024-08-20, {BASE}, observations: {{found_on: 2024-08-01}}}}
    """)
    results = {r.case: r for r in (eng.check(c) for c in cases)}
    assert [f.rule for f in results["a"].findings] == ["open", "ban"]
    assert results["a"].findings[0].text == "东镇甲矿无证开采"
    assert [f.rule for f in results["b"].findings] == ["open", "late"]  # checklist complete: no "ban"
    assert results["c"].findings == []  # state platform exception (unless)
    assert [f.rule for f in results["d"].findings] == ["open", "late"]
    assert [w.rule for w in results["d"].withdrawn] == ["ban"] and results["d"].withdrawn[0].overridden_by == "late"


def test_deadline_friday_before_new_year(pack_dir, tmp_path):
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="reference")
    (case,) = cases_from(tmp_path, f"- {{id: a, kind: unlicensed_mining, as_of: 2023-12-29, {BASE}, observations: {{found_on: 2023-12-29}}}}")
    d = eng.check(case).findings[0].deadlines[0]
    # 12-30/31 weekend, 2024-01-01 New Year's Day: the one working day is 2024-01-02.
    assert d.due == dt.date(2024, 1, 2) and d.status == "due_soon"


def test_explanation_names_the_facts(pack_dir, tmp_path):
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="reference")
    (case,) = cases_from(tmp_path, f"- {{id: a, kind: unlicensed_mining, as_of: 2024-08-01, {BASE}, checklists: {{ban: {{people: true}}}}}}")
    ban = eng.check(case).findings[1]
    assert "已认定：规则 open" in ban.because
    assert any("不留设备" in b and "未填写" in b for b in ban.because)
    assert not any("不留人员" in b for b in ban.because)  # that item is done
    assert ban.because[-1].startswith("依据规则 ban")


def test_escalation_tiers(pack_dir, tmp_path):
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="both")
    cases = cases_from(tmp_path, """
    - {id: a1, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 东镇}, licence: {status: none}, observations: {found_on: 2024-07-10}}
    - {id: a2, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 东镇}, licence: {status: none}, observations: {found_on: 2024-08-10}}
    - {id: b1, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 西乡}, licence: {status: none}, observations: {found_on: 2024-08-10}}
    - {id: b2, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 西乡}, licence: {status: none}, observations: {found_on: 2024-06-10}}
    - {id: c1, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 南镇}, licence: {status: none}, observations: {found_on: 2024-08-10}, flags: {bad_public_impact: true}}
    - {id: c2, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 南镇}, licence: {status: none}, observations: {found_on: 2024-08-11}}
    """)
    _, aggs = eng.check_all(cases)
    got = {(a.group, a.rule): a for a in aggs}
    assert set(got) == {("东镇", "two"), ("西乡", "one"), ("南镇", "bad")}
    assert got[("东镇", "two")].count == 2 and got[("东镇", "two")].cases == ["a1", "a2"]
    assert got[("东镇", "two")].accountable[0].unit == "东镇人民政府"
    assert got[("西乡", "one")].count == 1  # b2 found before the campaign window
    assert got[("南镇", "bad")].accountable[0].position == "主要领导"


def test_action_exception_is_raised_not_swallowed(pack_dir, tmp_path, monkeypatch):
    from policykit.rules.backends import durable

    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="durable", cache=False)
    backend = eng.backends[0]

    def boom(rule_id):
        def action(c):
            raise RuntimeError("动作失败")

        return action

    monkeypatch.setattr(backend, "_collector", boom)
    (case,) = cases_from(tmp_path, f"- {{id: a, kind: unlicensed_mining, as_of: 2024-08-01, {BASE}}}")
    with pytest.raises(EngineError, match="动作异常|哨兵"):
        eng.check(case)
    assert durable.available()


def test_dropped_fact_is_an_error(pack_dir, tmp_path, monkeypatch):
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="durable", cache=False)
    backend = eng.backends[0]
    real = backend._collector
    monkeypatch.setattr(backend, "_collector", lambda rid: (lambda c: None) if rid == "__seen__" else real(rid))
    (case,) = cases_from(tmp_path, f"- {{id: a, kind: unlicensed_mining, as_of: 2024-08-01, {BASE}}}")
    with pytest.raises(EngineError, match="丢弃"):
        eng.check(case)


def test_sessions_are_deleted(pack_dir, tmp_path):
    """More than 1,024 cases through one host: sessions must not accumulate."""
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="durable", cache=False)
    (case,) = cases_from(tmp_path, f"- {{id: a, kind: unlicensed_mining, as_of: 2024-08-01, {BASE}}}")
    for _ in range(1100):
        assert eng.check(case).findings


def test_reference_fallback_warns(pack_dir, monkeypatch):
    from policykit.rules import engine as engine_mod
    from policykit.rules.backends import durable

    monkeypatch.setattr(durable, "available", lambda: False)
    with pytest.warns(engine_mod.FallbackWarning, match="参考求值器"):
        eng = Engine([load_pack(pack_dir / "t.yaml")], backend="auto")
    assert eng.backend_name == "reference"


def test_aggregate_placeholders_shared_by_all_cases(pack_dir, tmp_path):
    text = PACK.replace('accountable: [{unit: "{township}人民政府", position: 分管领导}]}', 'accountable: [{unit: "{village}村民委员会", position: 主要领导}]}')
    (pack_dir / "t.yaml").write_text(text, encoding="utf-8")
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="reference")
    cases = cases_from(tmp_path, """
    - {id: a1, kind: unlicensed_mining, as_of: 2024-09-01, jurisdiction: {county: 测试县, township: 西乡, village: 北岭村}, licence: {status: none}, observations: {found_on: 2024-08-10}}
    """)
    _, aggs = eng.check_all(cases)
    (one,) = [a for a in aggs if a.rule == "one"]
    assert one.accountable[0].unit == "北岭村村民委员会"


def test_condition_value_from_param(pack_dir, tmp_path):
    text = PACK.replace("plan_date: 2024-07-25", "plan_date: 2024-07-25\n  threshold: 100000").replace(
        "when: {fact: licence.status, in: [none, cancelled, revoked]}",
        "when: {all: [{fact: licence.status, in: [none, cancelled, revoked]}, {fact: flags.mineral_value_yuan, gte: {param: threshold}}]}",
    )
    (pack_dir / "t.yaml").write_text(text, encoding="utf-8")
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="both")
    cases = cases_from(tmp_path, f"""
    - {{id: lo, kind: unlicensed_mining, as_of: 2024-08-01, {BASE}, flags: {{mineral_value_yuan: 99999}}}}
    - {{id: hi, kind: unlicensed_mining, as_of: 2024-08-01, {BASE}, flags: {{mineral_value_yuan: 100000}}}}
    """)
    fired = {c.id: [f.rule for f in eng.check(c).findings] for c in cases}
    assert "open" not in fired["lo"] and "open" in fired["hi"]
    (pack_dir / "t.yaml").write_text(text.replace("gte: {param: threshold}", "gte: {param: nope}"), encoding="utf-8")
    with pytest.raises(Exception, match="参数“nope”不存在"):
        Engine([load_pack(pack_dir / "t.yaml")], backend="reference").check(cases[0])


@pytest.mark.parametrize("cond", [
    "{not: {fact: licence.number, exists: true}}",
    "{not: {all: [{fact: licence.number, exists: true}, {fact: flags.repeated, is: true}]}}",
    "{any: [{not: {fact: licence.number, exists: true}}, {not: {fact: flags.repeated, exists: true}}]}",
])
def test_purely_negative_conditions_do_not_hang_durable(pack_dir, tmp_path, cond):
    """durable-rules loops forever on a pattern of only $nex tests, or on a fact matching several
    branches of a nested $or; the translation (DNF, anchored terms) must avoid both."""
    text = PACK.replace("when: {fact: licence.status, in: [none, cancelled, revoked]}", f"when: {cond}")
    (pack_dir / "t.yaml").write_text(text, encoding="utf-8")
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="both", cache=False)
    (case,) = cases_from(tmp_path, "- {id: a, kind: unlicensed_mining, as_of: 2024-08-01, jurisdiction: {county: 测试县}}")
    assert "open" in [f.rule for f in eng.check(case).findings]


def test_deadline_finding_with_every_deadline_met_asks_nothing(pack_dir, tmp_path):
    text = PACK.replace(
        "then: {category: disposition, text: 按标准取缔}",
        "then: {category: deadline, text: 按期取缔, documents: [rectification_notice], "
        "deadlines: [{what: 取缔到位, start: observations.found_on, days: 5, done: observations.banned_on}]}")
    (pack_dir / "t.yaml").write_text(text, encoding="utf-8")
    eng = Engine([load_pack(pack_dir / "t.yaml")], backend="reference")
    done, todo = cases_from(tmp_path, f"""
    - {{id: done, kind: unlicensed_mining, as_of: 2024-08-20, {BASE}, observations: {{found_on: 2024-08-01, banned_on: 2024-08-05}}}}
    - {{id: todo, kind: unlicensed_mining, as_of: 2024-08-03, {BASE}, observations: {{found_on: 2024-08-01}}}}
    """)
    f_done = next(f for f in eng.check(done).findings if f.rule == "ban")
    f_todo = next(f for f in eng.check(todo).findings if f.rule == "ban")
    assert f_done.requires_action is False and f_done.documents == [] and f_done.deadlines[0].status == "met"
    assert f_todo.requires_action is True and f_todo.documents == ["rectification_notice"]


@pytest.mark.parametrize("jurisdiction,packs", [
    ({"county": "元氏县", "township": "槐阳镇"}, {"yuanshi-2024", "national"}),  # no province: still 元氏县's
    ({"province": "河北省", "county": "元氏县"}, {"yuanshi-2024", "national"}),
    ({"province": "江西省", "county": "元氏县"}, {"national"}),  # a level the case gives contradicts the pack
    ({"province": "河北省", "township": "槐阳镇"}, {"national"}),  # the pack's finest level (county) is not given
    ({"township": "石鼓镇"}, {"shigu-2023", "national"}),
    ({"county": "市中区"}, {"shizhong-2021", "national"}),
    ({"city": "济南市", "county": "市中区"}, {"national"}),  # 济南市市中区 is not 枣庄市's
])
def test_pack_governs_by_finest_level(jurisdiction, packs):
    from policykit.facts.load import parse_case
    from policykit.rules.loader import load_packs

    engine = Engine(load_packs(ROOT / "rules"), backend="reference")
    case = parse_case({"id": "g", "kind": "unlicensed_mining", "as_of": dt.date(2024, 8, 20),
                       "jurisdiction": jurisdiction}, "t")
    assert {lp.id for lp in engine.packs_for(case)} == packs


def test_undated_case_counted_by_as_of_says_so():
    """A tier counting cases by their discovery date counts an undated case by its evaluation date, and says so."""
    from policykit.facts.load import parse_case
    from policykit.rules.loader import load_packs

    engine = Engine(load_packs(ROOT / "rules"), backend="reference")
    cases = [parse_case({"id": f"u{i}", "kind": "unlicensed_mining", "as_of": dt.date(2024, 9, 10),
                         "jurisdiction": {"county": "元氏县", "township": "马村乡"},
                         "licence": {"status": "none"}, "observations": {"mining": True}}, "t") for i in (1, 2)]
    _, aggs = engine.check_all(cases)
    (two,) = [a for a in aggs if a.rule == "yuanshi.escalation.unlicensed.two-plus"]
    assert two.count == 2
    assert "案件 u1 未填写发现情况·发现日期，按评估日期2024年9月10日计入" in two.because, two.because


def _checklist_case(checklists, township="槐阳镇", county="元氏县"):
    from policykit.facts.load import parse_case

    return parse_case({"id": "cl", "kind": "unlicensed_mining", "as_of": dt.date(2024, 9, 1),
                       "jurisdiction": {"county": county, "township": township}, "licence": {"status": "none"},
                       "observations": {"found_on": "2024-08-01", "mining": True, "penalised": True},
                       "checklists": checklists}, "t")


def test_checklist_items_by_chinese_term_count():
    """An item written by its Chinese term counts as the item: all four done is 取缔到位."""
    from policykit.rules.loader import load_packs

    engine = Engine(load_packs(ROOT / "rules"), backend="both")
    by_term = engine.check(_checklist_case({"sanbuliu_yihuibi": {
        "不留作业人员": True, "不留机械设备": True, "不留物料、设施（工棚、线路、火工产品等）": True, "毁闭采场、井口、通道": True}}))
    fired = {f.rule for f in by_term.findings}
    assert "yuanshi.unlicensed.ban-done" in fired and "yuanshi.unlicensed.ban" not in fired


@pytest.mark.parametrize("checklists,words", [
    ({"sanbuliu_yihuibi": {"不留人员": True}}, "清单 sanbuliu_yihuibi（三不留、一毁闭）没有事项“不留人员”，是否应为“personnel”（不留作业人员）？"),
    ({"三不留": {"personnel": True}}, "规则包中没有清单“三不留”"),
])
def test_unknown_checklist_or_item_is_an_input_error(checklists, words):
    """An item or list the packs do not have is an input error, not silently "not done"."""
    from policykit.facts.load import CaseErrors
    from policykit.rules.loader import load_packs

    engine = Engine(load_packs(ROOT / "rules"), backend="reference")
    with pytest.raises(CaseErrors) as info:
        engine.check(_checklist_case(checklists))
    (e,) = info.value.errors
    assert words in e.render(), e.render()
    assert e.expected and e.field.startswith("checklists.")


def test_a_list_of_another_pack_is_left_out():
    """A 元氏 case may carry 两断三清 (a 市中区 list): it does not concern the 元氏 rules and is no error."""
    from policykit.rules.loader import load_packs

    engine = Engine(load_packs(ROOT / "rules"), backend="reference")
    result = engine.check(_checklist_case({"liangduan_sanqing": {"water": True}}))
    assert result.packs == ["yuanshi-2024", "national"]
