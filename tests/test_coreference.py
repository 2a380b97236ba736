"""Claim arguments that refer back (kgbuild/coreference.py): bridging from a definite broad
condition to the narrower event the report named, and a mediator's accumulation. Real pipeline,
real vocabulary and hierarchy, sentences written for the purpose."""
from __future__ import annotations

import pytest

from kgbuild.extract import Extractor
from kgbuild.hierarchy import Hierarchy
from kgbuild.model import Document

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


@pytest.mark.parametrize("text, subj, obj", [
    # the report's event: the drug-caused condition named most before the denial
    ("Ceftriaxone caused intravascular hemolysis in this child. Azithromycin was not responsible, since it was "
     "continued without further hemolysis.", "azithromycin", "hemolysis"),
    ("Vancomycin caused the acute kidney injury. Piperacillin-tazobactam did not cause it.", "piperacillin",
     "acute kidney injury"),
    # a denial just before names the effect: "Infection was not the cause" (of the syndrome)
    ("Tacrolimus caused posterior reversible encephalopathy syndrome and seizures. Hypomagnesemia lowered the "
     "seizure threshold. Mycophenolate mofetil did not cause the syndrome. Infection was not the cause, since "
     "cultures were normal.", "infection", "leukoencephalopathy"),
    ("Capecitabine caused coronary vasospasm. Atherosclerotic disease was not the cause, since the coronary "
     "arteries were normal.", "atherosclerosis", "vasospasm"),
    # "not implicated", for every drug listed; past an aside before the verb
    ("Bleomycin caused the pulmonary toxicity. Doxorubicin, vinblastine and dacarbazine were not implicated, as "
     "all three were continued.", "vinblastine", "lung diseases"),
    ("Bleomycin caused the pulmonary toxicity. Doxorubicin, vinblastine and dacarbazine were not implicated, as "
     "all three were continued.", "doxorubicin", "lung diseases"),
    ("Diclofenac caused the liver injury. Candesartan, taken unchanged for five years, was not implicated.",
     "candesartan", "liver injury"),
    # "ruled out / excluded as causes" (no "not" in the sentence)
    ("Diclofenac caused the hepatitis. Autoimmune hepatitis was ruled out as a cause by serology.",
     "autoimmune hepatitis", "hepatitis"),
    ("Warfarin caused the bleeding. Thrombocytopenia was excluded as the cause.", "thrombocytopenia", "hemorrhage"),
    # a differential diagnosis set aside: "excluded by ...", "each excluded", "not a factor", "an unlikely
    # explanation"
    ("Carbamazepine caused severe hyponatremia. Hypothyroidism and adrenal insufficiency were excluded by "
     "normal hormone levels.", "adrenal insufficiency", "hyponatremia"),
    ("Carbamazepine caused severe hyponatremia. Hypothyroidism and adrenal insufficiency were excluded by "
     "normal hormone levels.", "hypothyroidism", "hyponatremia"),
    ("Carbimazole caused agranulocytosis. Leukaemia and vitamin B12 deficiency were each excluded, by the "
     "marrow examination and by vitamin levels.", "leukemia", "agranulocytosis"),
    ("Pantoprazole caused the hypomagnesaemia. Alcohol misuse was not a factor.", "alcohol", "hypomagnesemia"),
    ("Baclofen caused the encephalopathy. Uraemia was an unlikely explanation with creatinine at its usual "
     "level.", "uremia", "encephalopathy"),
])
def test_denied_causes(extractor, text, subj, obj):
    claims = claims_with_rules(extractor, text)
    assert any(subj in s and p == "causes" and obj in o and n and r.endswith("+denied")
               for s, p, o, n, r in claims), claims
    assert not any(subj in s and obj in o and not n and r != "classifier" for s, p, o, n, r in claims), claims


def test_a_named_effect_is_no_denied_cause(extractor):
    # "the cause of Y" names the effect: the rules read it, no inference
    claims = claims_with_rules(extractor, "Vancomycin caused the acute kidney injury. Warfarin was not the cause of "
                                          "the bleeding.")
    assert not any(r.endswith("+denied") for s, p, o, n, r in claims), claims
    assert any("warfarin" in s and "hemorrhage" in o and n for s, p, o, n, r in claims), claims


