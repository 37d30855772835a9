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
from tests.fake_model import FakeModel, serving


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


def test_with_a_model_a_right_proposal_counts_as_understood_and_a_wrong_one_as_a_wrong_store(tmp_path: Path) -> None:
    bench = _bench()
    told = {
        "Hade PKS igår, alla var där utom Habo, bra diskussion om budgeten": (
            "närvaro PKS 2022-11-24 alla utom Habo: bra diskussion om budgeten"
        ),
        "Igår träffades socialcheferna, alla kom utom Habo och Mullsjö": (
            "närvaro socialchefer igår alla utom Habo, Mullsjö"
        ),
        "Arbetet med brukarrevisionerna är klart nu": "aktivitet a-fin-brukarrev pågår med problem",  # wrong
    }
    messages = [(message, meant) for message, meant in bench.MESSAGES
                if message in told or message in ("Fick avslag från Vinnova på digitaliseringsansökan", "blaha")]
    assert len(messages) == 5
    fake = FakeModel()
    fake.script = told.get
    base = tmp_path / "plan.db"
    compose.start(Settings(database_url=f"sqlite:///{base}")).dispose()
    (tmp_path / "bot").mkdir()
    with serving(fake) as url:
        figures, wrong = bench.measure(bench._bot(base, tmp_path / "bot", {"KUBOT_LLM_URL": url}), messages)
    assert (figures.proposals, figures.right_proposals, figures.understood) == (3, 2, 2)
    assert figures.rightly_asked_back == 2, "no proposal: the ordinary refusal"
    [line] = wrong
    assert line.startswith("'Arbetet med brukarrevisionerna är klart nu' sparade") and "pågår med problem" in line
    assert "förslag från modellen 3, varav rätt 2" in figures.line("Med modell")
