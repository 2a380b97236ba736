"""Claim arguments that refer back to a concept the report named before.

Six readings, applied to the claims the rules and the classifier made (the component runs last):

* **Bridging to a narrower condition.** A definite mention of a broad condition ("the non-pitting
  swelling typical of this reaction", "this rash") after the report has named a kind of it
  (angioedema is an edema in HP) refers to that condition: the claim's argument becomes the
  narrower concept. The broad mention must open with a definite determiner or a possessive (the,
  this, these, such, her ...) across modifiers only (part-of-speech tags from the shipped parser,
  run on that sentence only), and exactly one narrower concept may be the most named before it.
* **The accumulated substance.** Once the report has said a drug brings on a process "<X>
  accumulation" (or excess, overload, build-up, retention), X is that drug's mediator, and a later
  causal claim whose subject is X itself ("Bradykinin increases vascular permeability") is also
  read as a claim of the process: a second claim from the process, same predicate, object and
  evidence. (A drug's own accumulation, metformin's in kidney injury, is not read so.)
* **The deficiency a drug brings on.** A drug that lowers a substance ("Isoniazid depletes
  pyridoxine") brings on the report's condition named as that substance's deficiency or depletion
  ("pyridoxine deficiency"): a second claim, drug causes the deficiency, from the same evidence.

* **The denied cause.** "Azithromycin was not responsible", "Atherosclerotic disease was not the
  cause", "X did not cause it / did not contribute": a negated claim, X causes the effect a denial
  in the two sentences before was about ("Mycophenolate did not cause the syndrome. Infection was
  not the cause"), else the report's event (the drug-caused condition named most before it), so
  that a curator sees what was ruled out. Only where the sentence names no effect itself (the
  rules read "was not the cause of Y"). "were not implicated" and "ruled out as causes" deny too,
  for every mention listed ("Doxorubicin, vinblastine and dacarbazine were not implicated"), and so
  does a differential diagnosis set aside: "X and Y were excluded by normal hormone levels", "were
  each excluded, by ...", "X was not a factor", "X was an unlikely explanation".
* **The patient's treatment.** "He responded to prednisolone", "She was managed with X and Y": a
  sentence about the patient that names no condition treats the report's event, unless the drug is
  one the report says caused it ("+event", with the "treat_marker" prior).
* **The contributor.** "Filgrastim may have contributed", "smoking and high inspired oxygen raise
  the risk", "smoking added to the risk": with no effect named, the clause's subjects cause the
  report's event ("contributor+event", hedged when the clause is), unless the report denies that
  they caused anything; "carriage of HLA-B*38:02 confers a several-fold higher risk": the marker is
  associated with it.

All are inferences, so their confidence is the claim's times ``claims.COREF_FACTOR`` and the
evidence rule says which reading made them ("+bridging", "+accumulation", "+deficiency",
"+denied", "+event"; a denied cause has the "agent_noun" prior, a contributor the "contributor" one).
``KGBUILD_COREFERENCE=0`` switches the component off.
"""

import os
from collections import Counter
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from .claims import (CAUSAL_SUBJECT, COPULA, COREF_FACTOR, DRUGLIKE, HEDGE_FACTOR, MARKER_RISK_VERBS,
                     RULE_CONFIDENCE, Arg, ClaimExtractor, RawClaim, keep_best)
from .hierarchy import Hierarchy

