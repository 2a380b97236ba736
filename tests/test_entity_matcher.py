"""The dictionary matcher (kgbuild/entity_matcher.py) on sentences written for these tests."""
import pytest

from kgbuild.pipeline import get_pipeline


@pytest.fixture(scope="module")
def nlp():
    return get_pipeline()


def _dictionary_ents(nlp, text):
    with nlp.select_pipes(disable=["kgbuild_statistical_ner"]):
        doc = nlp(text)
    return {e.text: (e.label_, e.kb_id_) for e in doc.ents}


def test_conditions_named_with_a_word_of_change(nlp):
    """'Increased libido' and 'low back pain' are conditions of their own (they were lost when no
    term could start with a word of change)."""
    ents = _dictionary_ents(nlp, "After sertraline she reported increased libido and low back pain.")
    assert ents["increased libido"] == ("disease", "HP:0046503")
    assert ents["low back pain"][0] == "disease"


def test_change_of_an_analyte_stays_a_lab_marker(nlp):
    """'increased serum creatinine', 'low platelet count': the analyte is the entity, the word of
    change stays for the claim rules."""
    ents = _dictionary_ents(nlp, "Cisplatin led to increased serum creatinine and a low platelet count.")
    assert ents["serum creatinine"][0] == "lab_marker"
    assert ents["platelet count"][0] == "lab_marker"
    assert not [t for t in ents if t.split()[0] in ("increased", "low")]


@pytest.mark.parametrize("text, parts", [
    ("ifosfamide/mesna", ["ifosfamide", "/", "mesna"]),
    ("IL-6/IL-10", ["IL-6", "/", "IL-10"]),
    ("5-FU/leucovorin-induced", ["5-FU", "/", "leucovorin", "-", "induced"]),
    ("heparin-induced", ["heparin", "-", "induced"]), ("Avastin-injections", ["Avastin", "-", "injections"]),
    ("mg/kg", ["mg/kg"]), ("mmol/L", ["mmol/L"]), ("and/or", ["and/or"]), ("1/2", ["1/2"]),
    ("[3H]spiperone", ["[3H]", "spiperone"]), ("[(3)H]saxitoxin", ["[(3)H]", "saxitoxin"]),
    ("L-[3H]nicotine", ["L-[3H]", "nicotine"]), ("[Ca2+]i", ["[Ca2+]i"])])
def test_compound_parts(text, parts):
    from kgbuild.tokenization import compound_parts
    assert compound_parts(text) == parts


def test_drugs_joined_by_a_hyphen_and_a_drug_before_a_participle(nlp):
    """scispaCy keeps "levomepromazine-fluvoxamine" and "halothane-anesthetized" whole, which hid
    the drugs; a combination the vocabulary names stays one concept, and a participle the claim
    rules read as a verb stays joined ("ritonavir-boosted" would make "boosted" a clause's verb)."""
    ents = _dictionary_ents(nlp, "Seizures after levomepromazine-fluvoxamine in methadone-maintained "
                                 "patients and halothane-anesthetized dogs given amoxicillin-clavulanate.")
    for drug in ("levomepromazine", "fluvoxamine", "methadone", "halothane"):
        assert ents[drug][0] == "drug", drug
    assert ents["amoxicillin-clavulanate"][0] == "drug"
    splitter = nlp.get_pipe("kgbuild_compound_splitter")
    assert splitter.agent_parts("ritonavir-boosted") is None
    assert splitter.agent_parts("IL-6") is None and splitter.agent_parts("T-cell") is None
    assert splitter.agent_parts("Amiodarone-warfarin") == ["Amiodarone", "-", "warfarin"]


def test_drugs_joined_by_a_slash(nlp):
    """Each drug of 'sulfamethoxazole/trimethoprim' or 'ifosfamide/mesna' is found (the slash-joined
    token hid both); a combination named with a slash stays one concept."""
    ents = _dictionary_ents(nlp, "She took ifosfamide/mesna, then sulfamethoxazole/trimethoprim and "
                                 "piperacillin/tazobactam at 4 mg/kg.")
    assert {"ifosfamide", "mesna", "sulfamethoxazole", "trimethoprim"} <= set(ents)
    assert ents["piperacillin/tazobactam"][0] == "drug"
    doc = nlp("Generalized erythema developed after paclitaxel/carboplatin.")
    assert [t.text for t in doc][4:7] == ["paclitaxel", "/", "carboplatin"]
    assert doc.text == "Generalized erythema developed after paclitaxel/carboplatin."


