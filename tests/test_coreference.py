"""Claim arguments that refer back (kgbuild/coreference.py): bridging from a definite broad
condition to the narrower event the report named, and a mediator's accumulation. Real pipeline,
real vocabulary and hierarchy, sentences written for the purpose."""
from __future__ import annotations

import pytest

from kgbuild.extract import Extractor
from kgbuild.hierarchy import Hierarchy

from conftest import claims_with_rules


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_hierarchy_climbs_across_vocabularies():
    h = Hierarchy.load()
    angioedema = frozenset({"MONDO:0010481", "HP:0100665", "MESH:D000799"})
    edema = frozenset({"MESH:D004487", "HP:0000969"})
    assert h.is_narrower(angioedema, edema)
    assert not h.is_narrower(edema, angioedema)
    assert not h.is_narrower(edema, edema)          # the same concept is not narrower than itself


REPORT = ("Lisinopril caused angioedema in this patient. Lisinopril causes bradykinin accumulation. "
          "Bradykinin increases vascular permeability, and increased vascular permeability causes the "
          "non-pitting, non-itchy swelling typical of this reaction.")


def test_definite_broad_condition_is_the_reports_event(extractor):
    claims = claims_with_rules(extractor, REPORT)
    assert ("vascular permeability", "causes", "angioedema", False, "active_verb+bridging") in claims
    assert not any(o == "edema" and s == "vascular permeability" for s, _, o, _, _ in claims)


def test_indefinite_broad_condition_stays_broad(extractor):
    text = REPORT.replace("causes the non-pitting, non-itchy swelling typical of this reaction",
                          "causes swelling")
    claims = claims_with_rules(extractor, text)
    assert any(s == "vascular permeability" and o == "edema" for s, _, o, _, _ in claims)
    assert not any("+bridging" in r for *_, r in claims)


def test_excluded_narrower_condition_is_no_referent(extractor):
    # viral hepatitis is narrower than hepatitis, but the report rules it out: "the hepatitis" is not it
    claims = claims_with_rules(extractor, "Pembrolizumab was started. Serology excluded viral hepatitis. "
                                  "The hepatitis raised ALT.")
    assert not any("+bridging" in r for *_, r in claims)
    assert any(s == "hepatitis" and p == "increases" for s, p, _, _, _ in claims)


def test_broad_condition_a_drug_caused_means_itself(extractor):
    claims = claims_with_rules(extractor, "Vancomycin caused acute tubular necrosis. Vancomycin also caused acute "
                                  "kidney injury. Piperacillin may have contributed to the acute kidney injury.")
    assert not any("+bridging" in r for *_, r in claims)


def test_accumulated_mediator_speaks_for_its_accumulation(extractor):
    claims = claims_with_rules(extractor, REPORT)
    assert ("bradykinin accumulation", "causes", "vascular permeability", False,
            "active_verb+accumulation") in claims
    # the substance's own claim stays
    assert any(s == "bradykinin" and o == "vascular permeability" for s, _, o, _, _ in claims)


def test_a_drugs_own_accumulation_is_not_its_pharmacology(extractor):
    claims = claims_with_rules(extractor, "Acute kidney injury caused metformin accumulation. "
                                  "Metformin decreases hepatic gluconeogenesis.")
    assert not any("+accumulation" in r for *_, r in claims)


def test_switched_off(extractor, monkeypatch):
    monkeypatch.setenv("KGBUILD_COREFERENCE", "0")
    claims = claims_with_rules(extractor, REPORT)
    assert not any("+" in r for *_, r in claims)
