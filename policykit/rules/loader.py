"""Loading rule packs from ``rules/*.yaml``, with errors that name the pack file and line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..errors import PackError
from ..yamlio import LineDict, line_of, load_yaml, read_text
from .schema import Pack


@dataclass
class LoadedPack:
    pack: Pack
    path: Path
    data: LineDict  # the raw YAML, which remembers line numbers

    @property
    def id(self) -> str:
        return self.pack.pack.id

    @property
    def source_path(self) -> Path:
        return self.path.parent / "sources" / self.pack.pack.source

    def source_text(self) -> str:
        return read_text(self.source_path)

    def rule_line(self, section: str, index: int) -> int | None:
        return line_of(self.data, (section, index))


def default_rules_dir() -> Path:
    """``./rules`` when run from a project folder, else the rules shipped with the code."""
    here = Path.cwd() / "rules"
    if any(here.glob("*.yaml")):
        return here
    return Path(__file__).resolve().parents[2] / "rules"


def load_pack(path: Path | str) -> LoadedPack:
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise PackError("规则包应为映射（pack、params、rules …）", file=str(path), line=1)
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        raise PackError(
            f"{err['msg']}（共 {exc.error_count()} 处错误）",
            file=str(path), line=line_of(data, loc), field=".".join(map(str, loc)),
        ) from None
    return LoadedPack(pack, path, data)


def load_packs(rules_dir: Path | str | None = None) -> list[LoadedPack]:
    rules_dir = Path(rules_dir) if rules_dir else default_rules_dir()
    files = sorted(p for p in rules_dir.glob("*.yaml") if not p.name.startswith("."))
    if not files:
        raise PackError("未找到规则包", file=str(rules_dir), expected="rules/ 目录下的 *.yaml 规则包")
    packs = [load_pack(p) for p in files]
    seen: dict[str, Path] = {}
    for lp in packs:
        if lp.id in seen:
            raise PackError(f"规则包编号“{lp.id}”重复（另见 {seen[lp.id]}）", file=str(lp.path), line=2)
        seen[lp.id] = lp.path
    return packs
