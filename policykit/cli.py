"""Command line: ``policykit check | rules | schema | render | templates | batch | plans``.

Every message a user reads is Chinese. Exit status: 0 nothing to act on,
1 findings that require action, 2 invalid input.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from . import cli_text
from .console import EngineOpt, RulesOpt, err, fail, make_engine, packs_or_fail, say
from .errors import EngineError
from .facts.dates import parse_date


cli_text.install()
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    context_settings=CONTEXT,
    help="policykit：矿山整治与打击非法采矿政策规则引擎及公文生成工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="查看、检查规则包。", no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(rules_app, name="rules")



def as_of_option(value: Optional[str]) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{exc}（应为日期，如 2024-03-01）") from None




@app.command()
def check(
    paths: list[Path] = typer.Argument(..., help="案件文件或目录（YAML）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    explain: bool = typer.Option(False, "--explain", help="列出事实与规则推理链"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="未写评估日期的案件按此日期评估（默认今天）"),
    rules_dir: Optional[Path] = RulesOpt,
    engine: str = EngineOpt,
) -> None:
    """逐案检查：违法情形、处置要求、时限、责任人、移送和应出具的文书。"""
    from .facts.load import load_cases
    from .findings import report

    eng = make_engine(rules_dir, engine)
    loaded = load_cases(paths, as_of=as_of_option(as_of))
    try:
        _, results, aggs, errors = eng.check_loaded(loaded)
    except EngineError as exc:
        fail(f"规则引擎错误：{exc}")
    if json_out:
        doc = report.to_json(results, aggs, errors, eng.backend_name)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in results:
            for line in report.case_lines(r, explain):
                say(line)
            say()
        for line in report.township_lines(results):
            say(line)
        for line in report.aggregate_lines(aggs, explain):
            say(line)
        for e in errors:
            err.print(f"输入错误：{e.render()}", markup=False, style="red")
        say()
        say(report.summary_line(results, aggs, errors))
    raise typer.Exit(report.exit_code(results, aggs, errors))


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入文件（默认输出到屏幕）"),
    rules_dir: Optional[Path] = RulesOpt,
) -> None:
    """导出案件文件的 JSON Schema，供编辑器补全和校验（含规则包中各清单的事项）。"""
    from .facts.model import Case
    from .rules.checklists import Vocabulary
    from .storage import atomic_write_text

    doc = Case.model_json_schema()
    doc["properties"]["checklists"]["properties"] = Vocabulary(packs_or_fail(rules_dir)).json_schema()
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if output:
        atomic_write_text(output, text)
        say(f"已写入 {output}")
    else:
        sys.stdout.write(text)


@rules_app.command("list")
def rules_list(rules_dir: Optional[Path] = RulesOpt) -> None:
    """列出全部规则包和规则。"""
    for lp in packs_or_fail(rules_dir):
        meta = lp.pack.pack
        say(f"{meta.id}　{meta.title}（{meta.issuer}{'，' + meta.number if meta.number else ''}）　{lp.path.name}")
        for r in [*lp.pack.rules, *lp.pack.aggregates]:
            say(f"  {r.id}　〔{', '.join(r.clauses)}〕　{r.title}")


@rules_app.command("show")
def rules_show(rule_id: str, rules_dir: Optional[Path] = RulesOpt) -> None:
    """显示一条规则：条件、结论和原文引文。"""
    import yaml

    for lp in packs_or_fail(rules_dir):
        for section in ("rules", "aggregates"):
            for i, r in enumerate(getattr(lp.pack, section)):
                if r.id == rule_id:
                    say(f"{r.id}　{r.title}")
                    say(f"规则包：{lp.id}（{lp.path}:{lp.rule_line(section, i)}）")
                    say(f"原文：《{lp.pack.pack.title}》{r.source.where}：“{r.source.quote}”")
                    say(yaml.safe_dump(r.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False))
                    return
    fail(f"未找到规则 {rule_id}（可用 policykit rules list 查看全部规则）")


@rules_app.command("coverage")
def rules_coverage(
    rules_dir: Optional[Path] = RulesOpt,
    clauses: Optional[Path] = typer.Option(None, "--clauses", help="条款清单（默认 rules/policy-clauses.md）"),
) -> None:
    """列出 60 条规范性条款各由哪些规则实现，或不纳入的理由。"""
    from .rules.coverage import coverage
    from .rules.loader import default_rules_dir

    packs = packs_or_fail(rules_dir)
    path = clauses or (rules_dir or default_rules_dir()) / "policy-clauses.md"
    items = coverage(packs, path)
    missing = 0
    for c in items:
        if c.rules:
            say(f"{c.id}　已实现　{'、'.join(c.rules)}")
        elif c.out_of_scope:
            say(f"{c.id}　不纳入　{c.out_of_scope}")
        else:
            missing += 1
            say(f"{c.id}　✗ 未实现，也未说明理由")
    say(f"共 {len(items)} 条，已实现 {sum(bool(c.rules) for c in items)} 条，不纳入 {sum(bool(c.out_of_scope and not c.rules) for c in items)} 条，缺失 {missing} 条。")
    raise typer.Exit(1 if missing else 0)


@rules_app.command("lint")
def rules_lint(rules_dir: Optional[Path] = RulesOpt) -> None:
    """检查规则包：引文、字段、类型、时限、重复编号、永不触发、结论矛盾、日期窗口。"""
    from .rules.lint import lint
    packs = packs_or_fail(rules_dir)
    problems = lint(packs)
    for p in problems:
        say(p.render())
    say(f"检查了 {len(packs)} 个规则包，发现 {len(problems)} 个问题。")
    raise typer.Exit(2 if problems else 0)


def _mount_optional() -> None:
    """Sub-commands that live with their own part of the pipeline."""
    try:
        from .documents.cli import register as register_documents
    except ImportError:
        pass
    else:
        register_documents(app)
    try:
        from .batch.cli import register as register_batch
    except ImportError:
        pass
    else:
        register_batch(app)


_mount_optional()


def main() -> None:
    """The ``policykit`` command: usage errors are printed in Chinese with exit status 2."""
    import sys

    exceptions = cli_text._usage_exceptions()
    try:
        code = app(standalone_mode=False)
    except exceptions.NoArgsIsHelpError as exc:  # no arguments: the help is the message
        print(exc.format_message(), file=sys.stderr)
        sys.exit(2)
    except exceptions.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "policykit"
        err.print(f"错误：{cli_text.usage_error_text(exc)}", markup=False, style="red")
        err.print(f"运行 '{command} -h' 查看帮助。", markup=False)
        sys.exit(2)
    except typer.Abort:
        err.print("已中止。", markup=False)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
