"""What every command prints, and how every command builds its engine.

Output never interprets rich markup (a company called ``[red]X[/red]`` prints
as written). The engine is built in one place so that the durable-rules
fallback warning is always shown.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .errors import InputError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "") -> None:
    out.print(text, markup=False)


def warn(text: str) -> None:
    err.print(text, markup=False, style="yellow")


def error(text: str) -> None:
    err.print(text, markup=False, style="red")


def fail(text: str, code: int = 2) -> None:
    error(text)
    raise typer.Exit(code)


ENGINES = ("auto", "durable", "reference", "both")


def _engine_name(value: str) -> str:
    if value not in ENGINES:
        raise typer.BadParameter(f"没有求值器“{value}”，可选：{'、'.join(ENGINES)}")
    return value


# The options every checking command shares, declared once.
EngineOpt = typer.Option(
    "auto", "--engine", callback=_engine_name,
    help="求值器：auto（durable-rules，不可用时改用参考求值器）、durable、reference、both（两者对照）",
)
RulesOpt = typer.Option(None, "--rules", help="规则包目录（默认 ./rules）")


def packs_or_fail(rules_dir: Optional[Path]):
    from .rules.loader import load_packs

    try:
        return load_packs(rules_dir)
    except InputError as exc:
        fail(f"规则包错误：{exc.render()}")


def make_engine(rules_dir: Optional[Path], engine: str = "auto", **kw):
    """Load the packs and build the engine; a fallback to the reference evaluator is announced."""
    from .rules.engine import Engine, FallbackWarning

    packs = packs_or_fail(rules_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FallbackWarning)
        eng = Engine(packs, backend=engine, **kw)
    for w in caught:
        warn(f"警告：{w.message}")
    return eng
