"""Compositional process mentions: "monoamine oxidase inhibition", "metformin accumulation".

Mechanisms in case reports run through processes that no vocabulary lists as such: an enzyme
inhibited, a drug accumulating, a cell population depleted. A noun phrase whose head is a process
noun (inhibition, blockade, accumulation, depletion, activation, expansion, injury, …) and whose
modifiers name what undergoes it becomes a `process` entity with a project-local CURIE
(`KGBUILD:<slug>`, used only because no public identifier exists for the composition). A
vocabulary concept inside the phrase ("metformin" in "metformin accumulation") stays visible to
the claim rules as a nested mention.
"""
import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .claims import CAUSE_VERBS, DECREASE_VERBS, INCREASE_VERBS, TREAT_VERBS
from .ner import is_unlinked

VERB_FORMS = CAUSE_VERBS | INCREASE_VERBS | DECREASE_VERBS | TREAT_VERBS

PROCESS_HEADS = {"inhibition", "blockade", "accumulation", "downregulation", "upregulation", "depletion",
                 "activation", "expansion", "excess", "injury", "damage", "overload", "toxicity",
                 "suppression", "dysregulation", "deficiency", "proliferation", "degranulation",
                 "metabolism", "clearance", "elimination", "excretion", "reabsorption", "permeability",
                 "antagonism", "agonism", "synthesis", "biosynthesis", "repolarization", "repolarisation",
                 "depolarization", "depolarisation", "dilution", "degeneration", "phosphorylation", "wasting",
                 "secretion", "formation", "deposition", "influx", "inactivation", "binding", "activity",
                 "apoptosis", "infiltration", "absorption", "vacuolation", "vacuolisation", "vacuolization",
                 "disinhibition", "glucuronidation", "hydroxylation", "glycolysis", "cotransport", "loss"}
# heads that make a process only of words no vocabulary names: "collagen deposition", "reactive metabolite
# formation"; "uric acid formation" stays uric acid (what the rules read a change of)
UNNAMED_ONLY_HEADS = {"formation", "deposition", "influx", "binding"}
# heads that make a process only of a substance the vocabulary names: "urinary magnesium loss", not
# "weight loss" or "renal loss"
SUBSTANCE_ONLY_HEADS = {"loss"}
SUBSTANCES = {"lab_marker", "chemical", "drug"}
# heads whose process is named by what is made: "synthesis of CRP" is (a rise in) CRP
PRODUCT_HEADS = {"synthesis", "biosynthesis", "secretion"}
# modifiers that never start the name of a process
_NOT_MODIFIER = {
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "of", "and", "or",
    "by", "with", "to", "in", "on", "for", "from", "as", "at", "into", "via", "through", "further", "severe",
    "marked", "significant", "mild", "moderate", "progressive", "direct", "rapid", "no", "any", "such", "which",
    "caused", "causes", "cause", "causing", "led", "leads", "early", "late", "ongoing", "profound", "prolonged",
    "possible", "probable", "likely", "subsequent", "secondary", "is", "was", "were", "are", "be", "been",
    "did", "not", "more", "less", "some", "further", "sustained", "transient", "excessive", "partial",
    "complete", "massive", "extensive", "widespread", "also", "then", "increased", "reduced", "decreased",
    "both", "other", "its", "drug", "immune", "induced", "mediated", "related", "associated", "potent",
    "strong", "weak", "marked", "direct", "indirect", "relative", "absolute", "total", "overall", "net",
    "new",
    # closed-class words that may open a sentence before a process ("When xanthine oxidase inhibition ...")
    "when", "while", "if", "because", "since", "although", "though", "after", "before", "where", "whereas",
    "once", "until", "unless", "thus", "hence", "therefore", "however", "but", "so", "only", "even",
    "all", "each", "every", "nor", "either", "neither", "what", "whose", "how", "why",
}
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9\-\*:]*$")


def _is_modifier(tok) -> bool:
    low = tok.lower_
    if low in _NOT_MODIFIER or not _WORD.match(tok.text) or tok.like_num:
        return False
    # verbs are never part of the name: "reduces warfarin metabolism"
    return not (low in VERB_FORMS or (low.endswith(("ing", "ed")) and low not in {"red", "bed"}))


_NOT_ENZYMES = {"disease", "diseases", "release", "increase", "decrease", "crease", "phrase", "showcase", "suitcase"}


