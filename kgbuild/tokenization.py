"""Tokenizer set-up: scispaCy's rule tokenizer plus a splitter for "X-induced"-style compounds,
slash-joined words ("ifosfamide/mesna") and radiolabelled names ("[3H]spiperone").

scispaCy keeps hyphenated words whole, which is right for "IL-6" or "T-cell" but hides the drug
in "heparin-induced thrombocytopenia" or "IL-6-mediated inflammation". Splitting the relational
suffix off lets the vocabulary matcher see "heparin" and the claim rules see "induced".
"""

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

RELATIONAL_SUFFIXES = (
    "induced", "associated", "related", "mediated", "triggered", "dependent", "driven", "provoked",
    "evoked", "caused", "elicited", "exacerbated", "attributed", "treated", "exposed", "naive",
    "refractory", "resistant", "responsive", "sparing", "containing", "based", "specific",
    "positive", "negative", "like", "type", "derived", "producing", "secreting", "releasing",
    # how a drug was given: "Avastin-injections", "amiodarone-therapy"
    "injection", "injections", "infusion", "infusions", "therapy", "treatment", "exposure", "use", "users",
)
# a radiolabel before a compound's name: "[3H]spiperone", "[(3)H]saxitoxin", "L-[3H]nicotine", "[125I]..."
_ISOTOPE_RE = re.compile(r"^((?:[LD]-)?\[\(?\d{1,3}m?\)?[A-Z][a-z]?\])(?=[A-Za-z(]{3})")
_SUFFIX_RE = re.compile(r"^(.+?[^\-])-(" + "|".join(RELATIONAL_SUFFIXES) + r")$", re.IGNORECASE)


def compound_parts(text: str) -> list[str]:
    """How one scispaCy token is split: at slashes between words ("ifosfamide/mesna",
    "IL-6/IL-10"; not units such as "mg/kg" or "mmol/L", nor "and/or": every part needs three
    characters and a letter), then a relational suffix off the last part ("heparin-induced")."""
    label = _ISOTOPE_RE.match(text)
    if label:                   # "[3H]spiperone": the radiolabel, then the compound
        return [label.group(1), *compound_parts(text[label.end(1):])]
    parts = [text]
    if "/" in text and len(text) >= 7:
        pieces = re.split(r"(/)", text)
        if all(len(w) >= 3 and any(c.isalpha() for c in w) for w in pieces[::2]):
            parts = pieces
    last = parts[-1]
    if "-" in last and len(last) >= 5:
        m = _SUFFIX_RE.match(last)
        if m and len(m.group(1)) >= 2:
            parts = parts[:-1] + [m.group(1), "-", m.group(2)]
    return parts


def split_relational_compounds(doc: Doc, agent_parts: Callable[[str], list[str] | None] | None = None) -> Doc:
    """Split "heparin-induced" into "heparin" "-" "induced" and "ifosfamide/mesna" into
    "ifosfamide" "/" "mesna" (offsets are preserved). A combination named with a slash
    ("piperacillin/tazobactam") is still one term: the matcher reads across the "/". ``agent_parts``
    splits what only a vocabulary can tell apart (`CompoundSplitter.agent_parts`)."""
    splits = []
    for tok in doc:
        if ("-" not in tok.text and "/" not in tok.text and "[" not in tok.text) or len(tok.text) < 5:
            continue
        parts = compound_parts(tok.text)
        if len(parts) == 1 and agent_parts is not None and "-" in tok.text:
            parts = agent_parts(tok.text) or parts
        if len(parts) > 1:
            splits.append((tok, parts))
    if splits:
        with doc.retokenize() as retok:
            for tok, parts in splits:
                retok.split(tok, parts, heads=[(tok, 0)] * len(parts),
                            attrs={"SPACY": [False] * (len(parts) - 1) + [bool(tok.whitespace_)]})
    return doc


class CompoundSplitter:
    """`split_relational_compounds` with the vocabulary at hand: two drugs joined by a hyphen
    ("levomepromazine-fluvoxamine", "fenfluramine-phentermine", "morphine-chloralose") and a drug
    before a participle ("halothane-anesthetized", "methadone-maintained", "tacrine-loaded") are
    split, unless the whole word is a name of its own ("amoxicillin-clavulanate")."""

    AGENT_TYPES = ("drug", "chemical")

    def __init__(self, nlp: Language, name: str, vocabulary=None):
        from .claims import ALL_VERBS
        from .vocabulary import Vocabulary
        self.name = name
        self.vocabulary = vocabulary or Vocabulary.load()
        # a participle the claim rules read as a trigger stays joined ("ritonavir-boosted
        # darunavir" is no clause whose verb is "boosted"): "X-induced"-style compounds
        # (RELATIONAL_SUFFIXES) are the ones the rules know how to read
        self.trigger_verbs = frozenset(ALL_VERBS)

    def _agent(self, text: str) -> bool:
        return any(c.type in self.AGENT_TYPES for c in self.vocabulary.lookup(text))

    def agent_parts(self, text: str) -> list[str] | None:
        left, sep, right = text.partition("-")
        if not sep or "-" in right or len(left) < 3 or len(right) < 3 or not left[0].isalpha() or \
                not right.isalpha():
            return None
        participle = right.islower() and right.endswith("ed") and right not in self.trigger_verbs
        if not participle and not right[1:].islower():
            return None
        if not self._agent(left) or self.vocabulary.lookup(text):
            return None                 # (the whole word is looked up only after a drug on its left)
        if participle or self._agent(right):
            return [left, "-", right]
        return None

    def __call__(self, doc: Doc) -> Doc:
        return split_relational_compounds(doc, self.agent_parts)


@Language.factory("kgbuild_compound_splitter", default_config={})
def make_compound_splitter(nlp: Language, name: str) -> CompoundSplitter:
    return CompoundSplitter(nlp, name)
