"""Enumerations of the fact model, each value with its Chinese term.

A case file may use either the English id (``unlicensed_mining``) or the Chinese
term (``无证开采``); both load to the same value. ``LABELS`` gives the Chinese
term for reports, ledgers and documents.
"""
from __future__ import annotations

from enum import Enum


class LabeledEnum(str, Enum):
    """A string enum whose members carry a Chinese label."""

    label: str

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def from_label(cls, text: str):
        for m in cls:
            if text in (m.value, m.label):
                return m
        return None

    @classmethod
    def choices(cls) -> str:
        return "、".join(f"{m.value}（{m.label}）" for m in cls)


class CaseKind(LabeledEnum):
    UNLICENSED_MINING = ("unlicensed_mining", "无证非法采矿")
    LICENSED_OPEN_PIT = ("licensed_open_pit", "持证露天矿山")
    CONSTRUCTION_COVER = ("construction_cover", "以工程建设为名采矿")
    LAND_LEVELLING = ("land_levelling", "土地平整项目")
    ECOLOGICAL_RESTORATION = ("ecological_restoration", "生态修复项目")
    QUARRY_APPLICATION = ("quarry_application", "采石场申请")
    STOPPED_MINE = ("stopped_mine", "停产矿山")
    ABANDONED_MINE = ("abandoned_mine", "历史遗留废弃矿山")
    RESTORATION_PROJECT = ("restoration_project", "废弃矿山生态修复项目")
    STONE_PROCESSING = ("stone_processing", "石料加工企业")
    MINERAL_TRANSPORT = ("mineral_transport", "运输矿产品")
    SOIL_SAND_EXTRACTION = ("soil_sand_extraction", "取土洗砂")


class OperatorKind(LabeledEnum):
    STATE_PLATFORM = ("state_platform", "国企平台公司")
    STATE_OWNED = ("state_owned", "其他国有企业")
    PRIVATE_COMPANY = ("private_company", "民营企业")
    INDIVIDUAL = ("individual", "个人")
    VILLAGE_COLLECTIVE = ("village_collective", "村集体")
    UNKNOWN = ("unknown", "违法主体不明")


class LicenceStatus(LabeledEnum):
    NONE = ("none", "无证")
    VALID = ("valid", "有效")
    EXPIRED = ("expired", "有效期已满")
    CANCELLED = ("cancelled", "已注销")
    REVOKED = ("revoked", "已吊销")
    SUSPENDED = ("suspended", "停产整改")


class ApplicationKind(LabeledEnum):
    NEW_QUARRY = ("new_quarry", "新设采石场")
    EXTENSION = ("extension", "到期采石场延期")


class StoppedMineClass(LabeledEnum):
    CANCEL = ("cancel", "注销")
    EXTEND = ("extend", "延续")
    UNDECIDED = ("undecided", "未明确")


class ProjectType(LabeledEnum):
    LAND_LEVELLING = ("land_levelling", "土地平整")
    LAND_CONSOLIDATION = ("land_consolidation", "土地整治")
    ECOLOGICAL_RESTORATION = ("ecological_restoration", "生态修复")
    MOUNTAIN_RESTORATION = ("mountain_restoration", "山体修复治理")
    HAZARD_REMOVAL = ("hazard_removal", "安全隐患治理（排险）")
    WATER = ("water", "水利工程")
    ROAD = ("road", "交通（路桥）工程")
    BUILDING = ("building", "房屋建设")
    FACILITY_AGRICULTURE = ("facility_agriculture", "设施农业")
    ENERGY = ("energy", "能源项目")
    SOLID_WASTE = ("solid_waste", "清理固废")
    OTHER = ("other", "其他工程")


class Suitability(LabeledEnum):
    FOREST = ("forest", "宜林")
    FARMLAND = ("farmland", "宜耕")
    GRASSLAND = ("grassland", "宜草")
    OTHER = ("other", "其他")


class FirmProduct(LabeledEnum):
    MACHINE_SAND = ("machine_sand", "机制砂")
    WATER_STABLE = ("water_stable", "水稳材料")
    CONSTRUCTION_WASTE = ("construction_waste", "建筑垃圾综合利用")
    OTHER = ("other", "其他石料加工")


class ClueSource(LabeledEnum):
    PROVINCE_PATCH = ("province_patch", "省厅推送疑似违法图斑")
    ONLINE_OPINION = ("online_opinion", "网络舆情")
    PUBLIC_REPORT = ("public_report", "群众举报")
    PETITION = ("petition", "信访")
    MONITORING = ("monitoring", "智能监管平台")
    PATROL = ("patrol", "日常巡查")
    SATELLITE = ("satellite", "卫片执法")
    OTHER = ("other", "其他")


class ClueVerdict(LabeledEnum):
    PENDING = ("pending", "待核查")
    CONFIRMED = ("confirmed", "查实")
    NEGATIVE = ("negative", "查否")


LABELS: dict[str, dict[str, str]] = {
    cls.__name__: {m.value: m.label for m in cls}
    for cls in (
        CaseKind,
        OperatorKind,
        LicenceStatus,
        ApplicationKind,
        StoppedMineClass,
        ProjectType,
        Suitability,
        FirmProduct,
        ClueSource,
        ClueVerdict,
    )
}
