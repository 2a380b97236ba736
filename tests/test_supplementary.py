"""MeSH supplementary chemicals (kgbuild/supplementary.py): the research compounds, metabolites and
reagents abstracts name that the vocabulary leaves out, on sentences written for these tests."""
import pytest

from kgbuild.extract import Extractor
from kgbuild.model import Document
from kgbuild.pipeline import get_pipeline
from kgbuild.supplementary import SupplementaryChemicals
from kgbuild.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def nlp():
    return get_pipeline()


def _ents(nlp, text):
    return {e.text: (e.label_, e.kb_id_) for e in nlp(text).ents}


def test_research_compounds_get_their_supplementary_records(nlp):
    ents = _ents(nlp, "Rats given loreclezole or SKF-82958 were stained with cresyl violet.")
    assert ents["loreclezole"] == ("chemical", "MESH:C066440")
    assert ents["SKF-82958"] == ("chemical", "MESH:C071262")       # MeSH writes "SK&F 82958"
    assert ents["cresyl violet"] == ("chemical", "MESH:C028911")


def test_a_record_the_vocabulary_carries_takes_its_concept(nlp):
    """The vocabulary has 5,7-dichlorokynurenic acid (CHEBI:107660, xref MESH:C066192) but no name
    of it to match (systematic names are left out of its synonyms): the record's name finds it."""
    ents = _ents(nlp, "Seizures were blocked by 5,7-dichlorokynurenic acid in mice.")
    assert ents["5,7-dichlorokynurenic acid"][1] == "CHEBI:107660"


def test_a_name_inside_a_protein_name_is_no_chemical(nlp):
    ents = _ents(nlp, "Methotrexate inhibits dihydrofolate reductase.")
    assert "dihydrofolate" not in ents
    assert ents["Methotrexate"][0] == "drug"


def test_clinical_words_mesh_files_under_a_compound_keep_their_clinical_meaning(nlp):
    """MeSH lists "thiopurine" as a name of 2-mercaptopurine and 25-hydroxyvitamin D as a
    supplementary chemical; in reports they are a drug class and a laboratory test (seed)."""
    ents = _ents(nlp, "Her 25-hydroxyvitamin D was low, and the thiopurine dose was halved.")
    assert ents["25-hydroxyvitamin D"] == ("lab_marker", "MESH:C104450")
    assert ents["thiopurine"] == ("drug_class", "KGBUILD:thiopurines")


def test_the_vocabulary_knows_their_labels():
    vocab = Vocabulary.load()
    c = vocab.get("MESH:C071262")
    assert (c.label, c.type) == ("SK&F 82958", "chemical")
    assert vocab.get("MESH:C999999999") is None
    assert SupplementaryChemicals.load().names["loreclezole"] == "MESH:C066440"


def test_extraction_labels_and_switch(monkeypatch):
    ex = Extractor()
    text = "Tiazofurin was given with loreclezole."
    ents = {e.id: e.label for e in ex.from_document(Document(id="t", source="t.txt", text=text)).entities}
    assert ents == {"MESH:C033706": "tiazofurin", "MESH:C066440": "loreclezole"}
    monkeypatch.setenv("KGBUILD_SUPPLEMENTARY", "0")
    ents = {e.id for e in ex.from_document(Document(id="t", source="t.txt", text=text)).entities}
    assert not {"MESH:C033706", "MESH:C066440"} & ents


def test_a_longer_name_wins_over_the_anion_or_analyte_inside_it(nlp):
    """"retinyl acetate" and "tri-o-cresyl phosphate" are compounds of their own, not the acetates
    and the phosphate the dictionary finds in their last word; a drug's name stays the drug's."""
    ents = _ents(nlp, "Rats fed retinyl acetate or tri-o-cresyl phosphate; serum sodium fell after "
                      "potassium chloride and fluphenazine enanthate.")
    assert ents["retinyl acetate"] == ("chemical", "MESH:C009166")
    assert ents["tri-o-cresyl phosphate"] == ("chemical", "MESH:C025541")
    assert "acetate" not in ents and "phosphate" not in ents
    assert ents["serum sodium"][0] == "lab_marker"
    assert ents["potassium chloride"][0] == "drug"
    assert ents["fluphenazine"][0] == "drug"


def test_a_name_never_runs_across_a_list_separator(nlp):
    """"potassium, phosphate" are two analytes, not the supplementary record "potassium phosphate"."""
    ents = _ents(nlp, "Serum potassium, phosphate and calcium were low.")
    assert "MESH:C013216" not in {kb for _, kb in ents.values()}
