"""Shared fixtures: the shipped packs and an engine that runs both evaluators and requires agreement."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def packs():
    from policykit.rules.loader import load_packs

    if not any((ROOT / "rules").glob("*.yaml")):
        pytest.skip("rules/ 中尚无规则包")
    return load_packs(ROOT / "rules")


@pytest.fixture(scope="session")
def engine(packs):
    from policykit.rules.engine import Engine

    return Engine(packs, backend="both")


@pytest.fixture(scope="session")
def example_cases():
    from policykit.facts.load import load_cases

    if not any((ROOT / "cases").glob("*.yaml")):
        pytest.skip("cases/ 中尚无示例案件")
    loaded = load_cases([ROOT / "cases"])
    assert not loaded.errors, [e.render() for e in loaded.errors]
    return loaded.cases