def test_a_denied_contribution(extractor):
    claims = claims_with_rules(extractor, "Digoxin caused the complete heart block. Apixaban did not contribute.")
    assert any("apixaban" in s and "atrioventricular block" in o and n and r.endswith("+denied")
               for s, p, o, n, r in claims), claims


def test_the_patients_treatment_is_for_the_reports_event(extractor):
    claims = claims_with_rules(extractor, "Bleomycin caused pneumonitis with hypoxaemia. He responded to "
                                          "prednisolone once bleomycin was withdrawn.")
    assert any("prednisolone" in s and p == "treats" and "pneumonitis" in o and not n and r.endswith("+event")
               for s, p, o, n, r in claims), claims


@pytest.mark.parametrize("text", [
    "Vancomycin caused the acute kidney injury. She did not respond to furosemide.",          # no response
    "Vancomycin caused the acute kidney injury. She was treated with furosemide for edema.",  # named: the rules'
    "Vancomycin caused the acute kidney injury. She was managed with vancomycin levels.",     # the culprit
])
def test_no_patient_treatment_reading(extractor, text):
    claims = claims_with_rules(extractor, text)
    assert not any(r.endswith("+event") for s, p, o, n, r in claims), claims


@pytest.mark.parametrize("text, subj, hedged", [
    ("Vancomycin caused the acute kidney injury. Piperacillin-tazobactam may also have contributed.",
     "piperacillin", True),
    ("Bleomycin caused the pneumonitis. Cumulative dose, smoking and high inspired oxygen concentrations raise "
     "the risk.", "smoke", False),
    ("Bleomycin caused the pneumonitis. Filgrastim may have contributed, because G-CSF increases neutrophil "
     "influx, and smoking added to the risk.", "smoke", False),
])
def test_contributors_to_the_reports_event(extractor, text, subj, hedged):
    ex = extractor.from_document(Document(id="t", source="t.txt", text=text))
    label = {e.id: e.label.lower() for e in ex.entities}
    found = [c for c in ex.claims if subj in label[c.subject] and c.evidence[0].rule == "contributor+event"]
    assert found and found[0].predicate == "causes" and not found[0].negated and found[0].hedged == hedged, \
        [(label[c.subject], c.predicate, label[c.object], c.evidence[0].rule) for c in ex.claims]


def test_a_named_risk_is_no_contribution_to_the_event(extractor):
    claims = claims_with_rules(extractor, "Vancomycin caused the acute kidney injury. Contrast raises the risk of "
                                          "nephropathy.")
    assert not any(r == "contributor+event" for s, p, o, n, r in claims), claims


def test_a_denied_cause_is_no_contributor(extractor):
    # general risk factors, then the report denies one of them for this patient: the denial alone
    claims = claims_with_rules(extractor, "Isoniazid caused peripheral neuropathy. Malnutrition, alcohol use, "
                                          "diabetes, pregnancy and slow acetylator status all raise the risk. "
                                          "Diabetes did not cause the neuropathy, since his glucose was normal.")
    assert not any("diabetes" in s and not n for s, p, o, n, r in claims if r != "classifier"), claims
    assert any("malnutrition" in s and r == "contributor+event" for s, p, o, n, r in claims), claims


def test_a_cause_denied_by_coreference_is_no_contributor(extractor):
    # the denial is itself a coreference reading ("was not responsible"); it still wins
    claims = claims_with_rules(extractor, "Ceftriaxone caused intravascular hemolysis in this child. Azithromycin "
                                          "was not responsible. Azithromycin may have contributed.")
    assert not any("azithromycin" in s and not n and r == "contributor+event" for s, p, o, n, r in claims), claims


def test_every_denial_of_a_sentence_is_read(extractor):
    """Two clauses, two denials (only the first was read), and a denial after "does not X and"."""
    claims = claims_with_rules(extractor, "Nitrous oxide caused subacute combined degeneration. Copper deficiency "
                                          "was not responsible, since serum copper was normal, and spinal cord "
                                          "compression was excluded as a cause on imaging. Sevoflurane does not "
                                          "interact with cobalamin and was not implicated.")
    for subj in ("copper", "compression", "sevoflurane"):
        assert any(subj in s and n and r == "agent_noun+denied" for s, p, o, n, r in claims), (subj, claims)