def test_nausea_and_vomiting_are_two_findings(nlp):
    ents = _dictionary_ents(nlp, "She had nausea and vomiting after cisplatin.")
    assert ents["nausea"][0] == "disease" and ents["vomiting"][0] == "disease"
    assert "nausea and vomiting" not in ents


def test_predicated_adjective_names_its_condition(nlp):
    """'became lethargic', 'was hypokalemic': the condition; an adjective before a noun is left alone."""
    ents = _dictionary_ents(nlp, "After lithium he became lethargic and hypokalemic; she was stuporous.")
    assert ents["lethargic"][1] == "MESH:D053609" and ents["stuporous"][0] == "disease"
    assert ents["hypokalemic"][0] == "disease"
    ents = _dictionary_ents(nlp, "Ophthalmic Graves disease followed an ischemic event.")
    assert "Ophthalmic" not in ents and "ischemic" not in ents


def test_adjective_nouns():
    from kgbuild.entity_matcher import adjective_nouns
    assert adjective_nouns("psychotic")[0] == "psychosis"
    assert "lethargy" in adjective_nouns("lethargic") and "hypoxia" in adjective_nouns("hypoxic")
    assert adjective_nouns("hypotensive") == ["hypotension"] and adjective_nouns("edematous") == ["edema"]


def test_organ_toxicities_are_conditions_of_the_organ(nlp):
    """'renal or hepatic toxicity' is kidney and liver disease, not the generic drug toxicity that
    'toxicity' alone means; each organ of a coordination gets its own mention."""
    from kgbuild.vocabulary import load
    vocab = load()
    doc = nlp("Cisplatin caused haematological, renal and gastrointestinal toxicities but no pulmonary toxicity.")
    mesh = {e.text: {x for x in vocab.get(e.kb_id_).ids if x.startswith("MESH:")} for e in doc.ents}
    assert mesh["haematological"] == {"MESH:D006402"}
    assert "MESH:D007674" in mesh["renal"]
    assert mesh["gastrointestinal toxicities"] == {"MESH:D005767"}
    assert mesh["pulmonary toxicity"] == {"MESH:D008171"}
    plain = {e.text: e.kb_id_ for e in nlp("The toxicity was mild and the dose-limiting toxicity was absent.").ents}
    assert plain["toxicity"] == vocab.lookup("toxicity")[0].curie


def test_a_split_possessive_still_matches(nlp):
    """The tokenizer splits "Ringer" "'s"; the vocabulary's names drop the possessive, so the matcher
    must too ("lactated Ringer's solution" was matched as "lactated Ringer" only)."""
    ents = _dictionary_ents(nlp, "She received lactated Ringer's solution for Crohn's disease.")
    assert ents["lactated Ringer's solution"] == ("drug", "MESH:D000077325"), ents
    assert "Crohn's disease" in ents, ents


def test_case_report_wordings_of_common_findings(nlp):
    ents = _dictionary_ents(nlp, "Faecal calprotectin was high; alcohol misuse was denied.")
    assert ents["Faecal calprotectin"] == ("lab_marker", "MESH:D019200"), ents
    assert ents["alcohol misuse"] == ("disease", "MONDO:0002046"), ents


def test_predicated_y_adjectives_and_the_coma_scale(nlp):
    ents = _dictionary_ents(nlp, "He became drowsy after the dose increase and felt dizzy; his GCS was 6.")
    assert ents["drowsy"] == ("disease", "HP:0002329"), ents
    assert ents["dizzy"][0] == "disease", ents
    assert ents["GCS"] == ("lab_marker", "MESH:D015600"), ents
    # only predicated, and only a condition: "the therapy" stays no concept
    assert "therapy" not in _dictionary_ents(nlp, "The therapy was stopped.")


def test_a_radiolabelled_compound_is_the_compound(nlp):
    ents = {e.text: e.kb_id_ for e in nlp("Binding of [3H]spiperone and [(3)H]saxitoxin was measured.").ents}
    assert ents["spiperone"] == "CHEBI:9233" and ents["saxitoxin"] == "CHEBI:34970"


