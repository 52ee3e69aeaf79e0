"""Official documents (公文) from findings: .docx templates in GB/T 9704 layout, and PDFs.

Public API::

    render_documents(case, result, out_dir, kinds=None, pdf=False) -> list[Path]
    render_aggregate_documents(agg, out_dir, kinds=None, cases=None) -> list[Path]
    render_township_plan(out_dir, township=..., county=..., findings=..., plan=...) -> Path

Modules: ``jurisdictions`` (issuing bodies from config), ``context`` (template
context), ``filters``/``env`` (sandboxed Jinja), ``prepare``/``render`` (fast
docxtpl-equivalent rendering), ``numbering`` (发文字号 registry), ``check``
(template checker), ``pdf`` (WeasyPrint), ``preview`` (LibreOffice PNGs),
``cli`` (commands).
"""
from __future__ import annotations

__all__ = ["render_documents", "render_aggregate_documents", "render_township_plan", "DocumentWarning"]


def __getattr__(name):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
