"""Command ``plans``: one township implementation plan per township of the roster."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..console import RulesOpt, error, say
from ..errors import InputError


def plans(
    county_plan: Path = typer.Argument(..., help="县级方案（YAML，见 plans/ 中的示例）"),
    roster: Path = typer.Option(..., "--roster", help="乡镇名册（YAML 或 Excel：各乡镇领导、村、站所）"),
    ledger: Optional[Path] = typer.Option(None, "--ledger", help="台账（.xlsx），列出各乡镇自己的问题点位、图斑和面积"),
    output: Path = typer.Option(Path("output/plans"), "-o", "--output", help="输出目录（默认 output/plans/）"),
    rules_dir: Optional[Path] = RulesOpt,
) -> None:
    """由县级方案和乡镇名册，为每个乡镇生成实施方案（.docx）。"""
    from .plans import PlanErrors, make_plans

    try:
        paths = make_plans(county_plan, roster, output, ledger, rules_dir)
    except PlanErrors as exc:
        for e in exc.errors:
            error(e.render())
        raise typer.Exit(2)
    except InputError as exc:
        error(exc.render())
        raise typer.Exit(2)
    for p in paths:
        say(str(p))
    say(f"共生成 {len(paths)} 份乡镇实施方案，输出目录 {output}。")