CONDITION_TYPES = {"disease", "adverse_event"}
DEFINITE = {"the", "this", "that", "these", "those", "such", "her", "his", "their", "its", "our"}
ACCUMULATION_NOUNS = ("accumulation", "excess", "overload", "build-up", "buildup", "retention")
DEFICIENCY_NOUNS = ("deficiency", "depletion")
CLAUSE_OPENERS = {";", "because", "since", "as", "and", "while", "whereas", "although", "though"}
PREPOSITIONS = {"from", "of", "by", "with", "after", "on", "in", "to", "for", "during"}
RISK_VERBS = {"raise", "raises", "raised", "increase", "increases", "increased", "add", "adds", "added"}
# "carriage of X", "carriers of X": X is the clause's subject all the same
CARRIER_NOUNS = {"carriage", "carrier", "carriers", "presence", "possession"}
MODAL_WORDS = {"may", "might", "could", "possibly", "probably", "likely", "perhaps"}
# words allowed between "responded to / was managed with" and the drug
LEAD_WORDS = {"the", "a", "an", "intravenous", "oral", "high", "dose", "high-dose", "topical", "systemic", "iv"}
# a sentence can deny a cause only with one of these ("not responsible", "excluded / ruled out as the cause")
DENIAL_WORDS = {"not", "excluded", "ruled", "unlikely"}
# what a mention may be denied as ("X was not the cause / a factor", "X was an unlikely explanation")
DENIED_ROLES = {"cause", "culprit", "factor", "explanation", "trigger"}
# what may follow "X was excluded / ruled out" when it sets a differential diagnosis aside
EXCLUDED_HOW = {"by", "on", "with", "through", ",", ".", ";", "and", "clinically", "serologically", "radiologically",
                "angiographically", "histologically", "biochemically", "endoscopically", "genetically"}
# words before a substance that do not change which substance it is ("free carnitine")
SUBSTANCE_MODIFIERS = {"free", "serum", "plasma", "blood", "total", "circulating", "tissue", "body"}
# part-of-speech tags of the words a determiner may stand apart from its noun by, and how many
MODIFIER_TAGS = {"JJ", "JJR", "JJS", "VBN", "VBG", "NN", "NNS", "HYPH", ",", "CC", "RB"}
MAX_MODIFIERS = 6
SUBSTANCE_TYPES = {"drug", "chemical", "cytokine", "lab_marker"}
EFFECT_PREDICATES = {"causes", "increases", "decreases"}


def enabled() -> bool:
    return os.environ.get("KGBUILD_COREFERENCE", "1").lower() not in ("0", "false", "no", "off")


