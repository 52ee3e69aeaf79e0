"""durable-rules, used only in the subset shown safe (see tech-notes):

- single-fact patterns: each stage asserts exactly one fact per case;
- no ``$or``: every condition is put in disjunctive normal form and each term,
  a plain ``$and`` of single-field tests, is its own rule (a fact matching
  several branches of a nested ``$or`` makes durable-rules loop forever);
- every pattern anchored by a positive test (``$ex _stage``): a pattern of only
  ``$nex`` tests loops forever too;
- no joins, no ``count``/``cap``, no negation across facts: calendar leaves and
  earlier findings arrive as precomputed fields of that one fact (stratified);
- a synchronous host (no background dispatch threads);
- one session id per case and stage, deleted right after (the engine keeps at
  most 1,024 live sessions);
- nothing fails silently: a sentinel rule must see every fact, and an exception
  stored in the session state is raised;
- numbers it can read: its JSON parser rejects an exponent without a decimal
  point, which is how ``json.dumps`` writes 1e16 ("1e+16") and 0.00001
  ("1e-05"), so those are written "1.0e+16", "1.0e-05" (same value).
"""
from __future__ import annotations

import copy
import itertools
import json
import re

from ...errors import EngineError
from ..compile import Compiled
from ..conditions import durable_pattern, key

SENTINEL = "__seen__"

# A JSON string, or a number whose mantissa has no decimal point followed by an exponent.
_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])(-?\d+)(e[+-]?\d+)')


def _point(m: re.Match) -> str:
    return m.group(0) if m.group(1) is None else f"{m.group(1)}.0{m.group(2)}"


class _DurableJson:
    """``json`` as durable-rules calls it, writing every number in a form its parser reads."""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(obj, **kw) -> str:
        text = json.dumps(obj, **kw)
        if "e+" in text or "e-" in text:  # rare: only then scan for such numbers
            text = _EXPONENT.sub(_point, text)
        return text


try:  # durable-rules does not import on Python 3.13+
    from durable import engine as _durable
except Exception as _exc:  # pragma: no cover - depends on the interpreter
    _durable = None
    IMPORT_ERROR = _exc
else:
    IMPORT_ERROR = None
    _durable.json = _DurableJson  # durable.engine calls json.dumps on every ruleset and fact


def available() -> bool:
    return _durable is not None


if _durable is not None:

    class _SyncHost(_durable.Host):
        """A host that starts no dispatch threads: assert_fact runs every action before returning."""

        def _run(self):
            pass


class DurableBackend:
    name = "durable"

    def __init__(self) -> None:
        if _durable is None:
            raise EngineError(f"durable-rules 无法导入：{IMPORT_ERROR}")
        self.host = _SyncHost()
        self._registered: dict[str, list[str]] = {}
        self._sids = itertools.count(1)
        self._fired: list[str] = []

    def _collector(self, rule_id: str):
        fired = self._fired

        def action(c):  # exactly one parameter: two would make it "async" and fail silently
            fired.append(rule_id)

        return action

    def _stage_names(self, compiled: Compiled) -> list[str]:
        names = self._registered.get(compiled.name)
        if names is not None:
            return names
        names = []
        for k, stage in enumerate(compiled.stages, start=1):
            name = f"{compiled.name}_s{k}"
            rules = {SENTINEL: {"all": [{"m": {"$ex": {"_stage": 1}}}], "run": self._collector(SENTINEL)}}
            for r in stage:
                for t, term in enumerate(r.cond.dnf()):
                    rules[f"r{r.index}_{t}"] = {"all": [{"m": durable_pattern(term)}], "run": self._collector(r.id)}
            # register_rulesets deletes the "run" entries: hand it a copy of the structure.
            self.host.set_rulesets({name: {n: dict(v, all=copy.deepcopy(v["all"])) for n, v in rules.items()}})
            names.append(name)
        self._registered[compiled.name] = names
        return names

    def fire(self, compiled: Compiled, flat: dict, derived: dict) -> list[str]:
        base = {key(p): v for p, v in flat.items()}
        base.update(derived)
        fired: set[str] = set()
        for name in self._stage_names(compiled):
            sid = str(next(self._sids))
            fact = dict(base)
            fact.update({"_f_" + key(r): True for r in fired})
            fact["_stage"] = 1
            fact["sid"] = sid
            self._fired.clear()
            try:
                self.host.assert_fact(name, fact)
                state = self.host.get_state(name, sid)
            except Exception as exc:
                raise EngineError(f"durable-rules 执行出错（{name}）：{exc!r}") from exc
            finally:
                try:
                    self.host.delete_state(name, sid)
                except Exception:
                    pass
            if state.get("exception"):
                raise EngineError(f"durable-rules 动作异常（{name}）：{state['exception']}")
            if SENTINEL not in self._fired:
                raise EngineError(f"durable-rules 丢弃了事实（{name}），未被哨兵规则看到")
            fired.update(r for r in self._fired if r != SENTINEL)
        return [r.id for r in compiled.rules if r.id in fired]
