"""A trained relation classifier for drug/chemical → condition pairs (what the trigger rules miss).

Candidates are every (drug, chemical or cytokine entity, disease or adverse-event entity) pair of
a document (cytokines: therapeutic interferons and interleukins): pairs whose mentions share a sentence, and — in documents of at most
`MAX_CROSS_SENTENCES` sentences (abstracts) — pairs that never do (BioCreative CID relations are
document-level: a chemical in the title, a disease in the abstract). Each candidate is described by
sparse binary features (`pair_features`): words between and around the closest mention pairs,
trigger-word classes (causal, temporal, therapeutic, indication), distance and order, other
entities in between, ConText flags (negation, hedging, hypothetical, history, family), whether and
how the rules already relate the pair, title and frequency features of both entities, mention counts
and sentence distance; and, for a model trained with them (``parse_features`` in meta.json), the
dependency path between the pair over the shipped parser (`_path_features`; the shipped model is
not: they did not help, see training/train_relations.py). Features are hashed (crc32) into a weight vector of a logistic-regression
model trained by `training/train_relations.py` on BC5CDR train (CID), ADE-Corpus-V2 (80% of the
PMIDs) and BioRED train (Positive_Correlation chemical–disease pairs); the score is Platt-calibrated.

The component runs after `kgbuild_claims` and adds a `causes` claim (evidence rule
"classifier", confidence = the calibrated probability) for each pair the rules did not relate
whose probability reaches the threshold (`meta.json`: one threshold for pairs in one sentence, a
higher one for cross-sentence pairs). A pair whose evidence sentence negates it never becomes a
positive claim (it becomes `negated: true` when the score still reaches the threshold). Rule claims
are left exactly as they are. ``KGBUILD_RELATION_CLASSIFIER=0`` switches the component off.
"""

import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from .claims import (CAUSE_MARKERS, CAUSE_VERBS, DECREASE_VERBS, INCREASE_VERBS, PATIENT_NOUNS, PHRASAL_CAUSE,
                     TREAT_MARKERS, TREAT_VERBS, Arg, RawClaim)
from .model import CONDITION_TYPES

MODEL_DIR = Path(__file__).resolve().parent / "data" / "relations"
SUBJECT_TYPES = {"drug", "chemical", "cytokine"}
OBJECT_TYPES = CONDITION_TYPES
# The training corpora are abstracts (BC5CDR, BioRED: at most 23 sentences) and single sentences
# (ADE). Longer documents (full case reports) get no cross-sentence candidates, and their
# same-sentence candidates face the "long_document" threshold (meta.json; null = not classified).
MAX_CROSS_SENTENCES = 30
MAX_PAIRS_PER_CANDIDATE = 3      # closest same-sentence mention pairs described per candidate
CONTEXT_CATEGORIES = ("NEGATED", "HEDGED", "HYPOTHETICAL", "HISTORICAL", "FAMILY")

# the trigger words the shipped model was trained with: phrasal forms the rules learnt later ("gives
# rise to") stay out, or a retrain-free change of the rules would shift the model's features
_RULES_ONLY_WORDS = {"gives", "giving", "given", "accounts", "account", "accounted", "accounting"}
_CAUSE_WORDS = CAUSE_VERBS | {w for pair in PHRASAL_CAUSE for w in pair[:1]} - _RULES_ONLY_WORDS | {
    "induced", "toxicity", "toxic", "adverse", "reaction", "reactions", "complication", "complications",
    "side", "effect", "effects", "attributed", "attributable", "secondary", "due", "caused", "associated",
    "related", "develop", "developed", "developing", "onset", "occurred", "occur", "occurring", "experienced",
    "sequelae", "intoxication", "overdose", "poisoning", "hypersensitivity", "responsible", "following",
    "after", "during", "exposure", "exposed", "receiving", "received", "taking", "use", "administration",
    "ingestion", "withdrawal", "discontinuation", "discontinued", "rechallenge", "dechallenge", "risk"}
