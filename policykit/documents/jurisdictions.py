"""Issuing bodies per jurisdiction, from ``config/jurisdictions.yaml``.

Resolution: ``default`` ← ``counties.<county>`` ← its ``townships.<township>``
(or top-level ``townships.<township>``), merged key by key. Placeholders such
as ``{county}`` or ``{township_gov}`` are filled from the case's jurisdiction.
"""
from __future__ import annotations

import copy
import os
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "jurisdictions.yaml"
ENV_VAR = "POLICYKIT_JURISDICTIONS"

_COUNTY_SUFFIX = re.compile(r"(自治县|县|区|市|旗)$")
_TOWNSHIP_SUFFIX = re.compile(r"(街道办事处|街道|林场|镇|乡)$")


def config_path(path: str | Path | None = None) -> Path:
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_PATH


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"发文机关配置文件格式错误：{getattr(exc, 'problem', exc)}",
            file=path,
            line=(mark.line + 1) if mark else None,
        ) from None
    except OSError as exc:
        raise InputError(f"无法读取发文机关配置文件：{exc.strerror}", file=path) from None
    if not isinstance(data, dict) or "default" not in data:
        raise InputError("发文机关配置文件缺少 default 部分", file=path)
    return data


def load_config(path: str | Path | None = None) -> dict:
    p = config_path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        raise InputError("找不到发文机关配置文件", file=str(p)) from None
    return _load(str(p), mtime)


def merge(base: Any, over: Any) -> Any:
    """Deep merge of mappings; lists and scalars in ``over`` replace those in ``base``."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base.get(k), v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(over)


class _Vars(dict):
    def __missing__(self, key):
        raise KeyError(key)


@dataclass
class Place:
    """The jurisdiction a document is issued for, with the values placeholders take."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    village: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Issuing:
    """Resolved configuration for one place: bodies, per-kind settings, placeholder values."""

    settings: dict
    vars: dict[str, str]
    source: str
    warnings: list[str] = field(default_factory=list)
    unknown: dict = field(default_factory=dict)  # texts used where the case says nothing

    def fmt(self, value: Any, **extra: str) -> Any:
        """Fill placeholders in strings (recursively in lists and dicts)."""
        if isinstance(value, str):
            if "{" not in value and "}" not in value:
                return value  # nothing to fill (most texts): skip building the values
            vals = _Vars(self.vars)
            vals.update({k: "" if v is None else str(v) for k, v in extra.items()})
            try:
                return value.format_map(vals)  # str.format's C parser; same syntax as Formatter().vformat
            except KeyError as exc:
                raise InputError(
                    f"发文机关配置中的占位符 {{{exc.args[0]}}} 无法识别：“{value}”",
                    file=self.source,
                    expected="可用占位符：" + "、".join("{" + k + "}" for k in sorted(vals)),
                ) from None
            except (ValueError, IndexError) as exc:
                raise InputError(f"发文机关配置文字格式错误（{exc}）：“{value}”", file=self.source) from None
        if isinstance(value, list):
            return [self.fmt(v, **extra) for v in value]
        if isinstance(value, dict):
            return {k: self.fmt(v, **extra) for k, v in value.items()}
        return value

    def body(self, key: str, **extra: str) -> dict:
        bodies = self.settings.get("bodies") or {}
        if key not in bodies:
            raise InputError(
                f"发文机关配置中没有机关“{key}”",
                file=self.source,
                expected="、".join(sorted(bodies)),
            )
        raw = {"name": "", "mark": "", "prefix": "", "address": "", "postcode": "", "phone": "",
               "contact": "", "website": "", "short": ""}
        raw.update(bodies[key] or {})
        out = self.fmt(raw, **extra)
        out["key"] = key
        if not out.get("mark"):
            out["mark"] = out["name"]
        if not out.get("short"):
            out["short"] = out["name"]
        return out

    def kind(self, kind: str) -> dict:
        kinds = self.settings.get("kinds") or {}
        if kind not in kinds:
            raise InputError(f"发文机关配置中没有文书类型“{kind}”的设置", file=self.source)
        return copy.deepcopy(kinds[kind])

    def section(self, name: str) -> Any:
        return copy.deepcopy(self.settings.get(name))