_ACTIVE_PROTEINS = {"channel", "channels", "receptor", "receptors", "transporter", "transporters", "pump"}
# a word of change opens a process name only as an adjective ("caused impaired magnesium absorption",
# "the reduced renal clearance"): after these, not after a subject or "and" ("omeprazole impaired
# magnesium absorption", "... and increased platelet aggregation" are verbs)
CHANGE_OPENERS = {"impaired", "reduced", "increased", "decreased", "enhanced", "diminished"}
_CHANGE_AFTER = {"caused", "causes", "cause", "causing", "to", "with", "of", "by", "from", "the", "a", "an", "in",
                 "produced", "produces", "induced", "induces", "showed", "shows", "reflects", "reflected", "(",
                 ":", "this", "that", "whose", "his", "her", "their", "its"}


# after "and" / a comma, only where the phrase is a clause's subject, its predicate right after it:
# "..., and impaired absorption led to ..."
_PREDICATE_OPENERS = VERB_FORMS | {"led", "leads", "lead", "results", "resulted", "result", "was", "were", "is",
                                   "are", "persists", "persisted", "may", "can", "might", "then", "in", "also"}


def _change_opener(doc: Doc, i: int, head: int) -> bool:
    if doc[i].lower_ not in CHANGE_OPENERS:
        return False
    prev = doc[i - 1].lower_ if i > 0 else ""
    if prev in {"and", "or", ","}:
        return head + 1 < len(doc) and doc[head + 1].lower_ in _PREDICATE_OPENERS
    return i == 0 or prev in _CHANGE_AFTER


def _enzyme_activity(doc: Doc, start: int, head: int, inner: list[Span]) -> bool:
    """"lipoprotein lipase activity", "methionine synthase activity": an enzyme's activity is a
    process; not "disease activity", nor an assay the vocabulary names ("lipase activity" is lipase)."""
    word = doc[head - 1].lower_
    if word in _ACTIVE_PROTEINS:
        return True         # "TRPM6 channel activity"
    if not word.endswith("ase") or len(word) < 6 or word in _NOT_ENZYMES:
        return False
    assay = {t for e in inner if e.label_ == "lab_marker" for t in range(e.start, e.end)}
    return any(t not in assay for t in range(start, head))


def process_curie(label: str) -> str:
    return "KGBUILD:" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


class ProcessMatcher:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        # a name the statistical NER kept unlinked gives way to the process it names ("Tubular injury")
        covered = {t for e in ents if not is_unlinked(e) for t in range(e.start, e.end)}
        # a one-word process the vocabulary names is a head too: "epithelial apoptosis"
        named_heads = {e.start for e in ents if e.label_ == "process" and len(e) == 1}
        new, nested = [], list(doc.spans.get("kgbuild_nested", []))
        for tok in doc:
            head = tok.lower_.replace("-", "")
            if head not in PROCESS_HEADS or (tok.i in covered and tok.i not in named_heads) or tok.i == 0:
                continue
            if head in PRODUCT_HEADS and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
                continue        # "hepatic synthesis of CRP": what is made is named after "of"
            start = tok.i
            while start > 0 and tok.i - start < 3:
                prev = doc[start - 1]
                if not _is_modifier(prev):
                    if _change_opener(doc, start - 1, tok.i) and start < tok.i:
                        start -= 1      # "caused impaired intestinal magnesium absorption"
                    break
                start -= 1
            if start == tok.i:
                continue
            # do not cut through an entity: take it whole or not at all
            inner = [e for e in ents if e.start < tok.i and e.end > start]
            if head == "activity" and not _enzyme_activity(doc, start, tok.i, inner):
                continue
            if head in UNNAMED_ONLY_HEADS and inner:
                continue
            if head in SUBSTANCE_ONLY_HEADS and not any(e.label_ in SUBSTANCES for e in inner):
                continue
            if any(e.start < start for e in inner):
                start = min(e.start for e in inner)
                if tok.i - start > 4:
                    continue
            label = " ".join(t.text if t.text.isupper() or any(c.isdigit() for c in t.text) else t.lower_
                             for t in doc[start:tok.i + 1])
            span = Span(doc, start, tok.i + 1, label="process", kb_id=process_curie(label))
            new.append(span)
            nested.extend(e for e in inner if e.label_ != "process" and not is_unlinked(e))
        new += _participle_mentions(doc, ents + new, covered | {t for sp in new for t in range(sp.start, sp.end)})
        levels = _drug_levels(doc, ents, {t for sp in new for t in range(sp.start, sp.end)})
        new += [lv for lv, _ in levels]
        nested.extend(drug for _, drug in levels)
        if new:
            new = _unify(doc, new)
            keep = [e for e in ents if not any(n.start <= e.start and e.end <= n.end or
                                               is_unlinked(e) and n.start < e.end and e.start < n.end
                                               for n in new)]
            doc.ents = filter_spans(keep + new)
            doc.spans["kgbuild_nested"] = nested
        return doc


# "tacrolimus trough levels", "serum phenytoin concentration": what is measured of a drug
LEVEL_NOUNS = {"level", "levels", "concentration", "concentrations"}
LEVEL_OPENERS = {"serum", "plasma", "blood", "whole-blood", "trough", "peak"}


