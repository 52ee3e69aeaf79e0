"""The Jinja environment every template runs in: sandboxed, autoescaped, strict.

Values from case files are data, never template code: a company named
``A&B<公司>`` or ``{{ 7*7 }}`` is printed as written. The sandbox keeps a
template edited by hand from reaching Python internals, and the immutable
variant from changing the context. A field the context does not have is an
error (``StrictUndefined``), not a silent blank.
"""
from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .filters import FILTERS, finalize


def make_env(undefined: type[Undefined] = StrictUndefined) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=undefined,
        finalize=finalize,
        auto_reload=False,
        cache_size=0,
    )
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=1)
def get_env() -> ImmutableSandboxedEnvironment:
    """The shared environment (compiled templates are cached by the renderer, not here)."""
    return make_env()
