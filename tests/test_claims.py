"""Claim rules, negation and hedging on sentences written for the purpose (real pipeline, real vocabulary)."""
from __future__ import annotations

import pytest

from kgbuild.extract import Extractor
from kgbuild.model import Document


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def claims_of(extractor: Extractor, text: str) -> list[tuple[str, str, str, bool, bool]]:
    ex = extractor.from_document(Document(id="t", source="t.txt", text=text))
    label = {e.id: e.label.lower() for e in ex.entities}
    return [(label[c.subject], c.predicate, label[c.object], c.negated, c.hedged) for c in ex.claims]


def has(claims, subj, pred, obj, negated=False, hedged=None):
    for s, p, o, n, h in claims:
        if subj in s and obj in o and p == pred and n == negated and (hedged is None or h == hedged):
            return True
    return False


@pytest.mark.parametrize("text, subj, pred, obj", [
    ("Alemtuzumab triggered release of interleukin-6.", "alemtuzumab", "increases", "interleukin"),
    ("Elevated IL-6 promoted a prothrombotic state.", "interleukin", "causes", "thrombophilia"),
    ("Vancomycin caused acute kidney injury.", "vancomycin", "causes", "acute kidney injury"),
    ("Acute kidney injury was induced by vancomycin.", "vancomycin", "causes", "acute kidney injury"),
    ("She developed acute kidney injury secondary to vancomycin.", "vancomycin", "causes", "acute kidney injury"),
    ("The hepatitis was treated with prednisone.", "prednisone", "treats", "hepatitis"),
    ("Tocilizumab lowered interleukin-6.", "tocilizumab", "decreases", "interleukin"),
    ("Cisplatin reduced serum magnesium.", "cisplatin", "decreases", "magnesium"),
    ("Warfarin led to gastrointestinal hemorrhage.", "warfarin", "causes", "hemorrhage"),
])
def test_relation_patterns(extractor, text, subj, pred, obj):
    claims = claims_of(extractor, text)
    assert has(claims, subj, pred, obj), claims


def test_coordinated_objects(extractor):
    claims = claims_of(extractor, "Amoxicillin raised bilirubin and alkaline phosphatase.")
    assert has(claims, "amoxicillin", "increases", "bilirubin"), claims
    assert has(claims, "amoxicillin", "increases", "alkaline phosphatase"), claims


def test_relative_clause_subject(extractor):
    claims = claims_of(extractor, "Alemtuzumab raised interleukin-6, which promoted a prothrombotic state.")
    assert has(claims, "alemtuzumab", "increases", "interleukin"), claims
    assert has(claims, "interleukin", "causes", "thrombophilia"), claims
    assert not has(claims, "alemtuzumab", "causes", "thrombophilia"), claims


@pytest.mark.parametrize("text, subj, pred, obj", [
    ("There was no evidence that enoxaparin caused bleeding.", "enoxaparin", "causes", "hemorrhage"),
    ("Ciprofloxacin did not cause tendinopathy.", "ciprofloxacin", "causes", "tendinopathy"),
    ("Vancomycin was ruled out as the cause of the rash.", "vancomycin", "causes", "exanthem"),
])
def test_negated_claims_are_never_positive(extractor, text, subj, pred, obj):
    claims = claims_of(extractor, text)
    assert has(claims, subj, pred, obj, negated=True), claims
    assert not has(claims, subj, pred, obj, negated=False), claims


def test_negation_does_not_leak_across_clauses(extractor):
    claims = claims_of(extractor, "Pembrolizumab caused hepatitis, but no rash was seen.")
    assert has(claims, "pembrolizumab", "causes", "hepatitis", negated=False), claims


def test_hedged_claim(extractor):
    claims = claims_of(extractor, "Methylprednisolone may have contributed to the thrombosis.")
    assert has(claims, "methylprednisolone", "causes", "thrombosis", hedged=True), claims


def test_confidence_orders_rules(extractor):
    ex = extractor.from_document(Document(id="t", source="t.txt", text=(
        "Vancomycin caused acute kidney injury. Cisplatin may have contributed to hypomagnesemia.")))
    conf = {c.subject: c.confidence for c in ex.claims}
    strong = [c for c in ex.claims if not c.hedged][0]
    weak = [c for c in ex.claims if c.hedged][0]
    assert strong.confidence > weak.confidence, conf


def test_abbreviation_takes_long_form_concept(extractor):
    ex = extractor.from_document(Document(id="t", source="t.txt", text=(
        "She had cytokine release syndrome (CRS) after tisagenlecleucel. CRS resolved with tocilizumab.")))
    crs = [e for e in ex.entities if any(m.text == "CRS" for m in e.mentions)]
    assert crs and "cytokine release syndrome" in crs[0].label.lower()
    assert len(crs[0].mentions) == 3


def test_ambiguous_short_form_defined_otherwise_is_dropped(extractor):
    ex = extractor.from_document(Document(id="t", source="t.txt", text=(
        "She came to the emergency department (ED) with chest pain. In the ED, troponin was raised.")))
    assert not any(m.text == "ED" for e in ex.entities for m in e.mentions)
