"""The fuzzy entity linker (kgbuild/linking.py): a scispaCy-layout index over a small vocabulary,
built in a temporary directory, linking names the dictionary misses, family constraints, the
KGBUILD_LINKER switch and the hook in the statistical NER."""
import json

import pytest

pytest.importorskip("nmslib")
pytest.importorskip("sklearn")

from kgbuild import linking, ner  # noqa: E402
from kgbuild.vocabulary import Concept, Vocabulary  # noqa: E402

CONCEPTS = [
    Concept("MONDO:0002492", "disease", "Acute Kidney Injury", ["acute kidney injury", "acute renal failure", "AKI"],
            ["MESH:D058186"], ("AKI",)),
    Concept("MONDO:0002049", "disease", "thrombocytopenia", ["thrombocytopenia", "low platelet count"], []),
    Concept("MONDO:0005044", "disease", "Hypertension", ["hypertension", "high blood pressure"], []),
    Concept("KGBUILD:nephrotoxicity", "disease", "Nephrotoxicity", ["nephrotoxicity"], []),
    Concept("MONDO:0005359", "disease", "drug-induced liver injury", ["hepatotoxicity", "drug-induced liver injury"], []),
    Concept("CHEBI:2663", "drug", "Amiodarone", ["amiodarone"], []),
    Concept("CHEBI:4031", "drug", "Cyclosporine", ["cyclosporine", "ciclosporin"], []),
    Concept("CHEBI:28304", "drug", "Heparin", ["heparin"], []),
    Concept("HGNC:6018", "cytokine", "Interleukin-6", ["interleukin 6", "IL-6"], [], ("IL-6",)),
    # a drug whose name is closest to the disease misspelling below: the family filter must skip it
    Concept("CHEBI:99999", "drug", "thrombocytopenol", ["thrombocytopenol"], []),
    Concept("GO:0006954", "process", "inflammatory response", ["inflammatory response"], []),
]


@pytest.fixture(scope="module")
def linker(tmp_path_factory):
    vocab = Vocabulary(list(CONCEPTS))
    d = tmp_path_factory.mktemp("linker")
    meta = linking.build_index(d, linking.kb_entities(vocab), hnsw={"M": 8, "efConstruction": 50, "post": 0},
                                  min_df=1)
    return linking.Linker(d, vocab), d, meta


def test_index_has_scispacy_layout(linker):
    from scispacy.candidate_generation import LinkerPaths
    _, d, meta = linker
    paths = LinkerPaths.from_directory(d)
    assert paths.is_locally_cached()
    aliases = json.loads((d / "concept_aliases.json").read_text())
    # case-sensitive short forms (AKI, IL-6) and the process are not in the knowledge base
    assert "aki" not in aliases and "il 6" not in aliases and "inflammatory response" not in aliases
    assert "acute renal failure" in aliases and meta["aliases"] == len(aliases)
    import numpy
    import scipy.sparse
    vectors = scipy.sparse.load_npz(d / "tfidf_vectors_sparse.npz")
    assert vectors.dtype == numpy.float32 and vectors.shape[0] == len(aliases)


def test_scispacy_candidate_generator_loads_it(linker):
    from scispacy.candidate_generation import CandidateGenerator, LinkerPaths
    _, d, _ = linker
    aliases, vectorizer, ann = LinkerPaths.from_directory(d).load()
    kb = linking.KgbuildKnowledgeBase(str(d / "kb.jsonl"))
    assert kb.cui_to_entity["MONDO:0002492"].canonical_name == "Acute Kidney Injury"
    gen = CandidateGenerator(ann_index=ann, tfidf_vectorizer=vectorizer, ann_concept_aliases_list=aliases, kb=kb)
    cands = gen(["acute kidney injry"], 5)[0]
    best = max(cands, key=lambda c: max(c.similarities))
    assert best.concept_id == "MONDO:0002492"