_TREAT_WORDS = TREAT_VERBS | {w for pair in TREAT_MARKERS for w in pair[:1]} | {
    "treatment", "therapy", "treated", "management", "prevention", "prevent", "prevents", "prophylaxis",
    "efficacy", "effective", "improved", "improvement", "resolved", "response", "responded", "indicated",
    "protective", "protects", "protect", "attenuated", "reversal", "antagonist", "relief"}
_TEMPORAL = {"after", "following", "during", "within", "later", "subsequently", "before", "since", "when", "upon"}
_INDICATION = {"for", "of", "against"}
_CLASS_OF = {}
for _w in _CAUSE_WORDS:
    _CLASS_OF.setdefault(_w, []).append("cause")
for _w in _TREAT_WORDS:
    _CLASS_OF.setdefault(_w, []).append("treat")
for _w in INCREASE_VERBS:
    _CLASS_OF.setdefault(_w, []).append("increase")
for _w in DECREASE_VERBS:
    _CLASS_OF.setdefault(_w, []).append("decrease")
for _w in _TEMPORAL:
    _CLASS_OF.setdefault(_w, []).append("temporal")
for _key in CAUSE_MARKERS:
    _CLASS_OF.setdefault(_key[0], []).append("marker")


def enabled() -> bool:
    return os.environ.get("KGBUILD_RELATION_CLASSIFIER", "1").lower() not in ("0", "false", "no", "off")


