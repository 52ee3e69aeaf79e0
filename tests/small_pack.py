"""A small self-contained rule pack over seed 002, for engine and CLI tests."""

SOURCE = "002_3a776127d9b87be9.txt"

PACK = """
pack:
  id: t
  title: 测试方案
  issuer: 测试县人民政府
  source: 002_3a776127d9b87be9.txt
  governs: {county: 测试县}
params:
  campaign: {start: 2024-07-01, end: 2024-10-10}
  plan_date: 2024-07-25
  ban: {items: {people: 不留人员, kit: 不留设备}}
rules:
  - id: open
    title: 立案查处
    clause: "002-5"
    source: {where: "三 边查边改 1①", quote: "对经查明的无证非法采矿问题依法立案查处"}
    applies_to: [unlicensed_mining]
    when: {fact: licence.status, in: [none, cancelled, revoked]}
    unless: {fact: operator.kind, eq: state_platform}
    then:
      category: violation
      text: "{township}{name}无证开采"
      deadlines: [{what: 报告镇政府, start: observations.found_on, working_days: 1, done: observations.reported_to_town_on}]
      accountable: [{unit: "{township}人民政府", position: 分管领导}]
      documents: [stop_order]
  - id: ban
    title: 取缔不到位
    clause: "002-5"
    source: {where: "三 边查边改 1②", quote: "三不留、一毁闭"}
    when: {all: [{finding: open}, {checklist: ban, complete: false}]}
    then: {category: disposition, text: 按标准取缔}
  - id: late
    title: 超期未取缔
    clause: "002-5"
    source: {where: "三 边查边改 1②", quote: "三不留、一毁闭"}
    when: {missed: {start: observations.found_on, days: 10, done: observations.banned_on}}
    overrides: [ban]
    then: {category: deadline, text: 逾期未取缔}
aggregates:
  - id: one
    title: 一起
    clause: "002-14"
    source: {where: "四(五)②", quote: "各乡镇辖区内发生1起"}
    group: {findings: [open], by: jurisdiction.township, date: observations.found_on, window: campaign}
    when: {all: [{fact: count, eq: 1}, {not: {fact: any.flags.bad_public_impact, is: true}}]}
    then: {category: accountability, text: "{group}{count}起", accountable: [{unit: "{township}人民政府", position: 分管领导}]}
  - id: two
    title: 两起以上
    clause: "002-14"
    source: {where: "四(五)②", quote: "各乡镇辖区内发生2起以上"}
    group: {findings: [open], by: jurisdiction.township, date: observations.found_on, window: campaign}
    when: {fact: count, gte: 2}
    then: {category: accountability, text: "{group}{count}起", accountable: [{unit: "{township}人民政府", position: 主要领导}]}
  - id: bad
    title: 恶劣影响
    clause: "002-14"
    source: {where: "四(五)②", quote: "造成恶劣影响的"}
    group: {findings: [open], by: jurisdiction.township, date: observations.found_on, window: campaign}
    when: {fact: any.flags.bad_public_impact, is: true}
    overrides: [two]
    then: {category: accountability, text: 恶劣影响, accountable: [{unit: "{township}党委、政府", position: 主要领导}]}
"""
