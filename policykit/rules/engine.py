"""The engine: applies the packs that govern a case and returns its findings.

``Engine(packs, backend="durable"|"reference"|"both")``. "both" runs the two
evaluators on every case and raises if they ever disagree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
import warnings
from collections.abc import Iterable

from ..errors import EngineError
from ..facts.flatten import flatten
from ..facts.load import CaseErrors, Loaded
from ..facts.model import Case
from ..findings.build import apply_overrides, build, placeholders
from ..findings.deadlines import missed
from ..findings.model import CaseResult, Finding
from .backends import durable as durable_backend
from .backends.reference import ReferenceBackend
from .checklists import Vocabulary
from .compile import Compiled, compile_rules
from .conditions import Ctx
from .loader import LoadedPack, load_packs

CACHE_LIMIT = 200_000


class FallbackWarning(UserWarning):
    pass


def make_backend(name: str):
    if name == "reference":
        return ReferenceBackend()
    if name in ("durable", "auto"):
        if durable_backend.available():
            return durable_backend.DurableBackend()
        if name == "durable":
            raise EngineError(f"durable-rules 无法导入：{durable_backend.IMPORT_ERROR}")
        warnings.warn(
            f"durable-rules 无法导入（{durable_backend.IMPORT_ERROR}），改用参考求值器，结论语义相同",
            FallbackWarning, stacklevel=2,
        )
        return ReferenceBackend()
    raise ValueError(f"未知的求值器：{name}")


_LEVELS = ("province", "city", "county", "township", "village")


def governs(lp: LoadedPack, case: Case) -> bool:
    """A pack governs a case when the case names the pack's finest level (its county, or its township) and
    no level the case gives contradicts the pack: a 元氏县 case without its province is still 元氏县's."""
    gov = lp.pack.pack.governs
    if not gov:
        return True
    j = case.jurisdiction
    finest = max(gov, key=lambda k: _LEVELS.index(k) if k in _LEVELS else -1)
    for key, want in gov.items():
        got = getattr(j, key, None)
        if got is None and key != finest:
            continue
        if got != want:
            return False
    return True


class Engine:
    def __init__(self, packs: list[LoadedPack] | None = None, backend: str = "auto", cache: bool = True):
        self.packs = packs if packs is not None else load_packs()
        self.by_id = {lp.id: lp for lp in self.packs}
        if backend == "both":
            self.backends = [make_backend("durable"), ReferenceBackend()]
        else:
            self.backends = [make_backend(backend)]
        self.backend_name = "+".join(b.name for b in self.backends)
        self._compiled: dict[tuple[str, ...], Compiled] = {}
        self._vocab: dict[tuple[str, ...] | None, Vocabulary] = {}  # None: every loaded pack
        self._cache: dict | None = {} if cache else None
        self.cache_hits = 0

    # -- which packs -------------------------------------------------------
    def packs_for(self, case: Case) -> tuple[LoadedPack, ...]:
        if case.packs:
            unknown = [p for p in case.packs if p not in self.by_id]
            if unknown:
                raise EngineError(f"案件 {case.id} 指定了不存在的规则包：{'、'.join(unknown)}")
            return tuple(self.by_id[p] for p in case.packs)
        return tuple(lp for lp in self.packs if governs(lp, case))

    def compiled_for(self, packs: tuple[LoadedPack, ...], section: str = "rules") -> Compiled:
        k = (section,) + tuple(lp.id for lp in packs)
        if k not in self._compiled:
            self._compiled[k] = compile_rules(packs, section)
        return self._compiled[k]

    # -- firing ------------------------------------------------------------
    def derive(self, compiled: Compiled, flat: dict, as_of: dt.date) -> dict:
        out = {}
        for d, lp in compiled.derived:
            v = missed(d.spec, flat, lp.pack.params, as_of)
            if v is not None:
                out[d.dkey] = v
        return out

    def fire(self, compiled: Compiled, flat: dict, derived: dict) -> list[str]:
        memo_key = None
        if self._cache is not None:
            memo_key = (
                compiled.name,
                tuple(a.evaluate(flat, None) for a in compiled.atoms),
                tuple(sorted(derived.items())),
            )
            hit = self._cache.get(memo_key)
            if hit is not None:
                self.cache_hits += 1
                return hit
        results = [b.fire(compiled, flat, derived) for b in self.backends]
        for other, b in zip(results[1:], self.backends[1:]):
            if other != results[0]:
                raise EngineError(
                    f"求值器结论不一致：{self.backends[0].name} {results[0]} ≠ {b.name} {other}"
                )
        if memo_key is not None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[memo_key] = results[0]
        return results[0]

    def vocabulary_for(self, packs: tuple[LoadedPack, ...]) -> Vocabulary:
        k = tuple(lp.id for lp in packs)
        if k not in self._vocab:
            if None not in self._vocab:
                self._vocab[None] = Vocabulary(self.packs)
            self._vocab[k] = Vocabulary(packs, known=self._vocab[None])
        return self._vocab[k]

    # -- one case ----------------------------------------------------------
    def check(self, case: Case) -> CaseResult:
        """The findings for one case. Raises ``CaseErrors`` when its checklists do not fit its packs."""
        as_of = case.as_of or dt.date.today()
        packs = self.packs_for(case)
        compiled = self.compiled_for(packs)
        flat = self.vocabulary_for(packs).normalise(flatten(case), case.id)
        derived = self.derive(compiled, flat, as_of)
        fired = self.fire(compiled, flat, derived)
        kept, withdrawn = apply_overrides(compiled.rules, fired)
        ctx = Ctx(fired=set(fired), derived=derived)
        values = placeholders(flat)
        findings = [build(compiled.by_id[r], flat, ctx, as_of, values) for r in kept]
        gone = [
            build(compiled.by_id[r], flat, ctx, as_of, values, overridden_by=by) for r, by in withdrawn.items()
        ]
        return CaseResult(
            case=case.id, name=case.name, kind=case.kind.value, township=case.jurisdiction.township,
            as_of=as_of, packs=[lp.id for lp in packs], findings=findings, withdrawn=gone,
        )

    def check_all(self, cases: Iterable[Case]):
        from .aggregate import aggregate

        cases = list(cases)
        results = [self.check(c) for c in cases]
        return results, aggregate(self, cases, results)

    def check_loaded(self, loaded: Loaded):
        """Check loaded case files: (cases, results, aggregates, errors). A case that does not fit its packs
        (a checklist item they do not have) is an input error at its file and line; the others go on."""
        from .aggregate import aggregate

        cases, results, errors = [], [], list(loaded.errors)
        for case in loaded.cases:
            try:
                results.append(self.check(case))
            except CaseErrors as exc:
                file, line = loaded.origins.get(case.id, (None, None))
                errors.extend(replace(e, file=e.file or file, line=e.line or line) for e in exc.errors)
                continue
            cases.append(case)
        return cases, results, aggregate(self, cases, results), errors


def findings_key(findings: list[Finding]) -> list[dict]:
    """A comparable form of findings (for tests comparing engines)."""
    return [f.model_dump(mode="json") for f in findings]