def _bucket(n: int, edges=(0, 1, 2, 3, 5, 8, 12, 20)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return "more"


@dataclass
class Mention:
    start: int
    end: int
    curie: str
    type: str
    sent: int


@dataclass
class Candidate:
    """One (chemical entity, condition entity) pair of a document and what describes it."""
    subject: str
    subject_type: str
    object: str
    object_type: str
    features: list[str]
    same_sentence: bool
    pair: tuple[Mention, Mention]            # the mention pair the evidence is read from
    negated: bool = False
    hedged: bool = False
    hypothetical: bool = False
    rule_related: bool = False               # the rules already produced a claim between them
    trigger: str | None = None
    extra: dict = field(default_factory=dict)


class DocIndex:
    """Per-document lookups shared by all candidates: tokens, sentences, mentions, ConText cover."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.lower = [("<num>" if t.like_num else t.lower_) for t in doc]
        self.sents = list(doc.sents)
        self.sent_of = np.zeros(len(doc) + 1, dtype=np.int32)
        for k, s in enumerate(self.sents):
            self.sent_of[s.start:s.end] = k
        spans = list(doc.ents) + list(doc.spans.get("kgbuild_nested", []))
        self.mentions = [Mention(e.start, e.end, e.kb_id_, e.label_, int(self.sent_of[e.start]))
                         for e in spans if e.kb_id_]
        self.mentions.sort(key=lambda m: (m.start, -m.end))
        self.by_curie: dict[str, list[Mention]] = {}
        for m in self.mentions:
            self.by_curie.setdefault(m.curie, []).append(m)
        # token sets covered by each ConText category (scope or trigger), and negation triggers
        self.cover: dict[str, set[int]] = {c: set() for c in CONTEXT_CATEGORIES}
        self.neg_triggers: set[int] = set()
        for m in doc._.context_modifiers:
            cov = self.cover.get(m.category)
            if cov is None:
                continue
            cov.update(range(m.scope_start, m.scope_end))
            cov.update(range(m.trigger_start, m.trigger_end))
            if m.category == "NEGATED" and not m.phrase_only:
                # ("NMS without rigidity while taking X": "without" denies only what its scope covers)
                self.neg_triggers.update(range(m.trigger_start, m.trigger_end))

    def covered(self, cat: str, start: int, end: int) -> bool:
        cov = self.cover[cat]
        return bool(cov) and any(i in cov for i in range(start, end))

    def negation_between(self, start: int, end: int) -> bool:
        return bool(self.neg_triggers) and any(i in self.neg_triggers for i in range(start, end))


def _rule_index(doc: Doc) -> tuple[dict, dict, dict]:
    """Rule claims by (subject, object) and per-entity roles."""
    pairs: dict[tuple[str, str], list] = {}
    subj_roles: dict[str, set] = {}
    obj_roles: dict[str, set] = {}
    for c in doc._.claims:
        if c.rule == "classifier":
            continue
        pairs.setdefault((c.subject.curie, c.object.curie), []).append(c)
        tag = f"{c.predicate}{'_neg' if c.negated else ''}"
        subj_roles.setdefault(c.subject.curie, set()).add(tag)
        obj_roles.setdefault(c.object.curie, set()).add(tag)
    return pairs, subj_roles, obj_roles


def _pair_features(ix: DocIndex, a: Mention, b: Mention, chem: Mention, out: list[str]) -> None:
    """Features of one same-sentence mention pair (a before b; `chem` is one of them)."""
    low = ix.lower
    order = "CD" if a is chem else "DC"
    gap = b.start - a.end
    out.append("ord:" + order)
    out.append("dist:" + _bucket(max(gap, 0)))
    out.append("dist_ord:" + order + _bucket(max(gap, 0)))
    between = low[a.end:b.start] if gap > 0 else []
    if gap <= 20:
        for w in between:
            out.append("bw:" + w)
            out.append("bwo:" + order + w)
        for w1, w2 in zip(between, between[1:]):
            out.append("bb:" + w1 + "_" + w2)
        if gap <= 4:
            out.append("short:" + order + "_" + "_".join(between))
    else:
        out.append("far")
    if between:
        out.append("bfirst:" + order + between[0])
        out.append("blast:" + order + between[-1])
    for w in between:
        for cl in _CLASS_OF.get(w, ()):
            out.append("bcls:" + order + cl)
    sent = ix.sents[a.sent]
    for k in (1, 2, 3):
        i = a.start - k
        out.append(f"l{k}:" + (low[i] if i >= sent.start else "<s>"))
        j = b.end + k - 1
        out.append(f"r{k}:" + (low[j] if j < sent.end else "</s>"))
    for i in range(max(sent.start, a.start - 6), a.start):
        for cl in _CLASS_OF.get(low[i], ()):
            out.append("lcls:" + cl)
    for i in range(b.end, min(sent.end, b.end + 6)):
        for cl in _CLASS_OF.get(low[i], ()):
            out.append("rcls:" + cl)
    cond = b if a is chem else a
    _around(low, sent, cond, "cond", out)
    _around(low, sent, chem, "chem", out)
    # is each the other's nearest partner in the sentence?
    same = [m for m in ix.mentions if m.sent == a.sent]
    near_chem = min((m for m in same if m.type in SUBJECT_TYPES), key=lambda m: abs(m.start - cond.start))
    near_cond = min((m for m in same if m.type in OBJECT_TYPES), key=lambda m: abs(m.start - chem.start))
    out.append(f"nearest:{int(near_chem.curie == chem.curie)}{int(near_cond.curie == cond.curie)}")
    others = [m for m in ix.mentions if m.sent == a.sent and a.end <= m.start and m.end <= b.start]
    n_chem = sum(1 for m in others if m.type in SUBJECT_TYPES)
    n_cond = sum(1 for m in others if m.type in OBJECT_TYPES)
    out.append("chem_between:" + _bucket(n_chem, (0, 1, 2)))
    out.append("cond_between:" + _bucket(n_cond, (0, 1, 2)))
    if ix.negation_between(a.end, b.start):
        out.append("neg_between")
    for cat in CONTEXT_CATEGORIES:
        if ix.covered(cat, cond.start, cond.end):
            out.append("ctx_cond:" + cat)
        if ix.covered(cat, chem.start, chem.end):
            out.append("ctx_chem:" + cat)
    slen = sent.end - sent.start
    out.append("slen:" + _bucket(slen, (10, 20, 30, 45, 60)))
    _path_features(ix.doc, chem, cond, out)


def _path_features(doc: Doc, chem: Mention, cond: Mention, out: list[str]) -> None:
    """The dependency path between the two mentions' head words, when the document is parsed
    (`parse`): its labels (up from the drug, down to the condition), length, the word where the two
    branches meet and its trigger class, the words on the way, and each head's own relation."""
    if not doc.has_annotation("DEP"):
        return
    hc, hd = doc[chem.start:chem.end].root, doc[cond.start:cond.end].root
    up_c, up_d = [hc, *hc.ancestors], [hd, *hd.ancestors]
    at = {t.i: k for k, t in enumerate(up_d)}
    kc = next((k for k, t in enumerate(up_c) if t.i in at), None)
    out.append("p_chem_dep:" + hc.dep_)
    out.append("p_cond_dep:" + hd.dep_)
    if kc is None:
        out.append("p:none")
        return
    top, kd = up_c[kc], at[up_c[kc].i]
    out.append("p_len:" + _bucket(kc + kd))
    if kc + kd <= 6:
        out.append("p:" + "^".join(t.dep_ for t in up_c[:kc]) + "|" + "v".join(t.dep_ for t in reversed(up_d[:kd])))
    top_word = "<num>" if top.like_num else top.lower_
    out.append("p_top:" + top_word)
    out.append("p_top_tag:" + top.tag_)
    for cl in _CLASS_OF.get(top_word, ()):
        out.append("p_top_cls:" + cl)
    for t in (*up_c[1:kc], *up_d[1:kd]):
        out.append("p_w:" + t.lower_)
        for cl in _CLASS_OF.get(t.lower_, ()):
            out.append("p_cls:" + cl)
    if any(c.dep_ == "neg" for t in (top, *up_c[1:kc], *up_d[1:kd]) for c in t.children):
        out.append("p_neg")


def parse(doc: Doc, model: Language) -> Doc:
    """Tag and dependency-parse ``doc`` in place with the shipped parser (kgbuild/parser.py), keeping
    its sentences, for the path features. Only the classifier's documents (short ones) are parsed."""
    from .parser import _finish, _sent_starts
    if not doc.has_annotation("DEP") and len(doc):
        before = _sent_starts(doc)
        for _, proc in model.pipeline:
            doc = proc(doc)
        _finish(doc, before)
    return doc


def _around(low: list[str], sent: Span, m: "Mention", name: str, out: list[str]) -> None:
    """Words right before and after one mention (its role: "patients with", "developed", "-induced")."""
    w1 = low[m.start - 1] if m.start > sent.start else "<s>"
    w2 = low[m.start - 2] if m.start - 1 > sent.start else "<s>"
    a1 = low[m.end] if m.end < sent.end else "</s>"
    out.append(f"before_{name}:" + w1)
    out.append(f"before2_{name}:" + w2 + "_" + w1)
    out.append(f"after_{name}:" + a1)


def _sentence_classes(ix: "DocIndex", sent_no: int) -> set[str]:
    s = ix.sents[sent_no]
    return {cl for w in ix.lower[s.start:s.end] for cl in _CLASS_OF.get(w, ())}


def candidates(doc: Doc, index: DocIndex | None = None, skip_rule_related: bool = False) -> list[Candidate]:
    """Every (chemical, condition) entity pair of the document with its features (without the
    pairs the rules already relate when `skip_rule_related`: the component never scores those)."""
    ix = index or DocIndex(doc)
    chems = {c: ms for c, ms in ix.by_curie.items() if ms[0].type in SUBJECT_TYPES}
    conds = {c: ms for c, ms in ix.by_curie.items() if ms[0].type in OBJECT_TYPES}
    if not chems or not conds:
        return []
    n_sents = len(ix.sents)
    cross_ok = n_sents <= MAX_CROSS_SENTENCES
    rule_pairs, subj_roles, obj_roles = _rule_index(doc)
    chem_rank = {c: r for r, c in enumerate(sorted(chems, key=lambda c: (-len(chems[c]), chems[c][0].start)))}
    cond_rank = {c: r for r, c in enumerate(sorted(conds, key=lambda c: (-len(conds[c]), conds[c][0].start)))}
    first_chem = min(chems, key=lambda c: chems[c][0].start)
    first_cond = min(conds, key=lambda c: conds[c][0].start)
    multi = n_sents > 1
    doc_feats = ["nsent:" + _bucket(n_sents, (1, 3, 6, 10, 15, 25, 40)),
                 "nchem:" + _bucket(len(chems), (1, 2, 3, 5, 8)),
                 "ncond:" + _bucket(len(conds), (1, 2, 3, 5, 8))]
    out = []
    for cc, cms in chems.items():
        c_sents = {m.sent for m in cms}
        c_title = multi and 0 in c_sents
        for dc, dms in conds.items():
            if cc == dc:
                continue
            d_sents = {m.sent for m in dms}
            shared = c_sents & d_sents
            if not shared and not cross_ok:
                continue
            d_title = multi and 0 in d_sents
            f = ["bias"] + doc_feats
            f.append("stype:" + cms[0].type)
            f.append("otype:" + dms[0].type)
            f.append("cooc:" + _bucket(len(shared), (0, 1, 2, 3)))
            sdist = min(abs(x - y) for x in c_sents for y in d_sents)
            f.append("sdist:" + _bucket(sdist, (0, 1, 2, 3, 5, 8)))
            f.append(f"title:{int(c_title)}{int(d_title)}{int(bool(shared))}")
            f.append("ccnt:" + _bucket(len(cms), (1, 2, 3, 5)))
            f.append("dcnt:" + _bucket(len(dms), (1, 2, 3, 5)))
            f.append("crank:" + _bucket(chem_rank[cc], (0, 1, 2)))
            f.append("drank:" + _bucket(cond_rank[dc], (0, 1, 2)))
            f.append(f"ranks:{min(chem_rank[cc], 2)}{min(cond_rank[dc], 2)}{int(bool(shared))}")
            if cc == first_chem:
                f.append("first_chem")
            if dc == first_cond:
                f.append("first_cond")
            f.append("d_id:" + dc)
            for w in ix.lower[dms[0].start:dms[0].end]:
                f.append("dw:" + w)
            for w in ix.lower[cms[0].start:cms[0].end]:
                f.append("cw:" + w)
            fwd = rule_pairs.get((cc, dc), [])
            rev = rule_pairs.get((dc, cc), [])
            if skip_rule_related and (fwd or rev):
                continue
            for c in fwd:
                f.append(f"rule:{c.rule}:{c.predicate}:{int(c.negated)}")
            for c in rev:
                f.append(f"rule_rev:{c.predicate}:{int(c.negated)}")
            for tag in subj_roles.get(cc, ()):
                f.append("c_role:" + tag)
            for tag in obj_roles.get(dc, ()):
                f.append("d_role:" + tag)
            # the closest mention pairs in shared sentences
            pairs = []
            if shared:
                for cm in cms:
                    if cm.sent not in shared:
                        continue
                    for dm in dms:
                        if dm.sent == cm.sent and (dm.end <= cm.start or cm.end <= dm.start):
                            pairs.append((abs(dm.start - cm.start), cm, dm))
                pairs.sort(key=lambda p: (p[0], p[1].start))
            if pairs:
                for _, cm, dm in pairs[:MAX_PAIRS_PER_CANDIDATE]:
                    a, b = (cm, dm) if cm.start < dm.start else (dm, cm)
                    _pair_features(ix, a, b, cm, f)
                    if multi and cm.sent == 0:
                        f.append("pair_in_title")
                best = pairs[0]
                chosen = (best[1], best[2])
            else:
                if shared:   # overlapping mentions only ("X-induced Y" spans nested); no pair
                    f.append("overlap_only")
                best = min(((abs(dm.sent - cm.sent), abs(dm.start - cm.start), cm, dm) for cm in cms for dm in dms),
                           key=lambda p: (p[0], p[1]))
                chosen = (best[2], best[3])
                f.append("cross")
                cm, dm = chosen
                _around(ix.lower, ix.sents[dm.sent], dm, "xcond", f)
                _around(ix.lower, ix.sents[cm.sent], cm, "xchem", f)
                for cl in _sentence_classes(ix, dm.sent):
                    f.append("xcond_sent:" + cl)
                for cat in CONTEXT_CATEGORIES:
                    if any(ix.covered(cat, m.start, m.end) for m in dms):
                        f.append("ctx_cond_any:" + cat)
            cand = Candidate(cc, cms[0].type, dc, dms[0].type, f, bool(pairs), chosen,
                             rule_related=bool(fwd or rev))
            _context(ix, cand, pairs)
            out.append(cand)
    return out


def _context(ix: DocIndex, cand: Candidate, pairs: list) -> None:
    """Negation/hedging of the candidate as read from its evidence mention pair; for a pair in one
    sentence a positive (un-negated) reading is preferred when several sentences relate them."""
    options = [(p[1], p[2]) for p in pairs] or [cand.pair]
    best = None
    for cm, dm in options:
        lo, hi = min(cm.end, dm.end), max(cm.start, dm.start)
        neg = ix.covered("NEGATED", dm.start, dm.end) or ix.covered("NEGATED", cm.start, cm.end) or \
            (cm.sent == dm.sent and ix.negation_between(lo, hi))
        hedged = ix.covered("HEDGED", dm.start, dm.end) or ix.covered("HEDGED", cm.start, cm.end) or \
            (cm.sent == dm.sent and ix.covered("HEDGED", lo, hi))
        hypo = ix.covered("HYPOTHETICAL", dm.start, dm.end) or ix.covered("HYPOTHETICAL", cm.start, cm.end)
        key = (neg, hypo, hedged)
        if best is None or key < best[0]:
            best = (key, cm, dm)
    (neg, hypo, hedged), cm, dm = best
    cand.pair = (cm, dm)
    cand.negated, cand.hedged, cand.hypothetical = neg, hedged, hypo
    if cm.sent == dm.sent:
        lo, hi = min(cm.end, dm.end), max(cm.start, dm.start)
        for i in range(lo, hi):
            if "cause" in _CLASS_OF.get(ix.lower[i], ()) or "marker" in _CLASS_OF.get(ix.lower[i], ()):
                cand.trigger = ix.doc[i].text
                break


def hash_features(features: list[str], dim: int) -> np.ndarray:
    """Sorted distinct weight indices of the features (crc32 of the UTF-8 string, mod dim)."""
    mask = dim - 1
    return np.array(sorted({zlib.crc32(s.encode()) & mask for s in features}), dtype=np.int64)


class RelationModel:
    """Hashed logistic regression + Platt calibration, loaded from kgbuild/data/relations/."""

    def __init__(self, weights: np.ndarray, bias: float, platt: tuple[float, float], thresholds: dict,
                 parse_features: bool = False):
        self.weights = weights.astype(np.float32)
        self.dim = len(weights)
        self.bias = float(bias)
        self.platt = platt
        self.thresholds = thresholds
        self.parse_features = parse_features      # trained with dependency-path features: parse first

    @classmethod
    def load(cls, path: Path = MODEL_DIR) -> "RelationModel":
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        with np.load(path / "weights.npz") as z:
            w = z["weights"].astype(np.float32)
        return cls(w, meta["bias"], tuple(meta["platt"]), meta["thresholds"], meta.get("parse_features", False))

    def margin(self, features: list[str]) -> float:
        return float(self.weights[hash_features(features, self.dim)].sum()) + self.bias

    def probability(self, features: list[str]) -> float:
        a, b = self.platt
        return float(1.0 / (1.0 + np.exp(-(a * self.margin(features) + b))))

    def threshold(self, cand: Candidate, long_document: bool = False, single_sentence: bool = False) -> float | None:
        """The decision threshold for a candidate: a pair in a sentence given alone, in a sentence of a
        document, across sentences (abstracts), or in a long document (case reports: off)."""
        if long_document:
            return self.thresholds.get("long_document") if cand.same_sentence else None
        if single_sentence and "single_sentence" in self.thresholds:
            return self.thresholds["single_sentence"]
        return self.thresholds["same_sentence" if cand.same_sentence else "cross_sentence"]


INDICATION_BEFORE = {("diagnosed", "with"), ("diagnosed", "of"), ("diagnosed", "as"), ("history", "of"),
                     ("treatment", "of"), ("exacerbation", "of"), ("attention", "for"), ("therapy", "for"),
                     ("treated", "for"), ("indicated", "for")}


def _patient_condition(doc: Doc, m: Mention) -> bool:
    """The condition mention is what the patient has or is treated for, not an effect: "a
    45-year-old man with CML", "patients with psoriatic arthritis", "diagnosed with ankylosing
    spondylitis", "an acute exacerbation of Crohn's disease", "because of prolonged neutropenia".
    The classifier, trained on abstracts, scores such comorbidities and indications as caused;
    the rules read indications themselves."""
    before = [t.lower_ for t in doc[max(0, m.start - 4):m.start]]
    if len(before) >= 2 and tuple(before[-2:]) in INDICATION_BEFORE:
        return True
    # "Because of prolonged neutropenia, oral itraconazole was added": the reason a drug was given
    if any((a, b) in {("because", "of"), ("owing", "to")} and all(w.isalpha() for w in before[j + 2:])
           for j, (a, b) in enumerate(zip(before, before[1:]))):
        return True
    # back through a list of conditions ("a 79-year-old man with ischemic heart disease, chronic atrial
    # fibrillation, ... and gout") or conditions of conditions ("scleroderma with myositis") to "with"
    if _EXPOSED.intersection(t.lower_ for t in doc[m.start:].sent):
        return False        # "an infant with choanal atresia was born to a woman treated with X"
    conditions = {t.i for e in doc.ents if e.label_ in CONDITION_TYPES for t in e}
    k, words = m.start - 1, 0
    while k > 0 and m.start - k < 40 and not doc[k].is_sent_start:
        low = doc[k].lower_
        if low == "with":
            prev = doc[k - 1]
            if prev.lower_ in PATIENT_NOUNS or prev.lower_.endswith("old"):
                return True
            if prev.i not in conditions:
                return False
            words = 0
        elif k in conditions or low in {",", "and", "or"}:
            words = 0
        elif doc[k].is_alpha and low not in _LIST_BREAKS and words < 3:
            words += 1          # a modifier ("chronic", "early diffuse cutaneous")
        else:
            return False
        k -= 1
    return False


_EXPOSED = {"born", "utero", "exposed", "exposure", "prenatal", "prenatally", "pregnancy"}
# words that end a list of a patient's conditions when walking back from one of them
_LIST_BREAKS = {"who", "which", "that", "after", "following", "during", "developed", "received", "receiving",
                "treated", "given", "taking", "was", "were", "had", "has", "have", "presented", "from", "by",
                "to", "of", "for", "in", "on", "due", "secondary", "caused", "induced", "associated"}


class SettledConditions:
    """What the rules and the sentence already settle about a document's conditions, so that the
    classifier leaves a candidate alone (shared by the component and the threshold tuning in
    training/train_relations.py, which must see the same candidates)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        # conditions whose cause a rule already read off their sentence ("A caused B, and B caused C":
        # C's cause there is B, not A)
        self.explained = {(raw.sentence.start, raw.object.curie) for raw in doc._.claims}
        # a drug's indication ("hydrochlorothiazide 12.5 mg daily for hypertension") is a condition
        # the patient has, no drug's effect (a condition treated after it arose may still be one)
        self.treated = {raw.object.curie for raw in doc._.claims
                        if raw.rule in ("treat_for", "standing_treatment") and not raw.negated}
        # a condition a rule reads as raising a drug's own effect ("Hypokalemia and renal impairment
        # increase the toxicity of digoxin": renal impairment is no effect of digoxin)
        self.agents = {}
        for raw in doc._.claims:
            end = raw.object.end
            if not raw.negated and raw.predicate in ("causes", "increases") and end < len(doc) and \
                    doc[end].lower_ == "of":
                self.agents.setdefault(raw.subject.curie, set()).add(end + 1)

    def excludes(self, ix: DocIndex, cand: Candidate) -> bool:
        cond = cand.pair[1]
        return (cand.rule_related                   # the rules have spoken about this pair (any reading)
                # its cause is read in its sentence (or, for a cross-sentence pair, in the one read)
                or (ix.sents[cond.sent].start, cond.curie) in self.explained
                or cand.pair[0].start in self.agents.get(cond.curie, ())
                # a negated mention elsewhere says nothing about this drug
                or (cand.negated and not cand.same_sentence)
                # "a man with gout", "diagnosed with CML", "for Crohn's disease"
                or _patient_condition(self.doc, cond)
                or cond.curie in self.treated)     # "hydrochlorothiazide 12.5 mg daily for hypertension"


def _arg(m: Mention) -> Arg:
    return Arg(m.start, m.end, m.curie, m.type)


class RelationClassifier:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.model = RelationModel.load() if enabled() and (MODEL_DIR / "meta.json").exists() else None
        self.parser = None
        if self.model is not None and self.model.parse_features:
            from .parser import PARSER_DIR, load_model
            self.parser = load_model(nlp.vocab, PARSER_DIR)

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None or not doc.ents:
            return doc
        long_document = sum(1 for _ in doc.sents) > MAX_CROSS_SENTENCES
        if long_document and self.model.thresholds.get("long_document") is None:
            return doc
        if self.parser is not None:
            parse(doc, self.parser)
        ix = DocIndex(doc)
        settled = SettledConditions(doc)
        added = []
        for cand in candidates(doc, ix, skip_rule_related=True):
            if settled.excludes(ix, cand):
                continue
            threshold = self.model.threshold(cand, long_document, single_sentence=len(ix.sents) == 1)
            if threshold is None:
                continue
            p = self.model.probability(cand.features)
            if p < threshold:
                continue
            cm, dm = cand.pair
            sents = sorted({cm.sent, dm.sent})
            evidence = [ix.sents[k] for k in sents]
            # evidence[0] is the sentence that names the condition
            evidence.sort(key=lambda s: s.start != ix.sents[dm.sent].start)
            trigger = (dm.start, dm.start)
            added.append(RawClaim(_arg(cm), "causes", _arg(dm), "classifier", trigger, evidence[0],
                                  confidence=round(p, 3), negated=cand.negated, hedged=cand.hedged,
                                  hypothetical=cand.hypothetical,
                                  flags={"evidence": evidence, "trigger": cand.trigger}))
        if added:
            doc._.claims = list(doc._.claims) + added
        return doc


@Language.factory("kgbuild_relations", default_config={})
def make_relation_classifier(nlp: Language, name: str) -> RelationClassifier:
    return RelationClassifier(nlp, name)
