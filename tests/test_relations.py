"""The trained relation classifier (kgbuild/relations.py): what it adds to the rules, what it must
never add, where it stays off, and the dependency-path features it can be trained with."""
from __future__ import annotations

import pytest

from kgbuild import relations
from kgbuild.extract import Extractor
from kgbuild.model import Document


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def claims_of(extractor, text):
    ex = extractor.from_document(Document(id="t", source="t.txt", text=text))
    label = {e.id: e.label.lower() for e in ex.entities}
    return [(label[c.subject], c.predicate, label[c.object], c.negated, c.confidence, c.evidence[0].rule)
            for c in ex.claims]


def test_the_shipped_model_loads_with_its_calibration():
    model = relations.RelationModel.load()
    assert model.dim == len(model.weights) and model.dim & (model.dim - 1) == 0
    assert 0 < model.thresholds["same_sentence"] < 1 and model.thresholds["long_document"] is None
    assert 0.0 < model.probability(["ord:CD", "bw:induced"]) < 1.0


def test_a_sentence_given_alone_has_its_own_threshold():
    """A pair in a one-sentence input (ADE's), in a sentence of an abstract, across sentences, in a
    long report: four thresholds, tuned on the corpora of each kind."""
    model = relations.RelationModel.load()
    t = model.thresholds
    m = relations.Mention(0, 1, "a", "drug", 0)
    same = relations.Candidate("a", "drug", "b", "disease", [], True, (m, m))
    cross = relations.Candidate("a", "drug", "b", "disease", [], False, (m, m))
    assert model.threshold(same, single_sentence=True) == t["single_sentence"]
    assert model.threshold(same) == t["same_sentence"] and model.threshold(cross) == t["cross_sentence"]
    assert model.threshold(same, long_document=True) is None


@pytest.mark.parametrize("text, subj, obj", [
    # case-report titles that name the drug and the event with no causal verb
    ("Stevens-Johnson syndrome in a woman taking lamotrigine.", "lamotrigine", "stevens-johnson"),
    ("Acute interstitial nephritis in a patient receiving omeprazole.", "omeprazole", "interstitial nephritis"),
    # a therapeutic cytokine as the drug
    ("Myasthenia gravis during low-dose IFN-alpha therapy for chronic hepatitis C.", "interferon", "myasthenia"),
])
def test_adds_the_adverse_event_the_rules_miss(extractor, text, subj, obj):
    found = [c for c in claims_of(extractor, text) if subj in c[0] and obj in c[2]]
    assert found, claims_of(extractor, text)
    s, pred, o, negated, confidence, rule = found[0]
    assert (pred, negated, rule) == ("causes", False, "classifier") and 0.2 <= confidence < 1.0


def test_never_turns_an_indication_into_an_adverse_event(extractor):
    claims = claims_of(extractor, "Myasthenia gravis during low-dose IFN-alpha therapy for chronic hepatitis C.")
    assert not [c for c in claims if "hepatitis c" in c[2] and not c[3]], claims


def test_a_negated_event_is_never_a_positive_claim(extractor):
    claims = claims_of(extractor, "No hepatotoxicity was observed during isoniazid therapy.")
    assert claims and all(c[3] for c in claims if "isoniazid" in c[0]), claims


def test_stays_off_in_long_reports(extractor):
    # more sentences than any training document: only the rules speak
    filler = " ".join(f"On day {k} the patient was stable." for k in range(relations.MAX_CROSS_SENTENCES + 2))
    claims = claims_of(extractor, "Stevens-Johnson syndrome in a woman taking lamotrigine. " + filler)
    assert not [c for c in claims if c[5] == "classifier"], claims


def test_switch_off(monkeypatch):
    monkeypatch.setenv("KGBUILD_RELATION_CLASSIFIER", "0")
    assert relations.RelationClassifier(None, "x").model is None


