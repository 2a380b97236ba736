"""The statistical NER component (kgbuild/ner.py): loads, adds grounded entities the dictionary misses."""
import pytest

from kgbuild import ner
from kgbuild.pipeline import PIPE_NAMES, get_pipeline

pytestmark = pytest.mark.skipif(not ner.MODEL_DIR.exists(), reason="no trained model under kgbuild/data/ner")


@pytest.fixture(scope="module")
def nlp():
    return get_pipeline()


def _ents(doc):
    return {(e.text, e.label_, e.kb_id_) for e in doc.ents}


def test_component_in_pipeline_after_dictionary():
    assert PIPE_NAMES.index("kgbuild_statistical_ner") == PIPE_NAMES.index("kgbuild_vocabulary_matcher") + 1


def test_model_loads_and_predicts(nlp):
    comp = nlp.get_pipe("kgbuild_statistical_ner")
    assert comp.model is not None
    assert set(comp.model.labels) == {"CHEMICAL", "DISEASE"}
    doc = nlp.make_doc(SENTENCE)
    labels = {s.label_ for s in comp.predict(doc)}
    assert labels == {"CHEMICAL", "DISEASE"}


# Unseen (written for this test): the dictionary drops "ATP" after a number (its unit rule) and
# matches only "sarcoma" inside the eponym; the model proposes both, grounded to the vocabulary.
SENTENCE = "Levels fell after 3 ATP infusions in a man with Kaposi's sarcoma."


def test_adds_chemical_and_disease_the_dictionary_misses(nlp):
    with nlp.select_pipes(disable=["kgbuild_statistical_ner"]):
        dictionary_only = _ents(nlp(SENTENCE))
    combined = _ents(nlp(SENTENCE))
    assert dictionary_only == {("sarcoma", "disease", "MONDO:0005089")}
    assert ("ATP", "drug", "CHEBI:15422") in combined
    assert ("Kaposi's sarcoma", "disease", "MONDO:0005055") in combined


def test_every_added_entity_has_a_curie(nlp):
    comp = nlp.get_pipe("kgbuild_statistical_ner")
    text = ("Levels fell after 3 ATP infusions in a man with Kaposi's sarcoma. Two patients with "
            "Parkinson's disease and impaired glucose tolerance received levodopa; one had Raynaud's phenomenon.")
    with nlp.select_pipes(enable=["kgbuild_compound_splitter", "kgbuild_sentencizer", "kgbuild_vocabulary_matcher"]):
        doc = nlp(text)
    before = {(e.start, e.end, e.kb_id_) for e in doc.ents}
    doc = comp(doc)
    added = [e for e in doc.ents if (e.start, e.end, e.kb_id_) not in before]
    assert len(added) >= 3
    for e in added:
        assert e.kb_id_ and ":" in e.kb_id_
        assert comp.vocabulary.get(e.kb_id_) is not None


def test_can_be_switched_off(nlp, monkeypatch):
    monkeypatch.setenv("KGBUILD_STATISTICAL_NER", "0")
    comp = ner.StatisticalNER(nlp, "off", vocabulary=nlp.get_pipe("kgbuild_statistical_ner").vocabulary)
    assert comp.model is None
    doc = nlp.make_doc(SENTENCE)
    assert comp(doc) is doc and not doc.ents
