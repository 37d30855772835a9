"""The language benchmark's grammar part (bench/language): no message of staff's own wording is
stored with another meaning, and the share understood or rightly asked back reaches its goal."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from kubot.adapters import compose
from kubot.settings import Settings


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "language"
    loader = importlib.machinery.SourceFileLoader("bench_language", str(path))
    spec = importlib.util.spec_from_loader("bench_language", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_language"] = module  # its dataclass looks its module up there
    loader.exec_module(module)
    return module


def test_the_grammar_stores_no_message_with_another_meaning_and_reaches_the_goal(tmp_path: Path) -> None:
    bench = _bench()
    assert len(bench.MESSAGES) >= 200
    base = tmp_path / "plan.db"
    compose.start(Settings(database_url=f"sqlite:///{base}")).dispose()
    (tmp_path / "bot").mkdir()
    figures, wrong = bench.measure(bench._bot(base, tmp_path / "bot"), bench.MESSAGES)
    assert wrong == []
    assert (figures.understood + figures.rightly_asked_back) / figures.total >= bench.GOAL, figures.line("Grammatiken")
