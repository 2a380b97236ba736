"""ConText-style assertion modifiers: negation, hedging, hypothetical, historical, family.

An implementation of the ConText algorithm (Harkema et al., J Biomed Inform 2009, the basis of
medspaCy's ConText): trigger phrases open a scope forward, backward or both ways inside their
sentence; terminators ("but", "however", ";") close it; pseudo-triggers ("no change", "not
only", "cannot be excluded") stop a phrase from being read as a plain negation. We keep our own
small implementation instead of importing medspaCy, whose import alone costs about 1.9 s (nltk,
sklearn, QuickUMLS) and pins spaCy below 3.8. The rules live in `data/context_rules.tsv`.

The component stores `ContextModifier`s in `doc._.context_modifiers`; claim extraction asks
`modifiers_covering(doc, spans)` which of them cover a relation's trigger or arguments.
"""

import csv
from dataclasses import dataclass
from importlib import resources

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

CATEGORIES = ("NEGATED", "HEDGED", "HYPOTHETICAL", "HISTORICAL", "FAMILY", "PSEUDO", "TERMINATE")
DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "NONE")
# tokens that end a backward scope (a negation after a clause boundary does not reach across it)
_BACKWARD_STOPS = {",", "and", "but", "while", "whereas", "although", "though", ";", ":"}
_COORDINATORS = {",", "and", "or"}
# negation triggers that deny only the noun phrase their scope covers, not a clause: "NMS without
# rigidity while taking X" denies the rigidity, not that X brought on the NMS
PHRASE_NEGATORS = {"without"}
# a comma before one of these ends a forward scope: "A man, without any history of psychosis,
# developed schizophrenia" (a list goes on past a comma: "no fever, cough or rash")
_CLAUSE_VERBS = {"developed", "presented", "was", "were", "had", "has", "have", "is", "are", "received",
                 "underwent", "became", "experienced", "died", "showed", "complained", "reported"}

if not Doc.has_extension("context_modifiers"):
    Doc.set_extension("context_modifiers", default=[])


@dataclass(frozen=True)
class ContextRule:
    phrase: str
    category: str
    direction: str
    max_scope: int


@dataclass
class ContextModifier:
    category: str
    trigger_start: int          # token indices
    trigger_end: int
    scope_start: int
    scope_end: int
    phrase_only: bool = False   # denies only what its scope covers (`PHRASE_NEGATORS`)

    def covers(self, start: int, end: int) -> bool:
        return start < self.scope_end and self.scope_start < end


def load_rules() -> list[ContextRule]:
    path = resources.files("kgbuild") / "data" / "context_rules.tsv"
    rules = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            rule = ContextRule(row["phrase"].strip().lower(), row["category"].strip(),
                               row["direction"].strip(), int(row["max_scope"] or 12))
            if rule.category not in CATEGORIES or rule.direction not in DIRECTIONS:
                raise ValueError(f"bad context rule: {row}")
            rules.append(rule)
    return rules


class ConTextComponent:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.rules = {r.phrase: r for r in load_rules()}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for phrase in self.rules:
            self.matcher.add(phrase, [nlp.make_doc(phrase)])

    def _matches(self, doc: Doc) -> list[tuple[ContextRule, int, int]]:
        found = []
        for match_id, start, end in self.matcher(doc):
            found.append((self.rules[doc.vocab.strings[match_id]], start, end))
        # longest first; pseudo triggers and longer phrases hide what they contain
        found.sort(key=lambda m: (-(m[2] - m[1]), m[1]))
        taken: set[int] = set()
        kept = []
        for rule, s, e in found:
            if any(k in taken for k in range(s, e)):
                continue
            taken.update(range(s, e))
            kept.append((rule, s, e))
        return sorted(kept, key=lambda m: m[1])

    def __call__(self, doc: Doc) -> Doc:
        modifiers: list[ContextModifier] = []
        matches = self._matches(doc)
        terminators = {s for rule, s, _ in matches if rule.category == "TERMINATE"}
        ent_starts = {e.start for e in doc.ents}
        ent_ends = {e.end for e in doc.ents}
        for rule, s, e in matches:
            if rule.category in ("PSEUDO", "TERMINATE"):
                continue
            sent = doc[s].sent
            lo, hi = s, e
            if rule.direction in ("FORWARD", "BIDIRECTIONAL"):
                hi = e
                while hi < sent.end and hi - e < rule.max_scope and hi not in terminators \
                        and doc[hi].text not in {";"} and not (doc[hi].text == "," and hi + 1 < sent.end and
                                                             doc[hi + 1].lower_ in _CLAUSE_VERBS):
                    hi += 1
            if rule.direction in ("BACKWARD", "BIDIRECTIONAL"):
                lo = s
                while lo > sent.start and s - lo < rule.max_scope and (lo - 1) not in terminators:
                    word = doc[lo - 1].text.lower()
                    # "hypothyroidism and adrenal insufficiency were excluded": names coordinated
                    # right before the trigger are one subject, not a clause boundary
                    coordinated = word in _COORDINATORS and lo in ent_starts and lo - 1 in ent_ends
                    if word in _BACKWARD_STOPS and not coordinated:
                        break
                    lo -= 1
            modifiers.append(ContextModifier(rule.category, s, e, lo, hi, rule.phrase in PHRASE_NEGATORS))
        doc._.context_modifiers = modifiers
        return doc


def modifiers_covering(doc: Doc, spans: list[tuple[int, int]], category: str) -> list[ContextModifier]:
    """Modifiers of `category` whose scope or trigger touches any of the token spans."""
    out = []
    for m in doc._.context_modifiers:
        if m.category != category:
            continue
        if any(m.covers(s, e) or (s <= m.trigger_start < e) for s, e in spans):
            out.append(m)
    return out


@Language.factory("kgbuild_context", default_config={})
def make_context(nlp: Language, name: str) -> ConTextComponent:
    return ConTextComponent(nlp, name)
