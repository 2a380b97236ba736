"""Dictionary NER: longest-match lookup of token n-grams in the vocabulary.

Each token is normalised once (`normalize_term`: case, Greek letters, hyphens, British
spellings), n-grams are looked up longest first, and plural forms fall back to their singular.
Short all-caps synonyms (ALL, MS, PE) only match with their exact casing. Matches become
`doc.ents` (label = type, kb_id = CURIE); drugs nested in "X-induced Y" compounds are kept in the
span group `kgbuild_nested` so that claim rules can read them.
"""

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .model import CONDITION_TYPES
from .vocabulary import Concept, Vocabulary, normalize_term, normalized_variants

MAX_TOKENS = 8
TYPE_PRIORITY = {"drug": 0, "cytokine": 1, "lab_marker": 2, "process": 3, "disease": 4,
                 "chemical": 5, "drug_class": 6, "gene": 7}
# Tokens that may sit inside a multi-word term but never start or end one.
_INNER_ONLY = {"-", "'", "\u2019", "/", "of", "and", "the", "in", "to", "with", "for", "by"}
_POSSESSIVES = {"'s", "\u2019s"}
# a term never runs across these (also the supplementary matcher's: "potassium, phosphate" is a list)
TERM_BREAKERS = {".", ",", ";", ":", "(", ")", "[", "]", "!", "?", "=", "<", ">", "%"}
# A term never starts with these ("Her disease" is not Hers disease, "our patient" is no concept).
_NEVER_FIRST = {"her", "his", "their", "its", "our", "my", "your", "a", "an", "the", "this", "that", "these",
                "those", "no", "any", "some", "each"}
# A term starts with a word of change only when it names a condition whose remainder is no analyte
# or agent: "increased bilirubin" is bilirubin, and "increased" stays a word the claim rules can read
# ("AKI increased serum creatinine"); "increased libido", "low back pain" or "impaired
# consciousness" are conditions of their own (`_named_by_change`).
_CHANGE_WORDS = {"increased", "elevated", "raised", "decreased", "reduced", "lowered", "high", "low", "rising",
                 "falling", "abnormal", "impaired", "increase", "decrease", "elevation", "reduction"}
# Adjectives that name a condition only of a person ("depressed patients", "she became depressed"):
# elsewhere they say something was lowered ("depressed cardiac function", "depressed as much as 50%")
_PERSON_ADJECTIVES = {"depressed"}
_PERSON_NOUNS = {"patient", "patients", "woman", "women", "man", "men", "subject", "subjects", "individual",
                 "individuals", "people", "persons", "adolescents", "adolescent", "children", "child", "adults",
                 "adult", "outpatients", "inpatients", "mood", "mothers", "mother", "elderly", "girl", "boy"}
_BECOME = {"became", "become", "becomes", "becoming", "feel", "feels", "felt", "feeling", "clinically"}


# "gold" names the drug (gold compounds, chrysotherapy) only in a drug's context
GOLD_COMPOUNDS = "MESH:D017612"
_GOLD_AFTER = {"nephropathy", "neuropathy", "dermatitis", "toxicity", "therapy", "treatment", "injections",
               "injection", "salts", "salt", "compounds", "sodium", "keratopathy", "pneumonitis", "lung"}
_GOLD_COMPOUND = {"induced", "related", "associated", "treated"}
_GOLD_BEFORE = {"with", "receiving", "received", "of", "to", "on", "parenteral", "oral", "intramuscular"}


def overwrite_ents(doc: Doc, spans: list[Span]) -> None:
    """Add `spans` to the document's entities; an entity any of them overlaps gives way to them."""
    taken = {t for sp in spans for t in range(sp.start, sp.end)}
    kept = [e for e in doc.ents if not any(t in taken for t in range(e.start, e.end))]
    doc.ents = filter_spans(kept + spans)


def lowered_not_ill(doc: Doc, start: int, end: int) -> bool:
    """Whether doc[start:end] is a person's adjective used of something else: "depressed cardiac
    function", "was depressed by 50%" say it was lowered, not that anyone was depressed."""
    if end - start != 1 or doc[start].lower_ not in _PERSON_ADJECTIVES:
        return False
    return not ((end < len(doc) and doc[end].lower_ in _PERSON_NOUNS) or
                (start > 0 and doc[start - 1].lower_ in _BECOME))