def test_a_full_name_is_not_bridged_to_a_narrower_condition(extractor):
    """"the vitamin B12 deficiency" is that deficiency, not the subacute combined degeneration the
    report names (narrower in MeSH); "the swelling" may still stand for the report's angioedema."""
    claims = claims_with_rules(extractor, "Nitrous oxide caused subacute combined degeneration in a man whose "
                                          "vitamin B12 deficiency had gone unnoticed. Pernicious anaemia was the "
                                          "underlying cause of the vitamin B12 deficiency.")
    assert any("pernicious" in s and "deficiency" in o and r == "agent_noun" for s, p, o, n, r in claims), claims
    assert not any("pernicious" in s and "degeneration" in o for s, p, o, n, r in claims), claims


@pytest.mark.parametrize("text", [
    # excluded from something, and an unlikely explanation of a named effect: no differential set aside
    "Vancomycin caused the acute kidney injury. Diabetes was excluded from the analysis.",
    "Vancomycin caused the acute kidney injury. Uraemia was an unlikely explanation of the rash.",
])
def test_no_differential_read_where_none_is_set_aside(extractor, text):
    claims = claims_with_rules(extractor, text)
    assert not any(r.endswith("+denied") for s, p, o, n, r in claims), claims


def test_what_the_event_came_with_is_not_the_reports_event(extractor):
    # held-out report 19: the fibrosis bleomycin's pneumonitis came with is named more often, but the
    # contributors raise the risk of the pneumonitis, the report's event
    claims = claims_with_rules(extractor, (
        "Bleomycin pneumonitis with early fibrosis in a young smoker. Chest CT showed fibrosis in both lower "
        "lobes, and the fibrosis progressed over two weeks. Cumulative dose, smoking and high inspired oxygen "
        "concentrations raise the risk."))
    assert any(s == "bleomycin" and o == "fibrosis" for s, p, o, n, r in claims), claims
    assert any(s == "smoke" and o == "pneumonitis" and r == "contributor+event" for s, p, o, n, r in claims), claims
    assert not any(r == "contributor+event" and o == "fibrosis" for s, p, o, n, r in claims), claims


def test_a_risk_marker_is_associated_with_the_reports_event(extractor):
    """"carriage of X confers a ... higher risk": X (after "carriage of") is a risk marker of the event,
    associated with it, not its cause; each allele of "X or Y"."""
    claims = claims_with_rules(extractor, "Agranulocytosis developed seven weeks after starting carbimazole. In "
                                          "East Asian populations, carriage of HLA-B*38:02 or HLA-DRB1*08:03 "
                                          "confers a several-fold higher risk.")
    for allele in ("hla-b*38:02", "hla-drb1*08:03"):
        assert (allele, "associated_with", "agranulocytosis", False, "contributor+event") in claims, claims
    assert not any(s.startswith("hla") and p == "causes" for s, p, o, n, r in claims), claims


def test_the_head_word_of_the_reports_event_refers_to_it(extractor):
    """"the vasospasm" after "capecitabine caused coronary vasospasm": the event, by its name's head
    word, whatever concept "vasospasm" alone names (HP Vasospasm, no narrower-than link to MONDO's)."""
    claims = claims_with_rules(extractor, "Capecitabine caused coronary vasospasm, and the vasospasm caused "
                                          "myocardial ischemia.")
    assert ("coronary vasospasm", "causes", "myocardial ischemia", False, "active_verb+bridging") in claims, claims


def test_names_the_seed_curates_keep_their_reading_over_the_corpus_lexicon(extractor):
    """BC5CDR's subarachnoid haemorrhage abstracts ground "vasospasm" to intracranial vasospasm and
    "blood coagulation" to a disorder; the seed's readings (a vasospasm, the coagulation process) stand,
    with the corpus's MeSH id as an xref where the concept has none."""
    ex = extractor.from_document(Document(id="t", source="t.txt", text="Vasospasm followed, and heparin "
                                                                       "inhibits blood coagulation."))
    ids = {m.text.lower(): (e.id, e.type) for e in ex.entities for m in e.mentions}
    assert ids["vasospasm"][0] == "HP:0025637"
    assert ids["blood coagulation"][1] == "process"