def test_dependency_path_features():
    from kgbuild.parser import PARSER_DIR, load_model
    from kgbuild.pipeline import get_pipeline
    nlp = get_pipeline()
    with nlp.select_pipes(disable=["kgbuild_relations"]):
        doc = nlp("Carbamazepine caused severe hyponatremia in an elderly woman.")
    assert not doc.has_annotation("DEP")
    without = relations.candidates(doc)
    relations.parse(doc, load_model(nlp.vocab, PARSER_DIR))
    sents = [s.start for s in doc.sents]
    assert doc.has_annotation("DEP") and sents == [0]
    feats = relations.candidates(doc)[0].features
    path = [f for f in feats if f.startswith(("p:", "p_top:", "p_chem_dep:", "p_cond_dep:"))]
    assert {"p:nsubj|dobj", "p_top:caused", "p_chem_dep:nsubj", "p_cond_dep:dobj"} <= set(path), path
    assert not any(f.startswith(("p:", "p_top:")) for f in without[0].features)


@pytest.mark.parametrize("text, drug, disease, effect", [
    ("A 45-year-old man with CML on imatinib treatment presented with herpetic rash and acute liver failure.",
     "imatinib", "myeloid", "liver failure"),
    ("A 52 year-old male patient diagnosed of ankylosing spondylitis presented with an iron deficiency anemia "
     "after a ten-month treatment of methotrexate.", "methotrexate", "spondylitis", "anemia"),
])
def test_the_patients_disease_is_no_effect_of_the_drug(extractor, text, drug, disease, effect):
    """'a man with CML', 'diagnosed of ankylosing spondylitis': what the patient has (or the drug's
    indication) is not caused by the drug; the adverse event in the same sentence still is."""
    claims = claims_of(extractor, text)
    assert not [c for c in claims if drug in c[0] and disease in c[2] and not c[3]], claims
    assert [c for c in claims if drug in c[0] and effect in c[2] and not c[3]], claims


def test_a_patients_listed_conditions_are_not_effects():
    """'a 79-year-old man with A, B, C and D' lists what the patient has (the classifier scored the
    later items of such lists as caused); 'an infant with X born to a woman treated with Y' does not."""
    from kgbuild.pipeline import get_pipeline
    from kgbuild.relations import DocIndex, _patient_condition
    nlp = get_pipeline()
    doc = nlp("A 79-year-old man with ischemic heart disease, chronic atrial fibrillation, hypothyroidism "
              "and gout was given colchicine and developed rhabdomyolysis.")
    ix = DocIndex(doc)
    flagged = {doc[m.start:m.end].text: _patient_condition(doc, m) for m in ix.mentions if m.type in ("disease", "adverse_event")}
    assert flagged["atrial fibrillation"] and flagged["hypothyroidism"] and flagged["gout"]
    assert not flagged["rhabdomyolysis"]
    doc = nlp("An infant girl with choanal atresia and athelia was born to a woman treated with methimazole.")
    assert not any(_patient_condition(doc, m) for m in DocIndex(doc).mentions)


def test_a_condition_whose_cause_its_sentence_names_gets_no_cross_sentence_drug(extractor):
    # the rules read "hyponatremia caused cerebral edema"; carbamazepine, two sentences before, is the
    # cause of the hyponatremia, not (by the classifier) of the edema or of what the edema explains
    claims = claims_of(extractor, (
        "A 78-year-old woman was given carbamazepine for trigeminal neuralgia. Six weeks later she was "
        "confused. Hyponatremia caused cerebral edema, which explains the confusion and the seizure."))
    assert any(c[0] == "hyponatremia" and c[1] == "causes" and "edema" in c[2] for c in claims), claims
    assert not any(c[0] == "carbamazepine" and c[5] == "classifier" and ("edema" in c[2] or "confusion" in c[2])
                   for c in claims), claims


def test_a_condition_raising_a_drugs_toxicity_is_no_effect_of_it(extractor):
    # held-out report 18: the classifier read "digoxin causes renal impairment" off this sentence
    claims = claims_of(extractor, "Hypokalemia and renal impairment increase the toxicity of digoxin.")
    assert not any(c[0] == "digoxin" and not c[3] for c in claims), claims