def _drug_levels(doc: Doc, ents: list[Span], taken: set[int]) -> list[tuple[Span, Span]]:
    """(lab marker, drug) for each drug named with "level(s)" / "concentration(s)" after it ("tacrolimus
    trough levels rose", "the serum lithium concentration"): the measured level is a lab marker of its
    own (`KGBUILD:<drug>-level`, no public identifier exists for most drugs' assays) and the drug stays
    a nested mention. Vocabulary markers ("digoxin level", LOINC) are matched before this and win."""
    out = []
    for e in ents:
        if e.label_ != "drug" or any(t in taken for t in range(e.start, e.end)):
            continue
        k = e.end
        if k < len(doc) and doc[k].lower_ in {"trough", "peak"}:
            k += 1
        if k >= len(doc) or doc[k].lower_ not in LEVEL_NOUNS:
            continue
        start = e.start
        while start > 0 and e.start - start < 2 and doc[start - 1].lower_ in LEVEL_OPENERS:
            start -= 1
        words = [t.lower_ for t in doc[e.end:k]]
        label = " ".join([e.text.lower(), *words, "level"])
        out.append((Span(doc, start, k + 1, label="lab_marker", kb_id=process_curie(label)), e))
    return out


# "activated T cells" names the state a process left: the process "T cell activation"
PARTICIPLE_HEADS = {"activated": "activation", "inhibited": "inhibition", "depleted": "depletion",
                    "accumulated": "accumulation", "expanded": "expansion", "suppressed": "suppression",
                    "blocked": "blockade", "upregulated": "upregulation", "downregulated": "downregulation"}


def _participle_mentions(doc: Doc, ents: list[Span], covered: set[int]) -> list[Span]:
    """"the activated T cells" → the process the document already names "T-cell activation" (its
    concept): a participle and one to three words after it whose nominal form ("T cell activation")
    is a process mention of the same document. Never a new concept."""
    from .vocabulary import normalize_term, term_variants
    known = {}
    for e in ents:
        if e.label_ == "process":
            known.setdefault(normalize_term(e.text), e.kb_id_)
    if not known:
        return []
    out = []
    for tok in doc:
        head = PARTICIPLE_HEADS.get(tok.lower_)
        if head is None or tok.i in covered:
            continue
        for n in (3, 2, 1):
            words = doc[tok.i + 1:tok.i + 1 + n]
            if len(words) < n or any(t.i in covered or t.is_punct for t in words):
                continue
            hit = next((known[f"{v} {head}"] for v in term_variants(words.text) if f"{v} {head}" in known), None)
            if hit is not None:
                out.append(Span(doc, tok.i, tok.i + 1 + n, label="process", kb_id=hit))
                break
    return out


def _unify(doc: Doc, spans: list[Span]) -> list[Span]:
    """One concept per process a document names several ways: a restatement in brackets takes the
    concept of what it restates ("dihydrofolate reductase inhibition (DHFR inhibition)", so every
    later "DHFR inhibition" too), and a name with extra leading modifiers takes the concept of the
    shorter name the document also uses ("central dopaminergic blockade" … "dopaminergic blockade")."""
    label = {sp.start: " ".join(sp.kb_id_.split(":", 1)[1].split("-")) for sp in spans}
    same: dict[str, str] = {}
    by_start = {sp.start: sp for sp in spans}
    for sp in spans:
        inner = by_start.get(sp.end + 1)
        if inner is not None and doc[sp.end].text == "(" and inner.end < len(doc) and doc[inner.end].text == ")" \
                and inner.kb_id_ != sp.kb_id_:
            same.setdefault(inner.kb_id_, sp.kb_id_)
    names = {sp.kb_id_: label[sp.start] for sp in spans}
    for curie, name in names.items():
        if curie in same:
            continue
        # (not "impaired magnesium absorption": the impairment is no modifier of the same process)
        shorter = [c for c, n in names.items() if c != curie and name.endswith(" " + n) and c not in same
                   and name.split(" ", 1)[0] not in CHANGE_OPENERS]
        if shorter:
            same[curie] = max(shorter, key=lambda c: len(names[c]))
    if not same:
        return spans

    def canonical(curie: str) -> str:
        seen = set()
        while curie in same and curie not in seen:
            seen.add(curie)
            curie = same[curie]
        return curie

    return [Span(doc, sp.start, sp.end, label=sp.label_, kb_id=canonical(sp.kb_id_)) for sp in spans]


@Language.factory("kgbuild_process_matcher", default_config={})
def make_process_matcher(nlp: Language, name: str) -> ProcessMatcher:
    return ProcessMatcher(nlp, name)
