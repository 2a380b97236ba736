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


# Unseen (written for this test): the dictionary drops "ATP" after a number (its unit rule) and,
# as it never matches across a line break (a plain-text file wrapped at a fixed width), only
# "sarcoma" of the eponym; the model proposes both, grounded to the vocabulary.
SENTENCE = "Levels fell after 3 ATP infusions in a man with Kaposi\nsarcoma."


def test_adds_chemical_and_disease_the_dictionary_misses(nlp):
    with nlp.select_pipes(disable=["kgbuild_statistical_ner"]):
        dictionary_only = _ents(nlp(SENTENCE))
    combined = _ents(nlp(SENTENCE))
    assert dictionary_only == {("sarcoma", "disease", "MONDO:0005089")}
    assert ("ATP", "drug", "CHEBI:15422") in combined
    assert ("Kaposi\nsarcoma", "disease", "MONDO:0005055") in combined


def test_every_added_entity_has_a_curie(nlp):
    comp = nlp.get_pipe("kgbuild_statistical_ner")
    text = ("Levels fell after 3 ATP infusions in a man with Kaposi\nsarcoma. Two patients with "
            "Parkinson\ndisease and impaired glucose tolerance received levodopa; one had Raynaud\nphenomenon.")
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


def test_unlinked_disease_spans_keep_a_local_curie(nlp, monkeypatch):
    """Adverse events are often described rather than named: a model span no vocabulary name
    matches becomes an entity under KGBUILD:unlinked_<text> (curators link it later), unless
    switched off with KGBUILD_UNLINKED=0."""
    text = "Isoniazid causing breast tissue enlargement is rare."
    ents = _ents(nlp(text))
    assert ("breast tissue enlargement", "disease", "KGBUILD:unlinked_breast_tissue_enlargement") in ents
    monkeypatch.setenv("KGBUILD_UNLINKED", "0")
    assert not [e for e in _ents(nlp(text)) if "unlinked" in e[2]]


def test_unlinked_spans_are_filtered(nlp):
    """Stop words and names the corpus lexicon stopped never come back as unlinked entities; a
    chemical must look like a drug name."""
    from spacy.tokens import Span
    comp = nlp.get_pipe("kgbuild_statistical_ner")
    doc = nlp.make_doc("side effects alongside NSC-3053 and pirmenol , retinal vein 5")
    assert comp.unlinked(Span(doc, 0, 2, label="DISEASE")) is None            # stopped by the lexicon
    assert comp.unlinked(Span(doc, 2, 3, label="CHEMICAL")) is None           # no drug-name shape
    code = comp.unlinked(Span(doc, 3, 4, label="CHEMICAL"))
    assert code is not None and code.label_ == "chemical" and code.kb_id_ == "KGBUILD:unlinked_nsc_3053"
    assert comp.unlinked(Span(doc, 5, 6, label="CHEMICAL")).kb_id_ == "KGBUILD:unlinked_pirmenol"
    assert comp.unlinked(Span(doc, 7, 10, label="DISEASE")) is None           # ends in a number
