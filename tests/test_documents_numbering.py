"""发文字号 registry, filters and the jurisdiction configuration."""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import re

import pytest

from policykit.documents import filters
from policykit.documents.jurisdictions import Place, resolve
from policykit.documents.numbering import NumberRegistry, format_number
from policykit.errors import InputError


def test_number_format():
    assert format_number("元政", 2024, 12) == "元政〔2024〕12号"
    assert format_number("上府发", 2024, 3) == "上府发〔2024〕3号"  # no 第, no zero padding


def test_registry_reuses_and_never_repeats(tmp_path):
    reg = NumberRegistry(tmp_path / "numbers.json")
    a = reg.allocate("case|A|closure_decision", "元政", 2024)
    b = reg.allocate("case|B|closure_decision", "元政", 2024)
    assert (a, b) == ("元政〔2024〕1号", "元政〔2024〕2号")
    assert reg.allocate("case|A|closure_decision", "元政", 2024) == a  # re-render keeps its number
    assert reg.allocate("case|C|stop_order", "元自然资", 2024) == "元自然资〔2024〕1号"
    assert reg.allocate("case|D|closure_decision", "元政", 2025) == "元政〔2025〕1号"
    # the prefix changed in the config: a new number, the old one stays used
    assert reg.allocate("case|A|closure_decision", "元政发", 2024) == "元政发〔2024〕1号"
    assert reg.allocate("case|E|closure_decision", "元政", 2024) == "元政〔2024〕3号"


def test_corrupt_registry_is_an_error_not_a_restart(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        NumberRegistry(path).allocate("k", "元政", 2024)
    assert "损坏" in exc.value.render()
    assert path.read_text(encoding="utf-8") == "{not json"


def _worker(path: str, tag: str, n: int, q, go) -> None:
    reg = NumberRegistry(path)
    go.wait(60)  # both processes start allocating at the same moment
    q.put([reg.allocate(f"{tag}-{i}", "元政", 2024) for i in range(n)])


def test_two_processes_never_get_the_same_number(tmp_path):
    path = str(tmp_path / "numbers.json")
    ctx = mp.get_context("spawn")
    q, go = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_worker, args=(path, tag, 40, q, go)) for tag in ("p1", "p2")]
    for p in procs:
        p.start()
    go.set()
    got = q.get(timeout=120) + q.get(timeout=120)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(got) == 80 and len(set(got)) == 80
    serials = sorted(int(re.search(r"〕(\d+)号", n).group(1)) for n in got)
    assert serials == list(range(1, 81))
    data = json.loads((tmp_path / "numbers.json").read_text(encoding="utf-8"))
    assert data["counters"]["元政〔2024〕"] == 80 and len(data["assigned"]) == 80


# ---------------------------------------------------------------- filters


def test_dates_unpadded():
    assert filters.cn_date(dt.date(2024, 3, 1)) == "2024年3月1日"
    assert filters.cn_date("2024-03-09") == "2024年3月9日"
    assert filters.cn_date(None) == "" and filters.cn_date(None, "期限待定") == "期限待定"
    assert filters.finalize(dt.date(2024, 10, 1)) == "2024年10月1日"


def test_money():
    assert filters.money(12345.6) == "12345.60元"
    assert filters.rmb_upper(12345.6) == "人民币壹万贰仟叁佰肆拾伍元陆角"
    assert filters.rmb_upper(100000) == "人民币壹拾万元整"
    assert filters.rmb_upper(0) == "人民币零元整"
    assert filters.money(None) == filters.BLANK


def test_numbering_filters():
    assert [filters.h1(1), filters.h2(11), filters.h3(2), filters.h4(3)] == ["一、", "（十一）", "2.", "（3）"]
    assert filters.join_cn(["甲", None, "乙"]) == "甲、乙"
    assert filters.status_label("overdue") == "已逾期"
    assert filters.kind_name("closure_decision") == "关闭决定书"


def test_finalize_strips_xml_invalid_characters():
    assert filters.finalize("a\x00b\x07c\x1fd\ud800e😀") == "abcde😀"
    assert filters.finalize(None) == "" and filters.finalize(True) == "是" and filters.finalize(5.0) == "5"


# ---------------------------------------------------------------- jurisdictions


def test_issuers_come_from_config():
    yuanshi = resolve(Place(county="元氏县", township="北褚乡"))
    assert yuanshi.body("county_government")["prefix"] == "元政"
    assert yuanshi.body("township_government")["name"] == "北褚乡人民政府"
    assert yuanshi.body("natural_resources")["name"] == "元氏县自然资源局"
    assert yuanshi.vars["city"] == "石家庄市" and not yuanshi.warnings
    quantai = resolve(Place(county="泉州台商投资区", township="张坂镇"))
    assert quantai.body("county_government")["prefix"] == "泉台管"
    street = resolve(Place(county="上高县", township="敖阳街道"))
    assert street.vars["township_gov"] == "敖阳街道办事处"
    assert street.fmt(street.kind("closure_decision")["prefix"]) == "上府决"


def test_config_file_overrides(tmp_path):
    cfg = tmp_path / "j.yaml"
    cfg.write_text(
        "default:\n  bodies:\n    county_government: {name: '{county}人民政府', prefix: '{county_short}府'}\n"
        "  kinds: {closure_decision: {issuer: county_government}}\n"
        "counties:\n  新县:\n    city: 某市\n    short: 新\n",
        encoding="utf-8",
    )
    r = resolve(Place(county="新县", township="甲镇"), cfg)
    assert r.body("county_government")["prefix"] == "新府"
    assert r.warnings and "省" in r.warnings[0]  # province unknown: a warning, a placeholder
    bad = tmp_path / "bad.yaml"
    bad.write_text("default:\n  bodies:\n    x: {name: '{countyy}'}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        resolve(Place(county="新县"), bad).body("x")
    assert "countyy" in exc.value.render()