def test_depressed_names_a_mood_only_of_a_person(nlp):
    """"depressed cardiac function", "was depressed by 50%": lowered, no depression (dictionary and
    statistical NER alike); "depressed patients", "she became depressed": the mood."""
    def depressions(text):
        return [e.text for e in nlp(text).ents if e.kb_id_ == "MONDO:0002050"]
    assert depressions("Left ventricular performance was significantly depressed in these mice, and "
                       "cholinesterase levels were severely depressed, with depressed cardiac function.") == []
    assert depressions("Hypomania occurred in three depressed patients.") == ["depressed"]
    assert depressions("She became depressed after interferon.") == ["depressed"]
    ents = {e.text: e.kb_id_ for e in nlp("An infant with a depressed level of consciousness after ibuprofen.").ents}
    assert ents["depressed level of consciousness"] == "HP:0004372"


def test_birth_weight_is_a_measure_not_a_condition(nlp):
    """MeSH files Birth Weight under Signs and Symptoms too; the seed drops it like Body Weight. A low
    birth weight is HP's condition."""
    ents = {e.text: e.kb_id_ for e in nlp("The birth weight was 3.2 kg. Low birth weight infants were exposed to "
                                          "cocaine.").ents}
    assert "birth weight" not in ents and ents["Low birth weight"] == "HP:0001518"


def test_six_letter_adjectives_and_common_short_forms(nlp):
    """"became lethargic and apneic": a predicated six-letter adjective names its condition too
    (apnea); VOD and MPGN are the usual short forms; "elevated hepatic enzymes" a wording of HP's."""
    ents = {e.text: (e.label_, e.kb_id_) for e in nlp("An infant became lethargic and apneic after brimonidine. VOD "
                                                      "and MPGN followed, with elevated hepatic enzymes.").ents}
    assert ents["apneic"][1] == "MESH:D001049"
    assert ents["VOD"][1] == "MONDO:0019514" and ents["MPGN"][1] == "MONDO:0002461"
    assert ents["elevated hepatic enzymes"][1] == "HP:0002910"


def test_hcq_and_licorice(nlp):
    ents = {e.text: e.kb_id_ for e in nlp("Hypokalemia induced by licorice; a rash in response to HCQ.").ents}
    assert ents["licorice"] == "CHEBI:15939" and ents["HCQ"] == "CHEBI:5801"


def test_vision_loss_and_electrolyte_disturbances(nlp):
    ents = {e.text: e.kb_id_ for e in nlp("Vision loss and electrolyte disturbances followed.").ents}
    assert ents["Vision loss"] == "HP:0000572" and ents["electrolyte disturbances"] == "MESH:D014883"


def test_common_findings_the_ambiguity_rule_had_dropped(nlp):
    ents = {e.text: e.kb_id_ for e in nlp("Sleep disturbances and sensorineural deafness developed.").ents}
    assert ents["Sleep disturbances"] == "HP:0002360" and ents["sensorineural deafness"] == "MESH:D006319"


def test_common_drug_short_forms_and_brands(nlp):
    """MMF is mycophenolate mofetil in clinical text (MONDO's macrophagic myofasciitis had it)."""
    ents = {e.text: e.kb_id_ for e in nlp("He received MMF, then BCG, 2-CdA, SASP, Ritalin and Pentasa.").ents}
    assert ents["MMF"] == "CHEBI:8764" and ents["BCG"] == "MESH:D001500" and ents["2-CdA"] == "CHEBI:567361"
    assert ents["SASP"] == "CHEBI:9334" and ents["Ritalin"] == "CHEBI:6887" and ents["Pentasa"] == "CHEBI:6775"


def test_gold_is_the_drug_only_in_a_drugs_context(nlp):
    def golds(text):
        return [e.text for e in nlp(text).ents if e.kb_id_ == "MESH:D017612"]
    assert golds("Biopsy remains the gold standard, and gold medals were won.") == []
    assert golds("Gold nephropathy and gold-induced neuropathy followed therapy with gold for arthritis.") == \
        ["Gold", "gold", "gold"]