def _short(name: str, pattern: re.Pattern) -> str:
    s = pattern.sub("", name)
    return s or name


def resolve(place: Place, path: str | Path | None = None) -> Issuing:
    """Merge default, county and township settings and compute placeholder values.

    Cached per place and configuration file version: a batch resolves the same
    few places thousands of times. Callers must not mutate the result (its
    ``kind()``/``section()`` hand out copies)."""
    p = config_path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        raise InputError("找不到发文机关配置文件", file=str(p)) from None
    key = (place.province, place.city, place.county, place.township, place.village,
           tuple(sorted(place.extra.items())))
    return _resolve(key, str(p), mtime)


@lru_cache(maxsize=4096)
def _resolve(key: tuple, path: str, mtime_ns: int) -> Issuing:
    place = Place(*key[:5], extra=dict(key[5]))
    cfg = load_config(path)
    src = path
    unknown = cfg.get("unknown") or {}
    settings = copy.deepcopy(cfg["default"])
    warnings: list[str] = []

    county_cfg: dict = {}
    if place.county and place.county in (cfg.get("counties") or {}):
        county_cfg = copy.deepcopy(cfg["counties"][place.county] or {})
    town_cfg: dict = {}
    if place.township:
        towns = county_cfg.pop("townships", None) or {}
        if place.township in towns:
            town_cfg = towns[place.township] or {}
        elif place.township in (cfg.get("townships") or {}):
            town_cfg = cfg["townships"][place.township] or {}
    county_cfg.pop("townships", None)

    meta_keys = ("province", "city", "county", "short", "township_short")
    county_meta = {k: county_cfg.pop(k) for k in meta_keys if k in county_cfg}
    town_cfg = dict(town_cfg)
    town_meta = {k: town_cfg.pop(k) for k in meta_keys if k in town_cfg}
    settings = merge(merge(settings, county_cfg), town_cfg)

    missing: list[str] = []

    def pick(name: str, value: str | None, fallback_key: str) -> str:
        if value:
            return value
        text = unknown.get(fallback_key, "××")
        missing.append(f"{_LABELS[fallback_key]}（以“{text}”代替）")
        return text

    for k in ("province", "city", "county"):
        if k in town_meta or k in town_cfg:
            town_meta[k] = town_meta.get(k) or town_cfg.get(k)
    province = pick("province", place.province or county_meta.get("province") or town_meta.get("province"), "province")
    city = pick("city", place.city or county_meta.get("city") or town_meta.get("city"), "city")
    county = pick("county", place.county or town_meta.get("county"), "county")
    if missing:
        warnings.append(f"案件及发文机关配置均未写明{'、'.join(missing)}，请核对文书后手工填写")
    township = place.township or unknown.get("township", "××镇")
    village = place.village or unknown.get("village", "××村")
    naming = settings.get("township_naming") or {}
    gov_pattern = naming.get("other", "{township}人民政府")
    for suffix, pattern in naming.items():
        if suffix != "other" and township.endswith(suffix):
            gov_pattern = pattern
            break
    vars_ = {
        "province": province,
        "city": city,
        "county": county,
        "township": township,
        "village": village,
        "county_short": str(county_meta.get("short") or _short(county, _COUNTY_SUFFIX)),
        "township_short": str(town_meta.get("township_short") or town_meta.get("short")
                              or _short(township, _TOWNSHIP_SUFFIX)),
    }
    vars_.update({k: str(v) for k, v in place.extra.items()})
    vars_["township_unit"] = next((s for s in ("街道", "林场", "镇", "乡") if township.endswith(s)), "镇")
    vars_["township_gov"] = string.Formatter().vformat(gov_pattern, (), _Vars(vars_))
    return Issuing(settings=settings, vars=vars_, source=src, warnings=warnings, unknown=dict(unknown))


_LABELS = {"province": "省", "city": "市", "county": "县（区）", "township": "乡镇", "village": "村"}