class Coreference:
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self._vocabulary = None
        self._parser = None

    @property
    def vocabulary(self):
        if self._vocabulary is None:
            self._vocabulary = self.nlp.get_pipe("kgbuild_vocabulary_matcher").vocabulary
        return self._vocabulary

    def _ids(self, curie: str) -> frozenset[str]:
        concept = self.vocabulary.get(curie)
        return frozenset([curie, *(concept.xrefs if concept else ())])

    def _definite(self, doc: Doc, arg: Arg, sent: Span) -> bool:
        """Whether the mention's noun phrase opens with a definite determiner or a possessive: the
        words left of it, back to that determiner, are all modifiers by their part-of-speech tags
        (adjectives, participles, nouns, commas: "the non-pitting, non-itchy swelling"). Tags, not
        arcs: the small parser often attaches a determiner to the first adjective."""
        if not doc.has_annotation("TAG"):
            if self._parser is None:
                from .parser import PARSER_DIR, load_model
                self._parser = load_model(self.nlp.vocab, PARSER_DIR)
            tokens = sent.as_doc()
            for _, proc in self._parser.pipeline:
                tokens = proc(tokens)
            offset = sent.start
        else:
            tokens, offset = doc, 0
        first = sent.start - offset
        i = arg.start - offset - 1
        while i >= first and arg.start - offset - i <= MAX_MODIFIERS + 1:
            t = tokens[i]
            if t.lower_ in DEFINITE:
                return True
            if t.tag_ not in MODIFIER_TAGS:
                return False
            i -= 1
        return False

    def _narrower(self, conditions: list[tuple[int, str, str]], arg: Arg, drug_effects: set[str],
                  head: str = "", stated_effects: frozenset[str] = frozenset()) -> str | None:
        """The one narrower condition named most often before ``arg`` (None if none or a tie).
        Only the report's own events qualify, conditions a drug is said to cause (not negated):
        "the hepatitis" after "viral hepatitis was excluded" is not viral hepatitis. And a broad
        condition that is such an event itself ("the AKI" after "vancomycin caused AKI") means
        itself, whatever narrower one the report names too. Narrower by the hierarchy, or by name:
        an event whose name ends in the mention's words (``head``: "the vasospasm" after "capecitabine
        caused coronary vasospasm", whatever concept "vasospasm" alone names). ``stated_effects``: the
        drug effects the rules read (not the classifier)."""
        if arg.curie in drug_effects and not (head and arg.curie not in stated_effects):
            return None     # (what only the classifier read of the mention itself does not make it the event)
        h = Hierarchy.load()
        broad = self._ids(arg.curie)
        counts = Counter(c for start, c, _ in conditions if start < arg.start and c != arg.curie and c in drug_effects)
        named = {c for start, c, text in conditions if head and text.endswith(" " + head)}
        ranked = [(n, c) for c, n in counts.most_common() if c in named or
                  arg.type in CONDITION_TYPES and h.is_narrower(self._ids(c), broad)]
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
            return None
        return ranked[0][1]

    def _bridge(self, doc: Doc, claim: RawClaim, conditions: list[tuple[int, str, str]],
                drug_effects: set[str], stated_effects: frozenset[str]) -> None:
        for role in ("subject", "object"):
            arg: Arg = getattr(claim, role)
            if arg.type not in CONDITION_TYPES | {"process"} or arg.coref or \
                    not claim.sentence.start <= arg.start < claim.sentence.end:
                continue        # (a classifier's claim may take an argument from another sentence)
            if arg.end - arg.start > 2:
                continue        # a full name ("the vitamin B12 deficiency") is that condition, not a shorthand
            target = self._narrower(conditions, arg, drug_effects, doc[arg.start:arg.end].text.lower(),
                                    stated_effects)
            if target is None or not self._definite(doc, arg, claim.sentence):
                continue
            setattr(claim, role, Arg(arg.start, arg.end, target, arg.type, coref=True))
            claim.confidence *= COREF_FACTOR
            claim.rule += "+bridging"

    @staticmethod
    def _accumulations(ents: list[Span], claims: list[RawClaim]) -> dict[str, tuple[int, Arg]]:
        """{substance name: (where the process is first an effect, the process)} for every process
        "<X> accumulation" / "accumulation of X" a drug is said to bring on: X is then a mediator
        of that drug (bradykinin of an ACE inhibitor), and what X does is what its accumulation
        does. A drug's own accumulation (metformin's, in kidney injury) is not read so: what the
        drug does is its pharmacology, accumulated or not."""
        effects = {c.object.curie: c.object.start for c in claims
                   if c.object.type == "process" and c.subject.type in DRUGLIKE and not c.negated
                   and c.predicate in ("causes", "increases")}
        out: dict[str, tuple[int, Arg]] = {}
        if not effects:
            return out
        for e in ents:
            if e.label_ != "process" or e.kb_id_ not in effects:
                continue
            text = e.text.lower()
            for noun in ACCUMULATION_NOUNS:
                name = text[:-len(noun)].strip() if text.endswith(" " + noun) else \
                    text[len(noun) + 4:].strip() if text.startswith(noun + " of ") else None
                if name and name not in out:
                    out[name] = (effects[e.kb_id_], Arg(e.start, e.end, e.kb_id_, "process"))
        return out

    @staticmethod
    def _deficiencies(doc: Doc, ents: list[Span], claims: list[RawClaim]) -> list[RawClaim]:
        """"<drug> depletes X" + the report's condition "X deficiency": drug causes the deficiency."""
        named: dict[str, Arg] = {}
        for e in ents:
            if e.label_ not in CONDITION_TYPES | {"process"}:
                continue
            words = e.text.lower().split()
            if len(words) >= 2 and words[-1] in DEFICIENCY_NOUNS:
                named.setdefault(" ".join(words[:-1]), Arg(e.start, e.end, e.kb_id_, e.label_))
        if not named:
            return []
        out = []
        for c in claims:
            if c.predicate != "decreases" or c.negated or c.subject.type not in DRUGLIKE or \
                    c.object.type not in SUBSTANCE_TYPES:
                continue
            words = doc[c.object.start:c.object.end].text.lower().split()
            while len(words) > 1 and words[0] in SUBSTANCE_MODIFIERS:
                words = words[1:]
            condition = named.get(" ".join(words))
            if condition is None or condition.curie == c.subject.curie:
                continue
            out.append(replace(c, predicate="causes", object=replace(condition, coref=True),
                               confidence=c.confidence * COREF_FACTOR, rule=c.rule + "+deficiency",
                               flags=dict(c.flags)))
        return out

    @staticmethod
    def _denials(doc: Doc, sent: Span, args: list[Span]) -> list[tuple[Span, int]]:
        """(the mention denied as a cause, the index of its "cause"/"responsible" word) for each clause
        of the sentence that says "<X> was not responsible / the (likely) cause / the culprit", "<X> did
        not cause it", "<X> was excluded as the cause", with no "of"/"for" naming the effect after
        ("Copper deficiency was not responsible, and cord compression was excluded as a cause": both)."""
        toks = [t.lower_ for t in sent]
        base = sent.start
        out = []
        for a in args:
            k = a.end - base
            if k < len(toks) and toks[k] in {"disease", "therapy", "treatment", "use", "exposure", "infection"}:
                k += 1              # "Atherosclerotic disease was not the cause"
            if k < len(toks) and toks[k] == ",":
                # "Candesartan, taken unchanged for five years, was not implicated": past the aside
                close = next((j for j in range(k + 1, min(k + 10, len(toks))) if toks[j] == ","), None)
                if close is not None and not any(base + k < e.start < base + close for e in args):
                    k = close + 1
            if k + 1 < len(toks) and toks[k] in {"does", "did", "do"} and toks[k + 1] == "not":
                # "Sevoflurane does not interact with cobalamin and was not implicated"
                link = next((j for j in range(k + 2, min(k + 10, len(toks) - 2))
                             if toks[j] == "and" and toks[j + 1] in COPULA and toks[j + 2] == "not"), None)
                if link is not None:
                    k = link + 1
            if a.label_ not in CAUSAL_SUBJECT or k + 2 >= len(toks):
                continue
            w = toks[k:k + 6]
            at = None
            if w[0] in COPULA and w[1] == "not":
                j = 2
                while j < len(w) and w[j] in {"the", "a", "likely", "probable", "main", "responsible"}:
                    if w[j] == "responsible":
                        at = j
                        break
                    j += 1
                if at is None and j < len(w) and w[j] in DENIED_ROLES:
                    at = j
                if at is None and w[2] == "implicated" and (len(w) == 3 or w[3] in {".", ",", ";", "as", "because",
                                                                                    "since"}):
                    at = 2          # "Doxorubicin, vinblastine and dacarbazine were not implicated, as ..."
            elif w[0] in {"did", "does"} and w[1] == "not" and w[2] == "cause" and len(w) > 3 and \
                    w[3] in {"it", "this", "them"}:
                at = 2
            elif w[0] in {"did", "does"} and w[1] == "not" and w[2] == "contribute" and (len(w) == 3 or
                                                                                     w[3] in {".", ",", ";"}):
                at = 2              # "Apixaban did not contribute."
            elif w[0] in COPULA and w[1] in {"a", "an"} and w[2] == "unlikely" and len(w) > 3 and \
                    w[3] in DENIED_ROLES:
                at = 3              # "Uraemia was an unlikely explanation"
            elif w[0] in COPULA and (w[1] in {"excluded", "ruled"} or (w[1] in {"each", "all", "both", "also"}
                                                                      and w[2] in {"excluded", "ruled"})):
                q = 1 + (w[1] not in {"excluded", "ruled"})
                j = q + 1 + (w[q] == "ruled" and len(w) > q + 1 and w[q + 1] == "out")
                if w[j:j + 1] == ["as"] and len(w) > j + 2 and w[j + 1] in {"the", "a"} and w[j + 2] == "cause":
                    at = j + 2
                elif w[j:j + 1] == ["as"] and len(w) > j + 1 and w[j + 1] in {"causes", "cause"}:
                    at = j + 1      # "... were ruled out as causes by serology"
                elif j >= len(w) or w[j] in EXCLUDED_HOW:
                    # a differential diagnosis set aside: "Hypothyroidism and adrenal insufficiency were
                    # excluded by normal hormone levels", "... were each excluded, by serology ..."
                    at = j - 1
            if at is None:
                continue
            after = toks[k + at + 1:k + at + 2]
            if after and after[0] in {"of", "for", "in"}:
                continue            # the effect is named: the claim rules read it
            out.append((a, base + k + at))
        return out

    def _denied_causes(self, doc: Doc, ents: list[Span], claims: list[RawClaim]) -> list[RawClaim]:
        out = []
        sents = list(doc.sents)
        negated = [n for n, sent in enumerate(sents) if any(t.lower_ in DENIAL_WORDS for t in sent)]
        for n in negated:
            sent = sents[n]
            args = [e for e in ents if sent.start <= e.start < sent.end and e.kb_id_]
            for last, at in self._denials(doc, sent, args):
                out.extend(self._deny(claims, ents, sents, n, last, at, args))
        return out

    def _deny(self, claims: list[RawClaim], ents: list[Span], sents: list[Span], n: int, last: Span, at: int,
              args: list[Span]) -> list[RawClaim]:
        """The negated claims of one denial: every mention coordinated with ``last`` denied as a cause
        of the effect the denial is about."""
        sent, out = sents[n], []
        doc = sent.doc
        subjects = [a for a in self._coordinated(doc, args, last) if not _read_in(claims, sent, a.kb_id_)]
        if not subjects:
            return out              # the rules read this sentence's claim of it
        # the effect a denial just before was about ("Mycophenolate did not cause the syndrome.
        # Infection was not the cause"), else the report's event: the drug-caused condition it
        # names most
        lo = sents[max(0, n - 2)].start
        denied = [c for c in claims if lo <= c.sentence.start < sent.start and c.predicate == "causes"
                  and c.negated and c.object.type in CONDITION_TYPES]
        if denied:
            effect = max(denied, key=lambda c: c.object.start).object
        else:
            effect = self._report_event(claims, ents, sent.start)
            if effect is None:
                return out
        for subj in subjects:
            if effect.curie == subj.kb_id_ or any(c.subject.curie == subj.kb_id_ and c.object.curie == effect.curie
                                                 and not c.negated for c in claims):
                continue            # (what the report says it did cause)
            out.append(RawClaim(Arg(subj.start, subj.end, subj.kb_id_, subj.label_), "causes",
                                Arg(at, at + 1, effect.curie, effect.type, coref=True), "agent_noun+denied",
                                (at, at + 1), sent, RULE_CONFIDENCE["agent_noun"] * COREF_FACTOR, negated=True))
        return out

    def _contributors(self, doc: Doc, ents: list[Span], claims: list[RawClaim]) -> list[RawClaim]:
        """"Filgrastim may have contributed", "Cumulative dose, smoking and high inspired oxygen raise the
        risk", "smoking added to the risk": with no effect named, what they contributed to is the
        report's event (hedged when the clause is); a marker that "confers a higher risk" ("carriage
        of HLA-B*38:02") is associated with it. `claims` includes the denials read so far."""
        out = []
        for sent in doc.sents:
            toks = [t.lower_ for t in sent]
            for v in self._contribution_verbs(toks):
                lo = max([j + 1 for j in range(v) if toks[j] in CLAUSE_OPENERS and
                          (toks[j] != "and" or (j > 0 and toks[j - 1] == ","))], default=0)
                if any(toks[j] in {"not", "no", "never"} for j in range(lo, v)):
                    continue                # (denials are `_denied_causes`)
                # the clause's subject(s): not a mention after a preposition ("hypokalemia from furosemide")
                subjects = [e for e in ents if sent.start + lo <= e.start and e.end <= sent.start + v and e.kb_id_
                            and e.label_ in CAUSAL_SUBJECT
                            and (e.start == 0 or doc[e.start - 1].lower_ not in PREPOSITIONS or
                                 doc[e.start - 1].lower_ == "of" and e.start > 1 and
                                 doc[e.start - 2].lower_ in CARRIER_NOUNS)
                            and not _read_in(claims, sent, e.kb_id_)]
                effect = self._report_event(claims, ents, sent.start) if subjects else None
                if effect is None:
                    continue
                hedged = any(toks[j] in MODAL_WORDS for j in range(lo, v))
                at = sent.start + v
                for subj in subjects:
                    # (what the report says, either way: "Diabetes did not cause the neuropathy" after
                    # "... diabetes ... raise the risk" keeps the denial alone)
                    if subj.kb_id_ == effect.curie or any(
                            c.subject.curie == subj.kb_id_ and (c.object.curie == effect.curie or
                                                                (c.negated and c.predicate == "causes"))
                            for c in claims):
                        continue
                    pred = "associated_with" if toks[v] in MARKER_RISK_VERBS else "causes"
                    out.append(RawClaim(Arg(subj.start, subj.end, subj.kb_id_, subj.label_), pred,
                                        Arg(at, at + 1, effect.curie, effect.type, coref=True), "contributor+event",
                                        (at, at + 1), sent, RULE_CONFIDENCE["contributor"] * COREF_FACTOR *
                                        (HEDGE_FACTOR if hedged else 1.0), hedged=hedged))
        return out

    @staticmethod
    def _contribution_verbs(toks: list[str]) -> list[int]:
        """Indexes of "contributed" with nothing after it ("X may have contributed, because ...") and of
        the verb of "raise(s) / increase(s) / added to the risk" or "confers / carries a (higher) risk"
        with no "of/for" after "risk"."""
        out = []
        for j, w in enumerate(toks):
            nxt = toks[j + 1] if j + 1 < len(toks) else "."
            if w in {"contributed", "contribute", "contributes"} and nxt in {",", ".", ";", "because", "since", "as",
                                                                             "too"}:
                out.append(j)
            elif w in RISK_VERBS:
                k = j + 1 + (nxt == "to")
                if toks[k:k + 2] == ["the", "risk"] and (k + 2 >= len(toks) or toks[k + 2] not in {"of", "for"}):
                    out.append(j)
            elif w in MARKER_RISK_VERBS:
                # "confers a several-fold higher risk", "carries an increased risk" (of nothing named)
                k = next((x for x in range(j + 1, min(len(toks), j + 8)) if toks[x] == "risk"), None)
                if k is not None and toks[j + 1] in {"a", "an", "the"} and \
                        (k + 1 >= len(toks) or toks[k + 1] not in {"of", "for"}):
                    out.append(j)
        return out

    @staticmethod
    def _report_event(claims: list[RawClaim], ents: list[Span], before: int) -> Arg | None:
        """The report's event: the drug-caused condition it names most before token `before`."""
        # (what the drug's condition came with, "pneumonitis with early fibrosis", is no event of its own)
        caused = {c.object.curie: c.object for c in claims if c.predicate == "causes" and not c.negated
                  and c.subject.type in DRUGLIKE and c.object.type in CONDITION_TYPES
                  and not c.flags.get("came_with")}
        counts = Counter(e.kb_id_ for e in ents if e.kb_id_ in caused and e.start < before)
        # (Counter keeps first-seen order among equal counts: the earliest named wins a tie)
        return caused[counts.most_common(1)[0][0]] if counts else None

    def _patient_treatments(self, doc: Doc, ents: list[Span], claims: list[RawClaim]) -> list[RawClaim]:
        """"He responded to prednisolone", "she was managed with X and Y", "he improved on X": the
        report's event is what the drug treated, where the sentence names nothing it was given for
        and the drug is not one the report says caused the event."""
        out = []
        for sent in doc.sents:
            toks = [t.lower_ for t in sent]
            at = self._patient_response(toks)
            if at is None:
                continue
            k = sent.start + at
            in_sent = [e for e in ents if sent.start <= e.start < sent.end and e.kb_id_]
            if any(e.label_ in CONDITION_TYPES for e in in_sent if e.start >= k) or \
                    any(t in {"for", "not", "no", "never", "without"} for t in toks[at:]):
                continue        # "... with X for Y" (the rules read it); "did not respond"
            drugs = self._listed_drugs(doc, in_sent, k, sent)
            effect = self._report_event(claims, ents, sent.start)
            if not drugs or effect is None:
                continue
            for d in drugs:
                if any(c.subject.curie == d.kb_id_ and c.object.curie == effect.curie and c.predicate == "causes"
                       for c in claims):
                    continue    # the culprit, not the cure
                out.append(RawClaim(Arg(d.start, d.end, d.kb_id_, d.label_), "treats",
                                    Arg(k - 1, k, effect.curie, effect.type, coref=True), "treat_marker+event",
                                    (k - 1, k), sent, RULE_CONFIDENCE["treat_marker"] * COREF_FACTOR))
        return out

    @staticmethod
    def _patient_response(toks: list[str]) -> int | None:
        """Index of the first token after "<he/she/the patient> responded to / was managed with /
        was treated with / improved on", when the sentence opens so; else None."""
        j = 1 if toks[:1] in (["he"], ["she"]) else 2 if toks[:2] == ["the", "patient"] else 0
        if not j:
            return None
        for pattern in (("responded", "to"), ("was", "managed", "with"), ("was", "treated", "with"),
                        ("improved", "on"), ("improved", "with"), ("recovered", "with")):
            if tuple(toks[j:j + len(pattern)]) == pattern:
                return j + len(pattern)
        return None

    @staticmethod
    def _listed_drugs(doc: Doc, ents: list[Span], k: int, sent: Span) -> list[Span]:
        """The drug named at token k (after "the", "a", "intravenous"...) and those listed right after it."""
        drugs = sorted((e for e in ents if e.label_ in DRUGLIKE and e.start >= k), key=lambda e: e.start)
        if not drugs or any(not (t.is_alpha and t.lower_ in LEAD_WORDS) for t in doc[k:drugs[0].start]):
            return []
        out = [drugs[0]]
        for d in drugs[1:]:
            gap = [t.lower_ for t in doc[out[-1].end:d.start]]
            if not gap or not all(g in {",", "and", "or"} for g in gap):
                break
            out.append(d)
        return out

    @staticmethod
    def _coordinated(doc: Doc, args: list[Span], last: Span) -> list[Span]:
        """The denied mention with those listed before it ("Doxorubicin, vinblastine and dacarbazine were
        not implicated"), in text order: the claim rules' coordination (`_coordinated_before`)."""
        as_args = {(e.start, e.end): e for e in args}
        listed = ClaimExtractor._coordinated_before(
            doc, [Arg(e.start, e.end, e.kb_id_, e.label_) for e in args], Arg(last.start, last.end, last.kb_id_,
                                                                             last.label_))
        return [as_args[a.start, a.end] for a in listed] + [last]

    def __call__(self, doc: Doc) -> Doc:
        if not enabled() or not doc._.claims:
            return doc
        claims: list[RawClaim] = doc._.claims
        ents = list(doc.ents)       # (doc.ents makes new Spans on every access: read once)
        effect_claims = [c for c in claims if c.subject.type in DRUGLIKE and not c.negated
                         and c.predicate in ("causes", "associated_with")]
        drug_effects = {c.object.curie for c in effect_claims}
        if drug_effects:
            conditions = [(e.start, e.kb_id_, e.text.lower()) for e in ents if e.label_ in CONDITION_TYPES]
            stated = frozenset(c.object.curie for c in effect_claims if c.rule != "classifier")
            for c in claims:
                self._bridge(doc, c, conditions, drug_effects, stated)
        accumulations = self._accumulations(ents, claims)
        denied = self._denied_causes(doc, ents, claims)
        added = self._deficiencies(doc, ents, claims) + denied + self._patient_treatments(doc, ents, claims) + \
            self._contributors(doc, ents, claims + denied)
        if accumulations:
            for c in claims:
                s = c.subject
                found = accumulations.get(doc[s.start:s.end].text.lower())
                if (found is None or s.type not in SUBSTANCE_TYPES or c.predicate not in EFFECT_PREDICATES
                        or c.negated or s.start <= found[0] or c.object.curie == found[1].curie):
                    continue
                process = found[1]
                added.append(replace(c, subject=Arg(s.start, s.end, process.curie, "process", coref=True),
                                     confidence=c.confidence * COREF_FACTOR, rule=c.rule + "+accumulation",
                                     flags=dict(c.flags)))
        # a re-pointed claim may now repeat another reading of its sentence: keep the more confident
        doc._.claims = keep_best(claims + added, rank=lambda c: c.confidence,
                                 key=lambda c: (c.sentence.start, c.subject.curie, c.predicate, c.object.curie,
                                                c.negated))
        return doc


def _read_in(claims: list[RawClaim], sent: Span, curie: str) -> bool:
    """Whether a claim of `sent` already has this subject (the rules read the sentence's claim of it)."""
    return any(c.sentence.start == sent.start and c.subject.curie == curie for c in claims)


@Language.factory("kgbuild_coreference", default_config={})
def make_coreference(nlp: Language, name: str) -> Coreference:
    return Coreference(nlp, name)
