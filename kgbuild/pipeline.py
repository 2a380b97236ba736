"""The spaCy pipeline: scispaCy tokenizer → sentences → vocabulary NER → statistical NER
(kgbuild/ner.py, grounded to the vocabulary) → MeSH supplementary chemicals
(kgbuild/supplementary.py) → HLA alleles (kgbuild/hla.py) → processes → abbreviations → ConText → claims → relation classifier
(kgbuild/relations.py) → coreference (kgbuild/coreference.py). Every stage is a
registered component, so the pipeline can be inspected, reordered or extended like any spaCy
pipeline (`nlp.pipe_names`)."""
from __future__ import annotations

import warnings

import spacy
from spacy.language import Language

from . import (  # noqa: F401
    abbreviations,
    claims,
    context,
    coreference,
    entity_matcher,
    hla,
    ner,
    process_matcher,
    relations,
    sentences,
    supplementary,
    tokenization,
)

PIPE_NAMES = ("kgbuild_compound_splitter", "kgbuild_sentencizer", "kgbuild_vocabulary_matcher",
              "kgbuild_statistical_ner", "kgbuild_supplementary_matcher", "kgbuild_hla_matcher",
              "kgbuild_process_matcher",
              "abbreviation_detector",
              "kgbuild_abbreviation_linker", "kgbuild_context", "kgbuild_claims",
              "kgbuild_relations", "kgbuild_coreference")

_NLP: Language | None = None


# scispaCy's AbbreviationDetector runs an empty global matcher on documents without abbreviations
warnings.filterwarnings("ignore", message=r"\[W036\]")


def build_pipeline() -> Language:
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    nlp = spacy.blank("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.max_length = 5_000_000
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    return nlp


def get_pipeline() -> Language:
    """The process-wide pipeline, loaded once (it holds the vocabulary)."""
    global _NLP
    if _NLP is None:
        _NLP = build_pipeline()
    return _NLP
