"""HLA alleles (kgbuild/hla.py) and the analytes case reports measure, on sentences written for
these tests: real pipeline, real vocabulary."""
import pytest

from kgbuild.hla import canonical_name
from kgbuild.pipeline import get_pipeline
from kgbuild.vocabulary import normalize_term


@pytest.fixture(scope="module")
def nlp():
    return get_pipeline()


def _ents(nlp, text):
    return {e.text: (e.label_, e.kb_id_) for e in nlp(text).ents}


def test_alleles_mesh_records_take_their_mesh_ids(nlp):
    """Two-field names and the pre-2010 four-digit spelling both ground to the MeSH record."""
    ents = _ents(nlp, "Screening for HLA-B*15:02 is advised before carbamazepine, and for HLA-B*5801 before "
                      "allopurinol.")
    assert ents["HLA-B*15:02"] == ("lab_marker", "MESH:C483536")
    assert ents["HLA-B*5801"] == ("lab_marker", "MESH:C500126")


def test_alleles_mesh_lacks_are_kept_under_a_local_id(nlp):
    """The tokenizer cuts "HLA-DRB1*08:03" apart; the allele is one mention all the same."""
    ents = _ents(nlp, "She carried HLA-B*38:02 and HLA-DRB1*08:03.")
    assert ents["HLA-B*38:02"] == ("lab_marker", "KGBUILD:hla-b-38-02")
    assert ents["HLA-DRB1*08:03"] == ("lab_marker", "KGBUILD:hla-drb1-08-03")


def test_canonical_allele_names():
    assert canonical_name("B", "5801") == "HLA-B*58:01"
    assert canonical_name("DRB1", "08:03") == "HLA-DRB1*08:03"
    assert canonical_name("A", "31:01:02") == "HLA-A*31:01:02"


def test_a_charge_is_a_word_of_its_own():
    assert normalize_term("Ca2+") == normalize_term("Ca(2+)") == normalize_term("Ca 2 +") == "ca 2 +"
    assert normalize_term("K+") == "k +"


@pytest.mark.parametrize("text, mention, curie", [
    ("Serum Ca2+ was 1.6 mmol/L.", "Ca2+", "LOINC:17861-6"),
    ("Her Mg2+ was 0.4 mmol/L.", "Mg2+", "LOINC:19123-9"),
    ("Intracellular Ca(2+) overload followed.", "Ca(2+", "LOINC:17861-6"),
    ("Intraplatelet cAMP rose.", "cAMP", "MESH:D000242"),
])
def test_ions_written_with_their_charge(nlp, text, mention, curie):
    assert _ents(nlp, text)[mention][1] == curie


def test_measured_vitamins_and_hormones_are_lab_markers_and_their_drugs_stay_drugs(nlp):
    """Reports measure folate, vitamin B12, PTH and homocysteine (LOINC analytes) and give folic acid
    and cyanocobalamin (the drugs, which keep their MeSH ids)."""
    ents = _ents(nlp, "Vitamin B12, folate, PTH, homocysteine and methylmalonic acid were measured; "
                      "cyanocobalamin and folic acid were given. The direct antiglobulin test was positive.")
    assert ents["Vitamin B12"] == ("lab_marker", "LOINC:2132-9")
    assert ents["folate"] == ("lab_marker", "LOINC:2284-8")
    assert ents["PTH"] == ("lab_marker", "LOINC:2731-8")
    assert ents["homocysteine"] == ("lab_marker", "LOINC:13965-9")
    assert ents["methylmalonic acid"][0] == "lab_marker"
    assert ents["direct antiglobulin test"] == ("lab_marker", "MESH:D003298")
    assert ents["cyanocobalamin"] == ("drug", "CHEBI:17439")
    assert ents["folic acid"] == ("drug", "CHEBI:27470")