# A condition named by its adjective ("became lethargic", "was hypokalemic", "psychotic"): the noun
# the vocabulary knows, tried for a predicated one-word mention only and kept only when it is a condition.
_ADJECTIVE_ENDINGS = ("ic", "ous", "tensive")
_AFTER_PREDICATE = {"and", "or", "after", "following", "during", "with", "while", "since", "on", "in", "at",
                    "for", "from", "within", "by", "but", "despite", "when", "due", "secondary"}


def adjective_nouns(word: str) -> list[str]:
    """Nouns an adjective of a condition may come from: -otic -> -osis (psychotic), -ic -> -ia
    (hypokalemic, hypoxic), -ic -> -y (lethargic, neuropathic), -ic -> -a (apneic), -atous -> -a
    (edematous), -ous -> '' (stuporous), -tensive -> -tension (hypertensive), -y -> -iness (drowsy,
    dizzy)."""
    if word.endswith("y"):
        return [word[:-1] + "iness"]
    if word.endswith("tensive"):
        return [word[:-3] + "ion"]
    if word.endswith("atous"):
        return [word[:-4]]
    if word.endswith("ous"):
        return [word[:-3]]
    stem = word[:-2]
    out = [stem[:-1] + "sis"] if word.endswith("otic") else []
    return out + [stem + "ia", stem + "y", stem + "a"]


# "renal toxicity", "pulmonary damage": the harm an organ adjective before these nouns names
# (`VocabularyMatcher._organ_toxicities`), and what joins several organs before one of them
_ORGAN_HARM_NOUNS = {"toxicity", "toxicities", "damage"}
_COORDINATORS = {",", "and", "or", "/"}
# Units and other short forms that follow numbers ("10,000 IU", "5 U") are not concepts.
_UNITS = {"iu", "u", "ml", "mg", "g", "kg", "l", "dl", "mmol", "umol", "nmol", "pmol", "ng", "pg", "mcg",
          "ug", "h", "hr", "min", "s", "cm", "mm", "mmhg", "bpm", "meq", "units", "unit"}


def _is_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text.replace("x", ""))


def choose_concept(candidates: list[Concept], surface: str) -> Concept:
    """Prefer an exact label match, then the type most often meant in case reports."""
    low = surface.lower()
    return min(candidates, key=lambda c: (c.label.lower() != low, TYPE_PRIORITY.get(c.type, 9), c.curie))