def test_links_misspelled_and_variant_names_the_dictionary_misses(linker):
    lk, _, _ = linker
    vocab = lk.vocabulary
    for text, curie in (("acute kidney injry", "MONDO:0002492"), ("thrombocytopaenia", "MONDO:0002049"),
                        ("hypertenson", "MONDO:0005044"), ("amiodarone", "CHEBI:2663")):
        if text != "amiodarone":
            assert vocab.lookup(text) == []          # the dictionary misses it
        hit = lk.link_many([text], [None], min_score=0.7)[0]
        assert hit is not None and hit[0].curie == curie, (text, hit)
        assert 0.7 <= hit[1] <= 1.0


def test_threshold_and_unrelated_text(linker):
    lk, _, _ = linker
    assert lk.link_many(["acute kidney injry"], None, min_score=0.99) == [None]
    assert lk.link_many(["the patient went home"], None, min_score=0.5) == [None]


def test_family_constraint(linker):
    lk, _, _ = linker
    # nearest name overall is the drug "thrombocytopenol"; as a disease it is thrombocytopenia
    any_type = lk.candidates(["thrombocytopenol"], None)[0]
    assert any_type[0][0].curie == "CHEBI:99999"
    disease = lk.link_many(["thrombocytopenol"], [ner.FAMILIES["DISEASE"]], min_score=0.3)[0]
    assert disease is not None and disease[0].type == "disease" and disease[0].curie == "MONDO:0002049"
    chem = lk.link_many(["acute kidney injry"], [ner.FAMILIES["CHEMICAL"]], min_score=0.6)[0]
    assert chem is None


def test_mention_extended_by_a_more_specific_name_is_not_linked(linker):
    lk, _, _ = linker
    # "toxicity" is inside "nephrotoxicity": a more specific name than the text says
    assert all(c.curie != "KGBUILD:nephrotoxicity" for c, _, _ in lk.candidates(["toxicity"], None)[0])


def test_enabled_switch(monkeypatch):
    monkeypatch.setenv("KGBUILD_LINKER", "0")
    assert not linking.enabled()
    monkeypatch.setenv("KGBUILD_LINKER", "1")
    assert linking.enabled()
    monkeypatch.delenv("KGBUILD_LINKER")
    assert linking.enabled() is linking.DEFAULT_ON


def test_index_dir_is_keyed_by_vocabulary(tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_CACHE_DIR", str(tmp_path))
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text("curie\ttype\tlabel\tsynonyms\txrefs\nX:1\tdisease\tfoo\tfoo\t\n")
    b.write_text("curie\ttype\tlabel\tsynonyms\txrefs\nX:1\tdisease\tbar\tbar\t\n")
    assert linking.index_dir(a) != linking.index_dir(b)
    assert linking.index_dir(a).parent == tmp_path


def test_statistical_ner_falls_back_to_the_linker(linker, monkeypatch):
    """ner.StatisticalNER.merge: an ungrounded DISEASE proposal is linked when KGBUILD_LINKER=1,
    left out when it is 0."""
    import spacy
    from spacy.tokens import Span
    lk, _, _ = linker
    monkeypatch.setattr(linking, "_LINKER", lk)
    nlp = spacy.blank("en")
    comp = ner.StatisticalNER.__new__(ner.StatisticalNER)
    comp.vocabulary = lk.vocabulary
    comp.model = None

    def run():
        doc = nlp("She developed acute kidney injry after amiodarone .")
        return comp.merge(doc, [Span(doc, 2, 5, label="DISEASE")])

    monkeypatch.setenv("KGBUILD_LINKER", "0")
    monkeypatch.setenv("KGBUILD_UNLINKED", "0")
    assert list(run().ents) == []
    monkeypatch.setenv("KGBUILD_UNLINKED", "1")      # without the linker: kept under a local CURIE
    assert [(e.text, e.kb_id_) for e in run().ents] == [("acute kidney injry", "KGBUILD:unlinked_acute_kidney_injry")]
    monkeypatch.setenv("KGBUILD_LINKER", "1")
    doc = run()
    assert [(e.text, e.kb_id_, e.label_) for e in doc.ents] == [("acute kidney injry", "MONDO:0002492", "disease")]
    assert doc.user_data["kgbuild_linked"][(14, 32)] >= linking.THRESHOLD
