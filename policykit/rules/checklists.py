"""The checklists a case may fill in (三不留、一毁闭, 两断三清 …), as the governing packs define them.

A pack's checklist parameter names its items: ``{items: {water: 断水, …}, title: 两断三清}``. A case may
write an item by its id or by its Chinese term, and a list by its name or its title. A list that only
other packs use does not concern this case and is left out; a list no pack knows, or an item its list
does not have, is an input error naming what the packs offer: silently ignored, it would read as "not done".
"""
from __future__ import annotations

import difflib
import re

from ..errors import InputError
from ..facts.flatten import CHECKLIST_PREFIX
from ..facts.load import CaseErrors

_PUNCT = re.compile(r"[\s、，,“”\"'·（）()]")


def _plain(text: str) -> str:
    return _PUNCT.sub("", str(text))


class Vocabulary:
    """Checklist names and items of a set of packs: list alias -> list name; (list, item alias) -> item id."""

    def __init__(self, packs, known: Vocabulary | None = None) -> None:
        self.known = known  # every loaded pack's lists: those the case may carry without their applying
        self.lists: dict[str, str] = {}
        self.items: dict[str, dict[str, str]] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.titles: dict[str, str] = {}
        for lp in packs:
            for name, spec in lp.pack.params.items():
                if not (isinstance(spec, dict) and isinstance(spec.get("items"), dict)):
                    continue
                title = spec.get("title")
                self.lists[name] = name
                if title:
                    self.titles[name] = str(title)
                    self.lists.setdefault(_plain(title), name)
                items = self.items.setdefault(name, {})
                labels = self.labels.setdefault(name, {})
                for item, label in spec["items"].items():
                    items[item] = item
                    items.setdefault(_plain(label), item)
                    labels[item] = str(label)

    def _list(self, given: str) -> str | None:
        return self.lists.get(given) or self.lists.get(_plain(given))

    def normalise(self, flat: dict, case_id: str) -> dict:
        """``flat`` with checklist keys rewritten to the packs' ids; CaseErrors for unknown lists or items."""
        keys = [k for k in flat if k.startswith(CHECKLIST_PREFIX)]
        if not keys:
            return flat
        out = {k: v for k, v in flat.items() if not k.startswith(CHECKLIST_PREFIX)}
        errors: list[InputError] = []
        for key in keys:
            given_list, given_item = key[len(CHECKLIST_PREFIX):].split(".", 1)
            name = self._list(given_list)
            if name is None:
                if self.known is None or self.known._list(given_list) is None:
                    errors.append(self._unknown_list(given_list, case_id))
                continue
            item = self.items[name].get(given_item) or self.items[name].get(_plain(given_item))
            if item is None:
                errors.append(self._unknown_item(name, given_list, given_item, case_id))
                continue
            out[f"{CHECKLIST_PREFIX}{name}.{item}"] = flat[key]
        if errors:
            raise CaseErrors(errors)
        return out

    def _describe_list(self, name: str) -> str:
        return f"{name}（{self.titles[name]}）" if name in self.titles else name

    def _unknown_list(self, given: str, case_id: str) -> InputError:
        every = self.known or self
        options = "、".join(every._describe_list(n) for n in every.items) or "（规则包中没有清单）"
        near = difflib.get_close_matches(given, list(every.lists), n=1, cutoff=0.5)
        hint = f"，是否应为“{every.lists[near[0]]}”？" if near else ""
        return InputError(f"规则包中没有清单“{given}”{hint}", field=f"checklists.{given}", case=case_id,
                          expected=options)

    def _unknown_item(self, name: str, given_list: str, given: str, case_id: str) -> InputError:
        labels = self.labels[name]
        options = "、".join(f"{i}（{t}）" for i, t in labels.items())
        near = difflib.get_close_matches(given, list(labels.values()) + list(labels), n=1, cutoff=0.4)
        hint = ""
        if near:
            item = self.items[name].get(near[0]) or self.items[name].get(_plain(near[0]))
            hint = f"，是否应为“{item}”（{labels[item]}）？"
        gap = "" if name in self.titles else " "  # "清单 x（两断三清）没有…" / "清单 x 没有…"
        return InputError(f"清单 {self._describe_list(name)}{gap}没有事项“{given}”{hint}",
                          field=f"checklists.{given_list}.{given}", case=case_id, expected=options)

    def json_schema(self) -> dict:
        """The lists and items as JSON Schema properties (for editors): ids with their Chinese terms."""
        return {
            name: {
                "type": "object",
                "description": self.titles.get(name, name) + "：" + "、".join(f"{i} {t}" for i, t in labels.items()),
                "properties": {i: {"type": "boolean", "description": t} for i, t in labels.items()},
            }
            for name, labels in self.labels.items()
        }
