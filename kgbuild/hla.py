"""HLA alleles named in a report: "HLA-B*15:02", "HLA-DRB1*08:03", "HLA-B*5801".

Pharmacogenomic case reports name the allele a patient carries as the risk marker of the reaction
(carbamazepine and HLA-B*15:02, allopurinol and HLA-B*58:01, carbimazole and HLA-B*38:02). The
vocabulary knows the alleles MeSH records as supplementary concepts (`ontologies/build_vocabulary.py`,
`build_hla_alleles`), but reports name many MeSH lacks, and the tokenizer cuts some names apart
("HLA-DRB1", "*", "08:03"). This component finds every allele by its nomenclature (WHO HLA
nomenclature: gene, "*", two to four colon-separated fields, or the older run of digits), grounds it
to the vocabulary's concept where there is one, and otherwise keeps it as a ``lab_marker`` under a
local CURIE of its canonical two-field name (``KGBUILD:hla-drb1-08-03``) for a curator to link.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .entity_matcher import overwrite_ents
from .vocabulary import Vocabulary

# gene, then fields: "B*15:02", "B*15:02:01", "DRB1*08:03", or the pre-2010 "B*1502"
ALLELE = re.compile(r"\bHLA-(A|B|C|E|F|G|DRB[1-9]|DQA1|DQB1|DPA1|DPB1)\s?\*\s?"
                    r"(\d{2,3}(?::\d{2,3}){1,3}|\d{4,5})(?![\d:])")
LOCAL_PREFIX = "KGBUILD:hla-"


def canonical_name(gene: str, fields: str) -> str:
    """"HLA-B*15:02" for "B"/"1502" or "15:02" (a run of four digits is two two-digit fields)."""
    if ":" not in fields and len(fields) == 4:
        fields = f"{fields[:2]}:{fields[2:]}"
    return f"HLA-{gene}*{fields}"


class HLAAlleleMatcher:
    def __init__(self, nlp: Language, name: str, vocabulary: Vocabulary | None = None):
        self.name = name
        self.vocabulary = vocabulary or Vocabulary.load()

    def concept_curie(self, name: str) -> str | None:
        """The vocabulary's concept for this allele name, if it is a lab marker."""
        for concept in self.vocabulary.lookup(name):
            if concept.type == "lab_marker":
                return concept.curie
        return None

    def __call__(self, doc: Doc) -> Doc:
        if "HLA-" not in doc.text:
            return doc
        found = []
        for m in ALLELE.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is None:
                continue
            name = canonical_name(*m.groups())
            curie = self.concept_curie(m.group(0)) or self.concept_curie(name)
            if curie is None:
                curie = LOCAL_PREFIX + re.sub(r"[^a-z0-9]+", "-", name[4:].lower())
            found.append(Span(doc, span.start, span.end, label="lab_marker", kb_id=curie))
        if found:
            overwrite_ents(doc, found)
        return doc


@Language.factory("kgbuild_hla_matcher", default_config={})
def make_hla_matcher(nlp: Language, name: str) -> HLAAlleleMatcher:
    return HLAAlleleMatcher(nlp, name)
