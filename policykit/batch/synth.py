"""Invented but realistic ledger rows for 元氏县, for the shipped example ledger and the benchmark.

Every case kind appears; names, people and numbers are invented.
"""
from __future__ import annotations

import datetime as dt
import random

TOWNSHIPS = {
    "槐阳镇": ["北岭村", "东街村", "西张村"],
    "殷村镇": ["殷村", "南白村"],
    "姬村镇": ["姬村", "前仙村"],
    "苏村乡": ["苏村", "东韩村"],
    "黑水河乡": ["高村", "石家庄子村"],
    "马村乡": ["马村", "小马村"],
}
KINDS = [
    ("无证非法采矿", 30), ("持证露天矿山", 12), ("以工程建设为名采矿", 10), ("土地平整项目", 6),
    ("生态修复项目", 5), ("采石场申请", 4), ("停产矿山", 10), ("历史遗留废弃矿山", 6),
    ("废弃矿山生态修复项目", 4), ("石料加工企业", 4), ("运输矿产品", 5), ("取土洗砂", 4),
]
DEPARTMENTS = ["县交通运输局", "县水利局", "县农业农村局", "县应急管理局"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
YESNO = ["是", "否"]


def _yn(rnd, p):
    return "是" if rnd.random() < p else "否"


def row(rnd: random.Random, i: int, start=dt.date(2024, 7, 1), kind: str | None = None) -> dict:
    town = rnd.choice(list(TOWNSHIPS))
    village = rnd.choice(TOWNSHIPS[town])
    kind = kind or rnd.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    found = start + dt.timedelta(days=rnd.randint(0, 95))
    as_of = found + dt.timedelta(days=rnd.randint(0, 40))
    r = {
        "案件编号": f"YS-{found.year}-{i:05d}", "省": "河北省", "市": "石家庄市", "县": "元氏县",
        "乡镇": town, "村": village, "问题类型": kind, "评估日期": as_of,
        "矿山名称": f"{village}{rnd.choice(['东山', '西坡', '后岭', '南沟'])}{'采石点' if kind == '无证非法采矿' else '矿点'}",
        "发现日期": found,
    }
    if kind in ("无证非法采矿", "取土洗砂"):
        r.update({"许可证状态": "无证", "发现开采行为": "是", "现场有设备": _yn(rnd, .6),
                  "违法主体已查明": _yn(rnd, .8), "出售矿产品": _yn(rnd, .4),
                  "采矿权人": f"{rnd.choice(SURNAMES)}某某", "主体性质": "个人",
                  "矿产品价值（元）": rnd.choice([20000, 80000, 150000, 600000]),
                  "不留人员": _yn(rnd, .7), "不留设备": _yn(rnd, .6), "不留物料设施": _yn(rnd, .5),
                  "毁闭采场井口": _yn(rnd, .4), "造成恶劣影响": _yn(rnd, .05)})
        if rnd.random() < .6:  # case opened (立案) some days after it was found, never after the check date
            r["立案日期"] = found + dt.timedelta(days=rnd.randint(0, (as_of - found).days))
        if all(r[k] == "是" for k in ("不留人员", "不留设备", "不留物料设施", "毁闭采场井口")):
            r["取缔日期"] = found + dt.timedelta(days=rnd.randint(0, (as_of - found).days))
    elif kind in ("持证露天矿山", "停产矿山"):
        r.update({"采矿权人": f"元氏县{rnd.choice(['永固', '鑫源', '宏达', '恒泰'])}石料有限公司",
                  "主体性质": "民营企业", "许可证号": f"C1301322011047130{i:06d}",
                  "矿种": rnd.choice(["建筑石料用灰岩", "水泥用灰岩"]), "发证机关": "石家庄市自然资源和规划局"})
        if kind == "持证露天矿山":
            status = rnd.choice(["有效", "有效", "有效期已满"])
            r.update({"许可证状态": status, "发现开采行为": "是",
                      "越界开采次数": rnd.choice([0, 0, 1, 3]), "擅自改变开采方式": _yn(rnd, .2),
                      "有效期至": dt.date(2024, 3, 31) if status == "有效期已满" else dt.date(2027, 12, 31)})
        else:
            r.update({"许可证状态": "停产整改", "处置类别": rnd.choice(["注销", "延续"]),
                      "县政府同意日期": dt.date(2024, 7, 25)})
    elif kind in ("以工程建设为名采矿", "土地平整项目", "生态修复项目"):
        r.update({"项目类型": {"以工程建设为名采矿": rnd.choice(["交通（路桥）工程", "水利工程", "设施农业"]),
                             "土地平整项目": "土地平整", "生态修复项目": "生态修复"}[kind],
                  "审批部门": rnd.choice(DEPARTMENTS), "动用矿产资源": "是", "出售矿产品": _yn(rnd, .5),
                  "按批准方案施工": _yn(rnd, .5), "采矿权人": f"河北{rnd.choice(['路桥', '水务', '农发'])}建设有限公司",
                  "主体性质": "民营企业"})
    elif kind == "采石场申请":
        r.update({"申请类型": rnd.choice(["新设采石场", "到期采石场延期"]),
                  "主体性质": rnd.choice(["国企平台公司", "民营企业"]), "采矿权人": "元氏县城投建材有限公司"})
    elif kind in ("历史遗留废弃矿山", "废弃矿山生态修复项目"):
        r.update({"图斑": rnd.randint(1, 20), "面积（亩）": rnd.randint(10, 300), "计划年度": rnd.choice([2024, 2025])})
    elif kind == "石料加工企业":
        r.update({"采矿权人": "元氏县石材加工厂", "位于工业园区": _yn(rnd, .5)})
    elif kind == "运输矿产品":
        r.update({"采矿权人": f"{rnd.choice(SURNAMES)}某", "主体性质": "个人"})
    return r


def rows(n: int, seed: int = 2024):
    """``n`` rows; the first ones cover every case kind once."""
    rnd = random.Random(seed)
    kinds = [k for k, _ in KINDS]
    return [row(rnd, i + 1, kind=kinds[i] if i < len(kinds) else None) for i in range(n)]
