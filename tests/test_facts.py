"""Case files: what loads, and the Chinese error a clerk gets for what does not."""
from __future__ import annotations

import datetime as dt

import pytest

from policykit.facts.load import load_cases
from policykit.storage import safe_case_dirname, inside


def load_text(tmp_path, text, name="c.yaml", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return load_cases([p])


def one_error(loaded):
    assert len(loaded.errors) == 1, [e.render() for e in loaded.errors]
    return loaded.errors[0]


def test_chinese_terms_and_dates_load(tmp_path):
    loaded = load_text(tmp_path, "id: a\nkind: 停产矿山\nas_of: 2024年3月1日\nstopped_mine: {classification: 延续, never_produced: 是, classified_on: 2023/10/11}\n")
    (case,) = loaded.cases
    assert case.kind.value == "stopped_mine" and case.as_of == dt.date(2024, 3, 1)
    assert case.stopped_mine.classification.value == "extend" and case.stopped_mine.never_produced is True
    assert case.stopped_mine.classified_on == dt.date(2023, 10, 11)


def test_unknown_field_names_line_and_suggests(tmp_path):
    e = one_error(load_text(tmp_path, "id: a\nkind: stopped_mine\nlicence:\n  nubmer: X-1\n"))
    assert e.line == 4 and e.field == "licence.nubmer"
    assert "number" in e.render() and "未知字段" in e.render()


def test_bad_enum_suggests_nearest(tmp_path):
    e = one_error(load_text(tmp_path, "id: a\nkind: unlicensed_minig\n"))
    assert e.line == 2 and "unlicensed_mining" in e.render() and "无证非法采矿" in e.expected


@pytest.mark.parametrize("value", ["2024-02-30", "2024/13/45"])
def test_impossible_date(tmp_path, value):
    e = one_error(load_text(tmp_path, f"id: a\nkind: unlicensed_mining\nobservations:\n  found_on: '{value}'\n"))
    assert e.line == 4 and e.field == "observations.found_on"
    assert "日期" in e.render() and "2024年3月1日" in e.expected


def test_yaml_syntax_error_line(tmp_path):
    e = one_error(load_text(tmp_path, "id: a\nkind: [unclosed\nname: x\n"))
    assert e.line in (2, 3) and "YAML" in e.message


def test_empty_file(tmp_path):
    e = one_error(load_text(tmp_path, "  \n"))
    assert "文件为空" in e.message


def test_gbk_and_bom(tmp_path):
    assert load_text(tmp_path, "id: a\nkind: 无证非法采矿\nname: 石料厂\n", "gbk.yaml", "gbk").cases[0].name == "石料厂"
    assert load_text(tmp_path, "\ufeffid: b\nkind: 无证非法采矿\n", "bom.yaml").cases[0].id == "b"


def test_duplicate_ids_keep_first_and_report(tmp_path):
    loaded = load_text(tmp_path, "- {id: a, kind: unlicensed_mining}\n- {id: a, kind: stopped_mine}\n- {id: b, kind: stopped_mine}\n")
    assert [c.id for c in loaded.cases] == ["a", "b"]
    e = one_error(loaded)
    assert e.line == 2 and "重复" in e.message


def test_bad_case_does_not_stop_the_others(tmp_path):
    loaded = load_text(tmp_path, "- {id: a, kind: unlicensed_mining, licence: {boundary_exceeded_times: 两次}}\n- {id: b, kind: stopped_mine}\n")
    assert [c.id for c in loaded.cases] == ["b"]
    e = one_error(loaded)
    assert e.case == "a" and e.field == "licence.boundary_exceeded_times" and e.expected == "整数"


@pytest.mark.parametrize("case_id", ["../../etc/x", "CON", 'a/b\\c:d*e?f"g<h>i|j', "..", "", "x" * 300])
def test_case_id_cannot_escape_output(tmp_path, case_id):
    name = safe_case_dirname(case_id)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    assert len(name) <= 100
    target = inside(tmp_path, name)
    assert tmp_path.resolve() in target.parents


def test_distinct_ids_distinct_folders():
    assert safe_case_dirname("a/b") != safe_case_dirname("a_b")
    assert safe_case_dirname("元氏-2024-001") == "元氏-2024-001"
