"""Commands ``batch`` and ``plans``; mounted on the main app by ``policykit.cli``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..console import EngineOpt, RulesOpt, error, say, warn
from ..errors import InputError


def batch(
    input: Path = typer.Argument(..., help="台账（.xlsx）或案件文件目录（YAML）"),
    output: Path = typer.Option(Path("output"), "-o", "--output", help="输出目录（默认 output/）"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="未写评估日期的案件按此日期评估（默认今天）"),
    workers: Optional[int] = typer.Option(None, "--workers", help="并行进程数（默认为本机核数）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成案件检查报告 PDF 和公告 PDF"),
    rules_dir: Optional[Path] = RulesOpt,
    engine: str = EngineOpt,
    province: Optional[str] = typer.Option(None, "--province", help="台账未填“省”时使用的省份"),
    city: Optional[str] = typer.Option(None, "--city", help="台账未填“市”时使用的市"),
    county: Optional[str] = typer.Option(None, "--county", help="台账未填“县”时使用的县（区）"),
) -> None:
    """批量：逐案检查、生成全部文书、结果台账（含问责汇总、逾期事项、目标进度）和 manifest.json。

    中断（Ctrl-C 或意外终止）后用同一命令重新运行，已完成的案件不再重复生成。
    省、市、县也可以在台账表头上方写一行“县：元氏县”，对该工作表的各行生效（行内填写的优先）。
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from ..cli import as_of_option
    from .pool import WorkerDied
    from .runner import Options, default_workers, run

    if not input.exists():
        error(f"输入不存在：{input}")
        raise typer.Exit(2)
    defaults = {f"jurisdiction.{k}": v for k, v in (("province", province), ("city", city), ("county", county)) if v}
    if workers is not None and workers < 1:
        error("--workers 应为不小于 1 的整数")
        raise typer.Exit(2)
    opts = Options(input=input, out=output, as_of=as_of_option(as_of), workers=workers or default_workers(),
                   pdf=pdf, rules_dir=rules_dir, engine=engine, defaults=defaults)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("出错 {task.fields[bad]}"),
               TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("处理台账", total=None, bad=0)
        bad = [0]

        def progress(n: int, errors: int) -> None:
            bad[0] += errors
            bar.update(task, advance=n, bad=bad[0])

        try:
            summary = run(opts, progress, total_cb=lambda t: bar.update(task, total=t or None))
        except InputError as exc:
            error(exc.render())
            raise typer.Exit(2)
        except WorkerDied as exc:
            error(str(exc))
            raise typer.Exit(2)
        if not summary.interrupted:
            bar.update(task, total=summary.rows, completed=summary.rows)
    for w in summary.warnings:
        warn(f"提示：{w}")
    for e in summary.errors:
        error(f"输入错误：{e.render()}")
    if summary.interrupted:
        warn(f"已中断：已完成 {summary.cases} 个案件的检查，已完成的文书均已保存。用同一命令重新运行即可从中断处继续。")
        raise typer.Exit(130)
    _township_table(summary)
    say(f"共读入 {summary.rows} 行，检查 {summary.cases} 个案件（{summary.acting} 个需处理），"
        f"生成文书 {summary.documents} 份（其中 {summary.skipped} 个案件的文书已是最新，未重新生成），"
        f"汇总问责 {len(summary.aggregates)} 项，输入错误 {len(summary.errors)} 处。")
    say(f"结果台账：{output / 'ledger-out.xlsx'}；清单：{output / 'manifest.json'}")
    raise typer.Exit(summary.exit_code())


def _township_table(summary) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..console import out

    tiers: dict[str, list[str]] = {}
    for a in summary.aggregates:
        tiers.setdefault(a.group, []).append(a.title)
    table = Table(title="各乡镇（部门）汇总", show_lines=False)
    for col in ("乡镇", "案件", "需处理", "逾期时限", "问责与督办"):
        table.add_column(col, justify="right" if col in ("案件", "需处理", "逾期时限") else "left", overflow="fold")
    rows = [(town, str(n), str(acting), str(overdue), "；".join(tiers.pop(town, [])) or "—")
            for town, (n, acting, overdue) in sorted(summary.townships.items())]
    rows += [(group, "—", "—", "—", "；".join(titles)) for group, titles in sorted(tiers.items())]
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # data is never rich markup
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    try:
        from .plans_cli import plans
    except ImportError:
        return
    app.command("plans")(plans)
