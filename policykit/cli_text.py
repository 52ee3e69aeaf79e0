"""Chinese for the text click and Typer print around our own: help, usage, and command-line errors.

Both libraries route their messages through ``gettext`` (a module-level ``_``/``ngettext`` in each of
their modules); we install a small table there instead of shipping .mo files. A message not in the
table stays as the library wrote it.
"""
from __future__ import annotations

import importlib
import re

ZH = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Usage:": "用法：",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Invalid value: {message}": "取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个取值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否应为其中之一：{possibilities}？）",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数字",
    "Aborted!": "已中止。",
    "Aborted.": "已中止。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "[default: {}]": "[默认：{}]",
    "[required]": "[必填]",
    "[env var: {}]": "[环境变量：{}]",
    "(deprecated) ": "（已弃用）",
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Error": "错误",
}

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui")
# Typer's help strings, computed in English when it was imported; translated from their own values.
_TYPER_CONSTANTS = ("DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING", "ARGUMENTS_PANEL_TITLE",
                    "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE", "ERRORS_PANEL_TITLE", "ABORTED_TEXT")


def _click_package() -> str:
    """The click Typer runs on: its vendored copy (Typer >= 0.16 has no click dependency), else click."""
    try:
        importlib.import_module("typer._click")
        return "typer._click"
    except ImportError:
        return "click"


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def _patch_vendored_click() -> None:
    """Typer vendors its own click, whose help-option text and "Usage:" prefix are plain English."""
    try:
        from typer._click import core, formatting
    except ImportError:  # a Typer that uses click itself: gettext above covers it
        return
    if getattr(core.Command.get_help_option, "_zh", False):
        return
    original_help, original_usage = core.Command.get_help_option, formatting.HelpFormatter.write_usage

    def get_help_option(self, ctx):
        opt = original_help(self, ctx)
        if opt is not None:
            opt.help = gettext("Show this message and exit.")
        return opt

    def write_usage(self, prog, args="", prefix=None):
        return original_usage(self, prog, args, gettext("Usage:") if prefix is None else prefix)

    get_help_option._zh = True
    core.Command.get_help_option = get_help_option
    formatting.HelpFormatter.write_usage = write_usage


def _usage_exceptions():
    return importlib.import_module(f"{_click_package()}.exceptions")


_PYDANTIC = [
    (re.compile(r"^Input should be a valid integer.*"), "应为整数"),
    (re.compile(r"^Input should be a valid number.*"), "应为数字"),
    (re.compile(r"^Input should be a valid boolean.*"), "应为是/否"),
    (re.compile(r"^Path '(.*)' does not exist\.?$"), r"路径“\1”不存在"),
    (re.compile(r"^File '(.*)' does not exist\.?$"), r"文件“\1”不存在"),
    (re.compile(r"^Directory '(.*)' does not exist\.?$"), r"文件夹“\1”不存在"),
]
_DID_YOU_MEAN = re.compile(r"\.?\s*\(?Did you mean(?: one of:)? (.+?)\??\)?$")


def _zh_message(text: str) -> str:
    text = str(text)
    for pattern, zh in _PYDANTIC:
        if pattern.match(text):
            return pattern.sub(zh, text)
    text = re.sub(r"^No such command (.+?)\.", r"没有命令 \1", text)
    text = _DID_YOU_MEAN.sub(lambda m: f"，是否应为 {m.group(1)}？", text)
    return text.replace("。，", "，")


def _hint(exc) -> str:
    """How the command line names the parameter: '--workers' / '-w', or 'paths'."""
    if exc.param_hint:
        return str(exc.param_hint)
    param = exc.param
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "option" and getattr(param, "opts", None):
        return " / ".join(f"'{o}'" for o in param.opts)
    return f"'{param.name}'"


def usage_error_text(exc) -> str:
    """A command-line usage error (missing argument, bad value, unknown option or command) in Chinese."""
    e = _usage_exceptions()
    if isinstance(exc, e.MissingParameter):
        kind = {"argument": "参数", "option": "选项"}.get(getattr(exc.param, "param_type_name", ""), "参数")
        return f"缺少{kind} {_hint(exc)}".rstrip()
    if isinstance(exc, e.BadParameter):
        hint = _hint(exc)
        msg = _zh_message(exc.message)
        return f"{hint} 的取值无效：{msg}" if hint else f"取值无效：{msg}"
    if isinstance(exc, e.NoSuchOption):
        near = f"，是否应为 {'、'.join(sorted(exc.possibilities))}？" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{near}"
    return _zh_message(exc.format_message())


def install() -> None:
    """Route Typer's click messages through the table, and set Typer's help constants."""
    _patch_vendored_click()
    package = _click_package()
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"{package}.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    for name in ("core", "rich_utils"):
        module = importlib.import_module(f"typer.{name}")
        if hasattr(module, "_"):
            module._ = gettext
    from typer import rich_utils

    for attr in _TYPER_CONSTANTS:
        setattr(rich_utils, attr, gettext(getattr(rich_utils, attr)))
    rich_utils.RICH_HELP = "运行 '{command_path} {help_option}' 查看帮助。"
