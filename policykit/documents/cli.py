"""Commands ``render`` and ``templates check``; mounted by ``policykit.cli`` via ``register(app)``.

Typer 0.12+ also merges this nameless app into a parent with ``parent.add_typer(app)``.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional

import typer

from ..console import EngineOpt, RulesOpt, error, make_engine, say, warn
from ..errors import EngineError, InputError
from ..rules.schema import DOCUMENT_KINDS

app = typer.Typer(help="生成公文（Word 文书、PDF）。", add_completion=False, pretty_exceptions_enable=False)
templates_app = typer.Typer(help="检查文书模板。", no_args_is_help=True)
app.add_typer(templates_app, name="templates")

_say, _warn, _error = say, warn, error


def check_paths(paths: list[Path], as_of=None, rules_dir: Optional[Path] = None, engine: str = "auto"):
    """The only place that calls the engine: (cases, results, aggregates, errors)."""
    from ..facts.load import load_cases

    loaded = load_cases(paths, as_of=as_of)
    return make_engine(rules_dir, engine).check_loaded(loaded)


def _kinds_option(values: Optional[list[str]]) -> Optional[list[str]]:
    if not values:
        return None
    bad = [v for v in values if v not in DOCUMENT_KINDS]
    if bad:
        raise typer.BadParameter(
            f"未知的文书类型：{'、'.join(bad)}。可选：" + "、".join(f"{k}（{v}）" for k, v in DOCUMENT_KINDS.items())
        )
    return values


@app.command("render")
def render(
    paths: list[Path] = typer.Argument(..., help="案件文件或目录（YAML）"),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="只生成这些文书（可多次指定），如 closure_decision"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成案件检查报告 PDF 和公告 PDF"),
    output: Path = typer.Option(Path("output"), "-o", "--output", help="输出目录（默认 output/）"),
    preview: bool = typer.Option(False, "--preview", help="用 LibreOffice 为每种文书生成首页预览图（PNG）"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="未写评估日期的案件按此日期评估（默认今天）"),
    rules_dir: Optional[Path] = RulesOpt,
    engine: str = EngineOpt,
) -> None:
    """按查处结论生成文书：output/<案件编号>/<文书类型>_<发文字号>.docx。"""
    from ..facts.dates import parse_date
    from .api import DocumentWarning, render_aggregate_documents, render_documents

    kinds = _kinds_option(doc)
    try:
        day = parse_date(as_of) if as_of else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        cases, results, aggs, errors = check_paths(paths, day, rules_dir, engine)
    except (InputError, EngineError) as exc:
        _error(f"无法检查案件：{exc}")
        raise typer.Exit(2)
    for e in errors:
        _error(f"输入错误：{e.render()}")
    single = len(cases) == 1
    written: list[Path] = []
    failed = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DocumentWarning)
        for case, result in zip(cases, results):
            called = {k for f in result.findings for k in f.documents}
            want = None
            if kinds:
                want = [k for k in kinds if k in called or single]
                if not want:
                    continue
            elif not called and not pdf:
                continue
            try:
                written += render_documents(case, result, output, kinds=want, pdf=pdf)
            except InputError as exc:
                failed += 1
                _error(f"案件 {case.id}：{exc.render()}")
        for agg in aggs:
            want = [k for k in (kinds or agg.documents) if k in agg.documents]
            if not want:
                continue
            try:
                written += render_aggregate_documents(agg, output, kinds=want, cases=cases)
            except InputError as exc:
                failed += 1
                _error(f"{agg.group}（{agg.title}）：{exc.render()}")
    for w in caught:
        if issubclass(w.category, DocumentWarning):
            _warn(f"提示：{w.message}")
    if kinds:
        made = {k for p in written for k in DOCUMENT_KINDS if p.name.startswith(k + "_")}
        for k in kinds:
            if k not in made:
                _warn(f"提示：没有案件的查处结论要求制作{DOCUMENT_KINDS[k]}（{k}），未生成；"
                      "只给出一个案件时，--doc 指定的文书总会生成")
    for p in written:
        _say(str(p))
    _say(f"共生成 {len(written)} 个文件，输出目录 {output}。")
    if preview and written:
        from .preview import previews

        try:
            pngs = previews([p for p in written if p.suffix == ".docx"], output / "preview")
        except InputError as exc:
            _error(exc.render())
            raise typer.Exit(2)
        for p in pngs:
            _say(f"预览：{p}")
    raise typer.Exit(2 if (errors or failed) else 0)


@templates_app.command("check")
def templates_check(
    file: Optional[Path] = typer.Argument(None, help="模板文件（默认检查 doc_templates/ 中的全部模板）"),
    kind: Optional[str] = typer.Option(None, "--kind", help="模板对应的文书类型（默认按文件名判断）"),
) -> None:
    """检查模板：标记是否完整、字段是否存在，并指出所在段落。"""
    from .check import check_template
    from .render import TEMPLATES_DIR
    from .sample import sample_context

    files = [file] if file else [TEMPLATES_DIR / f"{k}.docx" for k in DOCUMENT_KINDS]
    total = 0
    for f in files:
        if not f.exists():
            _error(f"{f}：文件不存在")
            total += 1
            continue
        k = kind or next((x for x in DOCUMENT_KINDS if f.stem == x or f.stem.startswith(x + "_")), None)
        ctx = None
        if k is None:
            _warn(f"{f.name}：无法从文件名判断文书类型，只检查标记语法（可用 --kind 指定）")
        else:
            try:
                ctx = sample_context(k)
            except InputError as exc:
                _error(f"无法准备示例数据：{exc.render()}")
                raise typer.Exit(2)
        problems = check_template(f, ctx)
        total += len(problems)
        if problems:
            for p in problems:
                _error(p.render())
        else:
            _say(f"{f.name}：检查通过")
    if total:
        _say(f"发现 {total} 个问题。")
    raise typer.Exit(2 if total else 0)


def register(main_app: typer.Typer) -> None:
    """Mount ``render`` and ``templates`` on the main ``policykit`` app."""
    main_app.command("render")(render)
    main_app.add_typer(templates_app, name="templates")
