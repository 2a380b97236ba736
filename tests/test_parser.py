"""The tagger + dependency parser component (kgbuild/parser.py): the shipped model loads through the
``kgbuild_parser`` factory, parses biomedical prose plausibly and keeps the sentence boundaries
that kgbuild_sentencizer set before it."""
import json
import warnings
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from kgbuild import parser, sentences, tokenization  # noqa: F401  (register the components)

CASES = Path(__file__).resolve().parents[1] / "corpus" / "cases.json"


def _pipeline(with_parser: bool = True):
    from scispacy.custom_tokenizer import combined_rule_tokenizer
    nlp = spacy.blank("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("kgbuild_compound_splitter")
    nlp.add_pipe("kgbuild_sentencizer")
    if with_parser:
        nlp.add_pipe("kgbuild_parser", after="kgbuild_sentencizer")
    return nlp


@pytest.fixture(scope="module")
def nlp():
    return _pipeline()


def _tok(doc, text):
    found = [t for t in doc if t.text == text]
    assert len(found) == 1, (text, [t.text for t in doc])
    return found[0]


def test_shipped_model_loads_through_the_factory(nlp):
    comp = nlp.get_pipe("kgbuild_parser")
    assert comp.model is not None, "no trained model under kgbuild/data/parser"
    assert {"nsubj", "nsubjpass", "dobj", "nmod", "amod", "neg"} <= set(comp.model.get_pipe("parser").labels)
    assert {"NN", "NNS", "VBD", "VBN", "IN", "JJ"} <= set(comp.model.get_pipe("tagger").labels)
    size = sum(f.stat().st_size for f in (parser.PARSER_DIR / "model").rglob("*") if f.is_file())
    assert size < 10_000_000
    meta = json.loads((parser.PARSER_DIR / "meta.json").read_text())
    assert meta["scores"]["genia_test"]["dep_las"] > 0.8


# Written for these tests (not from a treebank).
def test_active_sentence_subject_is_the_drug(nlp):
    doc = nlp("Carbamazepine caused severe hyponatremia in an elderly woman.")
    verb = _tok(doc, "caused")
    assert verb.dep_ == "ROOT" and verb.tag_ == "VBD"
    assert _tok(doc, "Carbamazepine").head == verb and _tok(doc, "Carbamazepine").dep_ == "nsubj"
    assert _tok(doc, "hyponatremia").head == verb and _tok(doc, "hyponatremia").dep_ == "dobj"
    assert _tok(doc, "severe").head == _tok(doc, "hyponatremia")
    assert _tok(doc, "elderly").head == _tok(doc, "woman")


def test_passive_sentence(nlp):
    doc = nlp("The patient was treated with intravenous methylprednisolone and did not improve.")
    verb = _tok(doc, "treated")
    assert verb.dep_ == "ROOT" and verb.tag_ == "VBN"
    assert (_tok(doc, "patient").head, _tok(doc, "patient").dep_) == (verb, "nsubjpass")
    assert (_tok(doc, "was").head, _tok(doc, "was").dep_) == (verb, "auxpass")
    drug = _tok(doc, "methylprednisolone")
    assert drug.head == verb and drug.dep_ == "nmod" and _tok(doc, "with").head == drug
    assert (_tok(doc, "improve").head, _tok(doc, "improve").dep_) == (verb, "conj")
    assert _tok(doc, "not").dep_ == "neg"


def test_split_compound_is_parsed(nlp):
    # kgbuild_compound_splitter splits "Heparin-induced"; every piece gets a labelled head
    doc = nlp("Heparin-induced thrombocytopenia developed after cardiac surgery.")
    assert [t.text for t in doc][:3] == ["Heparin", "-", "induced"]
    assert all(t.dep_ for t in doc)
    # the pieces stay one modifier of the condition, and the rest of the sentence hangs together
    assert _tok(doc, "Heparin").head == _tok(doc, "induced")
    assert _tok(doc, "induced").head == _tok(doc, "thrombocytopenia")
    assert _tok(doc, "surgery").head == _tok(doc, "developed")


def _check_sentences(doc, expected_starts):
    assert [t.i for t in doc if t.is_sent_start] == expected_starts
    for sent in doc.sents:
        assert sum(t.head == t for t in sent) == 1
        assert all(sent.start <= t.head.i < sent.end for t in sent)


def test_keeps_preset_sentence_starts(nlp):
    comp = nlp.get_pipe("kgbuild_parser")
    # boundaries the parser would never choose: mid-sentence, before "and" and "to"
    words = "The patient received heparin and developed thrombocytopenia that responded to argatroban .".split()
    doc = Doc(nlp.vocab, words=words, sent_starts=[i in (0, 4, 9) for i in range(len(words))])
    doc = comp(doc)
    _check_sentences(doc, [0, 4, 9])
    assert doc.has_annotation("DEP")


def test_keeps_the_sentencizer_boundaries_on_the_corpus(nlp):
    texts = [c["text"] for c in json.loads(CASES.read_text())["cases"]]
    plain = _pipeline(with_parser=False)
    expected = [[t.i for t in d if t.is_sent_start] for d in plain.pipe(texts)]
    parsed = list(nlp.pipe(texts))
    assert sum(len(e) for e in expected) > 500
    for doc, starts in zip(parsed, expected):
        _check_sentences(doc, starts)
        assert all(t.dep_ for t in doc if not t.is_space)


def test_switch_off(monkeypatch):
    monkeypatch.setenv("KGBUILD_PARSER", "0")
    nlp = _pipeline()
    assert nlp.get_pipe("kgbuild_parser").model is None
    assert not nlp("Aspirin caused bleeding.").has_annotation("DEP")