class VocabularyMatcher:
    def __init__(self, nlp: Language, name: str, vocabulary: Vocabulary | None = None):
        self.name = name
        self.vocabulary = vocabulary or Vocabulary.load()
        self._hits = getattr(self.vocabulary, "lookup_normalized", None) or self.vocabulary._hits
        self._norm_cache: dict[str, str] = {}

    def _norm(self, text: str) -> tuple[str, str]:
        """(normalised, normalised keeping case) for one token, cached."""
        n = self._norm_cache.get(text)
        if n is None:
            # a possessive the tokenizer split off ("Ringer" "'s") is dropped, as the vocabulary's
            # names drop it ("lactated Ringer's solution" = "lactated ringer solution")
            n = ("", "") if text in _POSSESSIVES else (normalize_term(text), normalize_term(text, keep_case=True))
            if len(self._norm_cache) < 200_000:
                self._norm_cache[text] = n
        return n

    def _lookup(self, key: str, cs_key: str, adjective: bool = False) -> list[Concept]:
        found = self._hits(key, cs_key)
        if not found:
            for variant, cs_variant in zip(normalized_variants(key)[1:], normalized_variants(cs_key)[1:]):
                found = self._hits(variant, cs_variant)
                if found:
                    break
        if not found and adjective and " " not in key and (len(key) >= 6 and key.endswith(_ADJECTIVE_ENDINGS) or
                                                           len(key) >= 5 and key.endswith("y")):
            for noun in adjective_nouns(key):
                found = [c for c in self._hits(noun, noun) if c.type in CONDITION_TYPES]
                if found:
                    break
        return found

    def __call__(self, doc: Doc) -> Doc:
        pairs = [self._norm(t.text) if not t.is_space else ("", "") for t in doc]
        norms = [p[0] for p in pairs]
        cases = [p[1] for p in pairs]
        # token attributes read once (indexing a Doc makes a new Token each time)
        texts = [t.text for t in doc]
        lowers = [x.lower() for x in texts]
        spaces = [t.is_space for t in doc]
        alphas = [t.is_alpha for t in doc]
        matches: list[Span] = []
        i, n = 0, len(doc)
        while i < n:
            if not norms[i] or lowers[i] in _INNER_ONLY or texts[i] in TERM_BREAKERS or lowers[i] in _NEVER_FIRST:
                i += 1
                continue
            change_first = lowers[i] in _CHANGE_WORDS
            hit = None
            stop = min(n, i + MAX_TOKENS)
            # find the farthest reachable end (no breakers or line breaks inside a term)
            end = i + 1
            while end < stop and not spaces[end] and texts[end] not in TERM_BREAKERS:
                end += 1
            for j in range(end, i, -1):
                if j - 1 > i and (lowers[j - 1] in _INNER_ONLY or not norms[j - 1]):
                    continue
                key = " ".join(x for x in norms[i:j] if x)
                if not key or not self.vocabulary.could_name(key):
                    continue        # (most spans: ruled out before any variant is made)
                # an adjective names a condition only where it is predicated ("became lethargic",
                # "was hypokalemic and confused"), not where it modifies a noun ("ophthalmic Graves disease")
                adjective = j == i + 1 and (j >= n or not alphas[j] or lowers[j] in _AFTER_PREDICATE)
                found = self._lookup(key, " ".join(x for x in cases[i:j] if x), adjective)
                if found:
                    concept = choose_concept(found, doc[i:j].text)
                    if change_first and not self._named_by_change(concept, norms[i + 1:j], cases[i + 1:j]):
                        continue
                    hit = Span(doc, i, j, label=concept.type, kb_id=concept.curie)
                    break
            if hit is not None and len(hit) == 1 and len(hit.text) <= 3 and i > 0 and \
                    (hit.text.lower() in _UNITS or _is_number(texts[i - 1])):
                hit = None          # "10,000 IU": a unit after a number
            if hit is not None and lowered_not_ill(doc, hit.start, hit.end):
                hit = None
            if hit is not None:
                matches.append(hit)
                i = hit.end
            else:
                i += 1
        matches += self._interrupted_terms(doc, norms, cases)
        matches += self._organ_toxicities(doc, norms, cases)
        if "gold" in lowers:
            matches += self._gold_compounds(doc, lowers, {t for m in matches for t in range(m.start, m.end)})
        nested = self._nested_drugs(doc, matches, norms, cases)
        doc.ents = filter_spans(list(doc.ents) + matches)
        doc.spans["kgbuild_nested"] = nested
        return doc

    def _gold_compounds(self, doc: Doc, lowers: list[str], taken: set[int]) -> list[Span]:
        """"gold" as the drug (a stop word elsewhere: "the gold standard"): "gold nephropathy", "gold-induced
        neuropathy", "therapy with gold for rheumatoid arthritis", "receiving gold"."""
        concept = self.vocabulary.get(GOLD_COMPOUNDS)
        if concept is None:
            return []
        out, n = [], len(lowers)
        for i, word in enumerate(lowers):
            if word != "gold" or i in taken:
                continue
            nxt = lowers[i + 1] if i + 1 < n else ""
            prev = lowers[i - 1] if i > 0 else ""
            if nxt in _GOLD_AFTER or (nxt == "-" and i + 2 < n and lowers[i + 2] in _GOLD_COMPOUND) \
                    or (prev in _GOLD_BEFORE and nxt in {"for", ",", ".", ";", "and", "or", "was", "were", "had"}):
                out.append(Span(doc, i, i + 1, label=concept.type, kb_id=concept.curie))
        return out

    def _named_by_change(self, concept: Concept, rest: list[str], rest_cases: list[str]) -> bool:
        """A condition named with a word of change ("increased libido") whose remainder is not a
        concept other than a condition ("increased [serum creatinine]", "low [platelet count]")."""
        if concept.type not in CONDITION_TYPES or not any(rest):
            return False
        found = self._lookup(" ".join(x for x in rest if x), " ".join(x for x in rest_cases if x))
        return all(c.type in CONDITION_TYPES for c in found)

    def _interrupted_terms(self, doc: Doc, norms: list[str], cases: list[str]) -> list[Span]:
        """Names with their short form defined inside them: "gastrointestinal (GI) bleeding",
        "tumor necrosis factor (TNF)-alpha". The whole stretch becomes one mention of the name."""
        out = []
        for k in range(1, len(doc) - 3):
            if doc[k].text != "(" or doc[k + 2].text != ")" or not any(c.isupper() for c in doc[k + 1].text) \
                    or len(doc[k + 1].text) > 8:
                continue
            best = None
            for a in range(1, 5):
                left = doc[k - a:k] if k - a >= 0 else None
                if left is None or any(t.text in TERM_BREAKERS or t.is_space for t in left):
                    break
                for b in range(1, 4):
                    right = doc[k + 3:k + 3 + b]
                    if k + 3 + b > len(doc) or any(t.text in TERM_BREAKERS or t.is_space for t in right):
                        break
                    idx = [*range(k - a, k), *range(k + 3, k + 3 + b)]
                    key = " ".join(norms[x] for x in idx if norms[x])
                    found = self._lookup(key, " ".join(cases[x] for x in idx if cases[x])) if key else []
                    if found and (best is None or a + b > best[0]):
                        words = " ".join(doc[x].text for x in idx)
                        best = (a + b, Span(doc, k - a, k + 3 + b, label=(c := choose_concept(found, words)).type,
                                            kb_id=c.curie))
            if best is not None:
                out.append(best[1])
        return out

    def _organ_toxicities(self, doc: Doc, norms: list[str], cases: list[str]) -> list[Span]:
        """"Renal toxicity", "hepatic or hematologic toxicity", "haematological, renal and
        gastrointestinal toxicities", "pulmonary damage": each organ named is a condition of that
        organ (see `_organ_condition`), not the generic drug toxicity. The last organ's mention spans
        it and the noun; the ones coordinated before it are their adjective alone."""
        out = []
        for k, tok in enumerate(doc):
            if tok.lower_ not in _ORGAN_HARM_NOUNS or k == 0:
                continue
            organs, i = [], k - 1           # (start, end) of each organ phrase, last first
            while i >= 0:
                j = i + 1
                while i >= 0 and doc[i].is_alpha and doc[i].lower_ not in _COORDINATORS and j - i <= 3:
                    i -= 1
                if i + 1 == j:
                    break
                organs.append((i + 1, j))
                if i >= 0 and doc[i].lower_ in _COORDINATORS:
                    i -= 1
                    if i >= 0 and doc[i].text == "," and doc[i + 1].lower_ in ("and", "or"):
                        i -= 1
                    continue
                break
            for n, (a, b) in enumerate(organs):
                span = self._organ_condition(doc, norms, cases, a, b, k, last=n == 0, noun=norms[k])
                if span is None:
                    if n == 0:
                        break           # the word before the noun names no organ: not this pattern
                    continue
                out.append(span)
        return out

    def _organ_condition(self, doc, norms, cases, a, b, at, last, noun="toxicity") -> Span | None:
        """The longest tail of tokens a..b that names an organ's condition, as a span (see above):
        "A <noun>" as the vocabulary knows it ("lung damage"), else "A toxicity", "A disease", "A disorder"."""
        for start in range(a, b):
            key = " ".join(x for x in norms[start:b] if x)
            cs = " ".join(x for x in cases[start:b] if x)
            for suffix in dict.fromkeys((noun, "toxicity", "disease", "disorder")):
                found = [c for c in self._lookup(f"{key} {suffix}", f"{cs} {suffix}") if c.type in CONDITION_TYPES]
                if found:
                    c = choose_concept(found, f"{doc[start:b].text} {suffix}")
                    end = at + 1 if last else b
                    return Span(doc, start, end, label=c.type, kb_id=c.curie)
        return None

    def _nested_drugs(self, doc: Doc, matches: list[Span], norms: list[str], cases: list[str]) -> list[Span]:
        """Drugs inside matched "X-induced Y" terms ("heparin-induced thrombocytopenia")."""
        nested = []
        for m in matches:
            for k in range(m.start + 1, m.end - 1):
                if doc[k].text == "-" and doc[k + 1].text.lower() in {"induced", "associated", "related",
                                                                       "mediated", "triggered"}:
                    for a in range(m.start, k):
                        key = " ".join(x for x in norms[a:k] if x)
                        cs_key = " ".join(x for x in cases[a:k] if x)
                        found = [c for c in self._lookup(key, cs_key) if c.type in ("drug", "chemical", "cytokine")]
                        if found:
                            c = choose_concept(found, doc[a:k].text)
                            nested.append(Span(doc, a, k, label=c.type, kb_id=c.curie))
                            break
        return nested


@Language.factory("kgbuild_vocabulary_matcher", default_config={})
def make_vocabulary_matcher(nlp: Language, name: str) -> VocabularyMatcher:
    return VocabularyMatcher(nlp, name)
