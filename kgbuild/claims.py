"""Claim extraction: trigger-centred rules in the spirit of SemRep's indicator rules.

Each sentence is scanned for relation triggers (causal, regulatory and therapeutic verbs, their
nominal and passive forms, "secondary to", "X-induced Y", lab-change statements). A trigger picks
its arguments from the entity mentions around it according to its form: active verbs take the
(coordinated) subjects on the left and the (coordinated) objects on the right, and a mechanism
named after the object ("through Z") as a step between them; passives and "due to"-style markers
take them the other way round; agent nouns ("X is a mediator of Y") and indications ("X 10 mg daily
for Y") have rules of their own. Signs compose along the trigger chain ("reduced the
release of IL-6" = decreases). Negation, hedging and hypotheticals come from ConText modifiers
whose scope covers the trigger or the arguments.

Confidence is a documented prior per rule (see RULE_CONFIDENCE), lowered for hedged claims,
claims whose subject came from a definite description ("the drug"), and long gaps.
"""

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from .context import modifiers_covering

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=[])


def _inflect(verb: str) -> set[str]:
    """base, 3rd person, past, gerund of a regular English verb."""
    forms = {verb}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    elif verb.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {verb + "es", verb + "ed", verb + "ing"}
    else:
        forms |= {verb + "s", verb + "ed", verb + "ing"}
        if len(verb) >= 3 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
            # a final consonant doubled: "controlled", "dropped" (written for every such verb, as
            # spelling depends on stress: "triggerred" is simply never read)
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


def verb_forms(verbs: str, irregular: str = "") -> set[str]:
    """Every inflection of the verbs (plus the irregular forms given)."""
    out: set[str] = set()
    for v in verbs.split():
        out |= _inflect(v)
    return out | set(irregular.split())


# sign: +1 raises / causes, -1 lowers
CAUSE_VERBS = verb_forms("cause induce trigger provoke precipitate produce elicit promote generate evoke "
                       "initiate unmask exacerbate worsen aggravate damage injure explain", "drove driven drive drives driving")
INCREASE_VERBS = verb_forms("increase raise elevate stimulate release upregulate up-regulate boost enhance augment "
                          "activate amplify heighten potentiate prolong restore")
# "restores mitochondrial respiration" raises a process or a measure; "can restore these signs" brings
# a condition back, and "restores the anemia-induced reduction" is about the reduction
RESTORE_VERBS = verb_forms("restore")
DECREASE_VERBS = verb_forms("decrease reduce lower suppress deplete inhibit downregulate diminish attenuate block "
                          "impair abolish blunt lessen shorten antagonize antagonise disrupt down-regulate slow", "cut")
TREAT_VERBS = verb_forms("treat reverse relieve control correct counteract manage alleviate ameliorate abort "
                       "neutralize neutralise normalize normalise rescue prevent")
PREVENT_VERBS = verb_forms("prevent")
# a therapy said to have failed treats nothing ("ineffective in controlling the pain")
FAILED_WORDS = {"ineffective", "failed", "fails", "fail", "unable", "insufficient", "unsuccessful", "inadequate"}
# therapy verbs that bring a marker back to normal, whichever way that is
UNSIGNED_TREAT_VERBS = verb_forms("correct normalize normalise control manage rescue")
ALL_VERBS = CAUSE_VERBS | INCREASE_VERBS | DECREASE_VERBS | TREAT_VERBS
PHRASAL_CAUSE = {("lead", "to"), ("led", "to"), ("leads", "to"), ("leading", "to"), ("result", "in"),
                 ("resulted", "in"), ("results", "in"), ("resulting", "in"), ("gave", "rise"), ("give", "rise"),
                 ("gives", "rise"), ("giving", "rise"), ("given", "rise"), ("accounts", "for"),
                 ("account", "for"), ("accounted", "for"), ("accounting", "for"),
                 ("contributed", "to"), ("contributes", "to"), ("contribute", "to"), ("contributing", "to"),
                 # "Bisoprolol may have added to the bradycardia" (not "was added to": see ADDED)
                 ("added", "to"), ("adds", "to"), ("add", "to"),
                 ("responsible", "for"), ("implicated", "in"),
                 # "fibroblast activation ends in pulmonary fibrosis", "pushed up the INR"
                 ("ends", "in"), ("end", "in"), ("ended", "in"), ("ending", "in"), ("culminates", "in"),
                 ("culminated", "in"), ("pushed", "up"), ("pushes", "up"), ("push", "up"), ("drove", "up"),
                 ("drives", "up"), ("drive", "up")}
ADDED = {"added", "adds", "add"}
INCREASE_NOUNS = {"release", "increase", "increases", "rise", "elevation", "elevations", "surge", "spike",
                  "activation", "induction", "production", "secretion", "upregulation", "overproduction",
                  "excess", "accumulation", "high", "higher", "elevated", "raised", "increased"}
DECREASE_NOUNS = {"reduction", "decrease", "decline", "fall", "drop", "depletion", "suppression", "inhibition",
                  "loss", "deficiency", "low", "lower", "reduced", "decreased", "depressed", "lowered"}
# intransitive change verbs: "<marker> rose after <drug>"
RISE_VERBS = verb_forms("increase rise climb peak surge spike double triple elevate", "rose risen")
FALL_VERBS = verb_forms("decrease fall decline drop dip plummet halve", "fell fallen")
BE_AUX = {"was", "were", "is", "are", "be", "been", "being", "had", "has", "have"}
COPULA = {"is", "was", "are", "were"}
# "X confers / carries a higher risk (of Y)": a risk marker (also `coreference`, with no Y named)
MARKER_RISK_VERBS = verb_forms("confer carry", "carried")
MODALS = {"may", "might", "can", "could", "would", "should", "must", "will"}
# "Y <marker> X" – the cause comes after the marker
CAUSE_MARKERS = {("secondary", "to"): "causes", ("due", "to"): "causes", ("attributed", "to"): "causes",
                 ("attributable", "to"): "causes", ("caused", "by"): "causes", ("induced", "by"): "causes",
                 ("triggered", "by"): "causes", ("provoked", "by"): "causes", ("precipitated", "by"): "causes",
                 ("related", "to"): "associated_with", ("associated", "with"): "associated_with",
                 ("linked", "to"): "associated_with", ("linked", "with"): "associated_with",
                 ("consequence", "of"): "causes",
                 ("complication", "of"): "causes", ("result", "of"): "causes", ("following",): "after",
                 ("after",): "after", ("during",): "after", ("while", "receiving"): "after",
                 ("while", "taking"): "after", ("while", "on"): "after", ("while", "using"): "after"}
# "acute lamotrigine poisoning", "carbamazepine toxicity": what a condition named by these nouns right
# after a drug causes, the drug causes
TOXICITY_NOUNS = {"poisoning", "toxicity", "overdose", "overdosage", "intoxication", "ingestion"}
# "interferon hepatitis C therapy", "tamoxifen breast cancer patients": a drug and condition that
# together modify these nouns say nothing of cause (the drug treats the condition, or they name patients)
COMPOUND_NOT_CAUSED = {"therapy", "treatment", "patient", "patients", "trial", "trials", "regimen", "prophylaxis",
                       "prevention", "management", "control", "cases", "subjects", "women", "men", "children", "-"}
# conditions named with a drug that are no effect of taking it ("benzodiazepine withdrawal symptoms")
NOT_AN_EFFECT = {"withdrawal", "aspiration", "abuse", "dependence", "addiction", "overdoses", "symptoms"}
# "allergy to X", "hypersensitivity to X": X causes the allergy and what it causes
ALLERGY_NOUNS = {"allergy", "allergies", "hypersensitivity", "hypersensitivities", "sensitivity", "sensitization",
                 "sensitisation", "intolerance"}
# "the role of X in the pathogenesis of Y"
ROLE_NOUNS = {"role", "responsibility", "involvement", "implication", "contribution"}
ETIOLOGY_NOUNS = {"pathogenesis", "etiology", "aetiology", "development", "genesis", "occurrence", "induction",
                  "causation"}
TREAT_MARKERS = {("treated", "with"), ("managed", "with"), ("resolved", "with"), ("resolved", "after"),
                 ("resolved", "following"), ("improved", "with"), ("improved", "after"), ("improved", "following"),
                 ("responded", "to"), ("subsided", "with"), ("subsided", "after"), ("reversed", "with"),
                 ("reversed", "by"), ("controlled", "with"), ("treatment", "with"), ("therapy", "with"),
                 ("abated", "with"), ("normalized", "with"), ("normalised", "with"), ("resolved", "on"),
                 ("settled", "with"), ("settled", "after"), ("disappeared", "after"), ("stopped", "after"),
                 ("stopped", "with"), ("ceased", "after"), ("abated", "after")}
SWITCH_MARKERS = {("changed", "to"), ("switched", "to")}
TREATED_PARTICIPLES = {"controlled", "treated", "managed"}
# "Y during / after / under (19 days of) treatment with X": the drug's course (`_during_treatment`)
COURSE_MARKERS = {"during", "after", "following", "while", "on", "under", "receiving", "undergoing"}
COURSE_FILLERS = {"a", "an", "the", "his", "her", "their", "of", "combination", "long", "-", "short", "high", "low",
                  "dose", "adjuvant", "maintenance", "initial", "continued", "prolonged", "chronic", "concomitant",
                  "'", "’", "almost", "nearly", "uninterrupted", "induction", "consolidation", "salvage", "pulse",
                  # "after she began antiviral therapy with", "after initiation of therapy with"
                  "she", "he", "they", "began", "begun", "started", "starting", "beginning", "commencing",
                  "initiation", "initiating", "institution"}
PROPHYLAXIS_NOUNS = {"prophylaxis", "prevention"}
THERAPY_NOUNS = {"treatment", "therapy", "prophylaxis", "regimen", "management"}
# a drug named as stopped after a marker of recovery: the recovery is a positive dechallenge
WITHDRAWAL_NOUNS = {"discontinuation", "withdrawal", "cessation", "stopping", "discontinuing", "withdrawing",
                    "withholding", "interruption", "removal"}
WITHDRAWAL_VERBS = {"stopped", "discontinued", "withdrawn", "withheld", "ceased", "interrupted", "removed"}
DECHALLENGE_MARKERS = {"resolved", "improved", "subsided", "disappeared", "abated", "normalized", "normalised",
                       "settled", "reversed"}
# "X resulted in (complete) resolution of Y": what the drug brought about is Y's end
RESOLUTION_NOUNS = {"resolution", "improvement", "regression", "disappearance", "normalization", "normalisation",
                    "remission", "recovery", "reversal", "amelioration", "relief", "correction"}
RESULT_WORDS = {"resulted", "results", "result", "led", "leads", "lead", "produced", "produces", "caused", "causes",
                "achieved", "achieves", "brought", "induced", "induces", "gave", "yielded", "allowed", "with",
                "after", "following"}
BIOMARKER_NOUNS = {"marker", "biomarker", "indicator", "sign", "hallmark", "surrogate"}
# "X is a (possible) mediator of Y": nouns that make what comes before them the cause of what follows
AGENT_NOUNS = {"cause", "mediator", "mediators", "driver", "drivers", "trigger", "triggers", "inducer", "inducers",
               "promoter", "culprit"}
AGENT_NOUN_MODIFIERS = {"a", "an", "the", "main", "major", "key", "likely", "possible", "probable", "important",
                        "common", "rare", "known", "central", "potential", "principal", "most", "leading", "direct",
                        "well", "-", "frequent", "recognised", "recognized", "established", "underlying"}
DEFINITE_DRUG = {"drug", "agent", "medication", "medicine", "antibody", "vaccine", "infusion", "therapy",
                 "treatment", "compound", "product", "regimen"}
# "the syndrome": the report's syndrome (`_index_syndrome`); not "the syndrome of inappropriate ..."
DEFINITE_CONDITION = {"syndrome"}
# "dose increase", "dosage reduction": the change word after these is a noun
DOSE_NOUNS = {"dose", "doses", "dosage", "dosing"}
# "(after) his first 20 mg dose of", "the second infusion of", "a single course of"
DOSE_PHRASE = DOSE_NOUNS | {"his", "her", "their", "the", "a", "an", "initial", "last", "single", "mg", "g", "µg",
                            "mcg", "mg/kg", "mg/m2", "infusion", "infusions", "cycle", "cycles", "course", "courses",
                            "injection", "administration", "of", "oral", "intravenous", "loading"}
# a mention right before these names a receptor (or its gene), not the ligand a verb would act on
RECEPTOR_NOUNS = {"receptor", "receptors", "channel", "channels"}
CLAUSE_BREAKS = {";", "but", "whereas", "although", "though", "however", "while"}
# a dose, route or schedule between a drug and what follows it ("enoxaparin 10,000 IU subcutaneously
# for suspected PE", "allopurinol 300 mg daily for gout"); numbers are recognised separately
DOSING_WORDS = {"mg", "g", "µg", "μg", "mcg", "ug", "ng", "kg", "iu", "u", "units", "unit", "ml", "l", "mmol", "meq",
                "m2", "m²", "/", "per", "daily", "day", "days", "twice", "once", "thrice", "weekly", "hourly", "a",
                "bid", "tid", "qid", "od", "orally", "oral", "intravenously", "intravenous", "iv", "subcutaneously",
                "subcutaneous", "intramuscularly", "intramuscular", "im", "sc", "po", "bolus", "infusion", "dose",
                "doses", "each", "every", "times", "h", "hours", "x", "×", "-", "to", "and", "of", ",", "(", ")"}
SUBJECT_PREPS = {"with", "plus", "and", "or", "than", "to"}
# words that may stand between a subject and its verb ("IL-6 in turn also promoted")
ADVERBS = {"also", "then", "in", "turn", "further", "thereby", "thus", "probably", "likely", "possibly", "itself",
           "directly", "rapidly", "markedly", "subsequently", "later", "may", "might", "could", "can", "have",
           "has", "had", "both", "each", "again", "clearly", "strongly", "which", "not", "did", "does", "do",
           "only", "often", "usually", "typically", "commonly", "frequently", "often"}
ADJECTIVAL_BEFORE = {"a", "an", "the", "with", "of", "at", "markedly", "mildly", "slightly", "persistently",
                     "significantly", "moderately", "severely", "highly", "newly"}
AFTER_OBJECT_DECREASE = {"loss", "depletion", "deficiency", "clearance", "reduction", "suppression", "excretion",
                         "decline", "declines", "drop", "drops", "fall", "decrease", "decreases",
                         # "lowers the seizure threshold": makes seizures likelier
                         "threshold", "thresholds"}

CAUSAL_SUBJECT = {"drug", "drug_class", "chemical", "cytokine", "process", "disease", "lab_marker", "gene"}
DRUGLIKE = {"drug", "drug_class", "chemical"}
CONDITION = {"disease", "process", "adverse_event"}
# "X-induced Y", "X-associated Y": the compound's participle (the tokenizer splits it off after "-")
COMPOUND_VERBS = {"induced", "associated", "related", "mediated", "triggered", "driven"}
MEASURABLE = {"lab_marker", "cytokine", "gene"}
SUBSTANCE_OBJECTS = MEASURABLE | {"chemical", "drug"}

RULE_CONFIDENCE = {
    "active_verb": 0.85, "passive_verb": 0.85, "compound": 0.8, "cause_marker": 0.8,
    "treat_active": 0.85, "treat_marker": 0.8, "treat_for": 0.65, "standing_treatment": 0.4, "lab_change": 0.65,
    "temporal": 0.5, "association": 0.45, "dechallenge": 0.7, "biomarker": 0.6, "mechanism": 0.8, "agent_noun": 0.75,
    "resulting": 0.75, "contributor": 0.7, "effect_noun": 0.75, "metabolite": 0.8, "reflects": 0.7,
}
# "the raised CK reflected hydroxychloroquine myopathy": the condition raised the marker
REFLECT_VERBS = verb_forms("reflect")
ATTRIBUTE_VERBS = verb_forms("attribute")
# a judgement between the subject and "the cause": "X was not considered (to be) the cause of Y"
JUDGED_WORDS = {"considered", "thought", "felt", "deemed", "believed", "judged", "to", "be"}
# "capecitabine is converted to fluorouracil", "P450 enzymes convert ifosfamide to chloroacetaldehyde":
# the drug raises its metabolite
CONVERSION_VERBS = verb_forms("convert metabolise metabolize hydrolyse hydrolyze biotransform degrade")
# what a verb may act on instead of the substance named after it ("the renal response to ADH")
RESPONSE_NOUNS = {"response", "responses", "responsiveness", "sensitivity", "resistance"}
# a drug given by another route is a switch of treatment, no metabolite
ROUTE_WORDS = {"oral", "orally", "intravenous", "intravenously", "iv", "subcutaneous", "intramuscular", "inhaled",
               "topical", "enteral"}
# "Y is a rare complication of X", "Y is a known side effect of X": X causes Y
EFFECT_NOUNS = {"complication", "complications", "sequela", "sequelae", "consequence", "consequences", "effect",
                "effects"}
# "tonsillitis is often the first sign of agranulocytosis": what a condition shows itself by (Y causes X)
MANIFESTATION_NOUNS = {"sign", "signs", "manifestation", "manifestations", "feature", "features", "symptom",
                       "symptoms", "presentation"}
EFFECT_NOUN_HEADS = {("side", "effect"), ("side", "effects"), ("adverse", "effect"), ("adverse", "effects"),
                     ("adverse", "reaction"), ("adverse", "reactions"), ("adverse", "event"), ("adverse", "events"),
                     ("toxic", "effect"), ("toxic", "effects")}
EFFECT_NOUN_MODIFIERS = AGENT_NOUN_MODIFIERS | {"rare", "often", "sometimes", "fatal", "serious", "severe", "and",
                                               "uncommon", "unusual", "potentially", "life", "threatening",
                                               "dangerous", "late", "early", "long", "term", "frequent",
                                               "infrequent", "documented", "described", "reported", "unrecognized",
                                               "unrecognised", "underrecognized", "feared", "typical", "classic",
                                               "first", "presenting", "cardinal", "so", "usual", "initial"}
# "X caused Y, with A and B as contributors": A and B each contributed to Y
CONTRIBUTOR_NOUNS = {"contributor", "contributors", "cofactor", "cofactors", "co-factor", "co-factors",
                     "contributing factor", "contributing factors", "contributing cause", "contributing causes",
                     "precipitant", "precipitants"}
# "clozapine may be an effective treatment for tardive dystonia", "has no proven benefit for"
TREATMENT_OF_MODIFIERS = {"the", "a", "an", "usual", "standard", "first", "-", "line", "first-line", "recommended",
                          "preferred", "main", "best", "established", "only", "effective", "specific", "mainstay",
                          "of", "initial", "definitive"}
# "X (has been) approved / is widely used for / in the treatment of Y": what a drug is used for
TREATMENT_USE_VERBS = {"approved", "used", "indicated", "licensed", "prescribed", "employed"}
TREATMENT_USE_WORDS = TREATMENT_USE_VERBS | {"has", "have", "had", "been", "widely", "commonly", "frequently",
                                             "often", "currently", "now", "also", "in", "for", ","}
TREATMENT_NOUNS = {"treatment", "therapy", "option", "choice", "remedy", "alternative", "benefit"}
# "the resulting water retention", "the ensuing hypotension": an effect of what was just said to be caused
RESULTING = {"resulting", "ensuing", "consequent"}
# "gabapentin was started for the neuralgia": the words between a drug and "for" of an indication
GIVEN_VERBS = {"started", "begun", "initiated", "given", "prescribed", "added", "used", "continued", "restarted",
               "introduced"}
GIVEN_FOR = GIVEN_VERBS | {"was", "were", "is", "are", "been", "be", "then", "also"}
# "X, which she had used / taken for five years for Y": a medication history's verbs
HISTORY_VERBS = GIVEN_VERBS | {"taken", "took", "takes", "received", "receives", "taking", "receiving"}
# words of rise before a marker a condition came with ("colitis with raised interleukin-6")
RISE_WORDS = {"raised", "elevated", "high", "increased", "extreme", "rising", "marked"}
# "A 52-year-old man with D (who) had taken X": the patient's standing treatment (`_patient_indication`)
PATIENT_TOOK = [f.split() for f in ("had been taking", "had been receiving", "had been on", "had taken",
                                           "has taken", "had received", "had used", "was taking", "was receiving",
                                           "took", "began", "started")]
PATIENT_TOOK_FILLERS = {"who", "long-term", "regular", "oral", "treatment", "with", "a", "an", "continuous", "on",
                        "induction", "chemotherapy", "therapy", "infusion", "of", "weekly", "daily"}
PATIENT_NEGATIONS = {"no", "not", "without", "never", "denied"}      # "a man with no history of ..."
PRESENTATION_VERBS = {"presented", "presents", "developed", "was", "were", "is", "had", "has", "who", "came",
                      "attended", "complained", "experienced", "reported", "arrived", "returned", "admitted"}
# who has a condition ("a patient with A"): what follows "with" is no effect of a drug (also the
# relation classifier's list)
PATIENT_NOUNS = {"man", "men", "woman", "women", "patient", "patients", "boy", "boys", "girl", "girls", "child",
                 "children", "infant", "infants", "neonate", "person", "people", "adult", "adults", "female",
                 "male", "subject", "subjects", "individual", "individuals", "case", "cases", "baby", "mother",
                 "recipient", "recipients"}
# "A complicates B": B caused A
COMPLICATE_VERBS = {"complicate", "complicates", "complicating"}
# "on day 2 of X", "in the sixth week of X", "within 12 hours of X", "three days into X": a time
# within a drug's course, read as "after X"
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
TIME_UNITS = {"day", "days", "week", "weeks", "hour", "hours", "month", "months", "minute", "minutes", "cycle",
              "cycles", "dose", "infusion"}
DURATION_UNITS = TIME_UNITS | {"year", "years"}     # "after 3.5 years of treatment with"
ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "same", "next", "last", "final"}
# who, and by which verb, a report says an event came: "she developed", "the patient presented with"
PATIENT_SUBJECTS = {"she", "he", "they", "the", "patient"}
EVENT_VERBS = {"developed", "noticed", "reported", "presented", "experienced", "complained", "had", "suffered"}
FRONTED_TIME_WORDS = {"within", "shortly", "soon", "just", "a", "few", "several", "some"}
NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "a", "few", "several"}
TIME_OPENERS = {"on", "in", "during", "within"}
HEDGE_FACTOR = 0.6
COREF_FACTOR = 0.85


@dataclass
class Arg:
    start: int          # token span of the mention in the doc
    end: int
    curie: str
    type: str
    coref: bool = False


@dataclass
class RawClaim:
    subject: Arg
    predicate: str
    object: Arg
    rule: str
    trigger: tuple[int, int]
    sentence: Span
    confidence: float = 0.5
    negated: bool = False
    hedged: bool = False
    hypothetical: bool = False
    flags: dict = field(default_factory=dict)


def keep_best(claims: Iterable[RawClaim], key: Callable[[RawClaim], tuple],
              rank: Callable[[RawClaim], tuple | float]) -> list[RawClaim]:
    """One claim per ``key``, the first of the highest ``rank``; in sentence and trigger order."""
    best: dict[tuple, RawClaim] = {}
    for c in claims:
        k = key(c)
        if k not in best or rank(c) > rank(best[k]):
            best[k] = c
    return sorted(best.values(), key=lambda c: (c.sentence.start, c.trigger))


def _outside_parentheses(doc: Doc, start: int, end: int) -> list[str] | None:
    """The lower-cased words between two mentions without the parenthesised asides among them
    ("haloperidol (1 mg/kg i.p.) and by reserpine" -> ["and", "by"]); None when the second mention
    is itself inside an open parenthesis."""
    out, depth = [], 0
    for t in doc[start:end]:
        if t.text == "(":
            depth += 1
        elif t.text == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(t.lower_)
    return None if depth else out


def _time_phrase(toks: list[str], k: int) -> int:
    """Length of a time phrase inside a drug's course starting at toks[k] and ending with the word
    before the drug ("on day 2 of", "in the sixth week of", "within 12 hours of", "three days
    into"); 0 when there is none."""
    def number(w: str) -> bool:
        return w.isdigit() or w in NUMBER_WORDS

    def ordinal(w: str) -> bool:
        return w in ORDINALS or (w[:-2].isdigit() and w[-2:] in {"st", "nd", "rd", "th"})

    first = toks[k] if k < len(toks) else ""
    if first not in TIME_OPENERS and not (first.isdigit() or first in NUMBER_WORDS):
        return 0
    w = toks[k:k + 6]
    for pattern in (("on", "day", number, "of"), ("on", "the", ordinal, TIME_UNITS, "of"),
                    ("in", "the", ordinal, TIME_UNITS, "of"), ("during", "the", ordinal, TIME_UNITS, "of"),
                    ("within", number, TIME_UNITS, "of"), ("within", "a", "few", TIME_UNITS, "of"),
                    (number, TIME_UNITS, "into")):
        if len(w) >= len(pattern) and all(
                (p(x) if callable(p) else x in p if isinstance(p, set) else x == p) for p, x in zip(pattern, w)):
            return len(pattern)
    return 0


def _dose_end(doc: Doc, j: int, end: int, commas: bool = True) -> int:
    """Where a drug's dose that starts at token ``j`` ends ("300 mg daily", "1 g twice daily, IV"),
    before ``end``; with ``commas=False`` at the first comma."""
    while j < end and (doc[j].like_num or doc[j].lower_ in DOSING_WORDS) and (commas or doc[j].text != ","):
        j += 1
    return j


def _names_receptor(doc: Doc, arg: Arg, sent: Span) -> bool:
    """Whether a mention names a receptor or channel, not its ligand or ion: "the IL-6 receptor",
    "sodium channels", "the N-methyl-D-aspartate (NMDA) receptor"."""
    k = arg.end + 1 if arg.end < sent.end and doc[arg.end].text == ")" else arg.end
    return k < sent.end and doc[k].lower_ in RECEPTOR_NOUNS


def _most_named(spans: list[Span]) -> Span | None:
    """The first mention of the concept named most often among `spans` (the earliest on a tie)."""
    counts: dict[str, int] = {}
    first: dict[str, Span] = {}
    for e in spans:
        counts[e.kb_id_] = counts.get(e.kb_id_, 0) + 1
        if e.kb_id_ not in first or e.start < first[e.kb_id_].start:
            first[e.kb_id_] = e
    if not counts:
        return None
    best = max(counts, key=lambda c: (counts[c], -first[c].start))
    return first[best]


def _index_drug(drugs: list[Span], noun: str | None = None) -> Arg | None:
    """The report's drug: the one named most often (the earliest on a tie). For "the vaccine",
    "the antibody": the most often named drug whose mentions say so ("ChAdOx1 nCoV-19 vaccine"),
    when there is one."""
    if noun is not None:
        named = [e for e in drugs if noun in e.text.lower()]
        drugs = named or drugs
    top = _most_named(drugs)
    return Arg(top.start, top.end, top.kb_id_, "drug") if top is not None else None


def _index_syndrome(conditions: list[Span]) -> Arg | None:
    """"the syndrome": the report's most named condition called a syndrome (counting its short
    form's mentions: "cytokine release syndrome (CRS)")."""
    named = {e.kb_id_ for e in conditions if e.text.lower().endswith("syndrome")}
    top = _most_named([e for e in conditions if e.kb_id_ in named])
    return Arg(top.start, top.end, top.kb_id_, top.label_) if top is not None else None


def _is_toxicity_noun(doc: Doc, i: int) -> bool:
    """"toxicity", "complication", "side effect", "adverse reaction": what a drug's harm is called."""
    low = doc[i].lower_
    return low in {"toxicity", "toxicities", "complication", "complications"} or (
        low in {"effect", "effects", "reaction", "reactions", "event", "events"} and i > 0
        and doc[i - 1].lower_ in {"side", "adverse", "-"})


def _mentions(doc: Doc) -> list[tuple[int, int, str, str]]:
    """(start, end, CURIE, type) of every entity, then every nested span ("kgbuild_nested")."""
    return [(e.start, e.end, e.kb_id_, e.label_) for e in (*doc.ents, *doc.spans.get("kgbuild_nested", []))]


def _args_in(sent: Span, doc: Doc, referent: Callable[[str], Arg | None],
             mentions: list[tuple[int, int, str, str]] | None = None) -> list[Arg]:
    """The sentence's mentions as claim arguments, with "the drug" / "the vaccine" as the report's
    drug (`referent(noun)`). ``mentions``: (start, end, CURIE, type) of the document's entities and
    nested spans, read once per document by the caller (default: read here)."""
    if mentions is None:
        mentions = _mentions(doc)
    args = [Arg(*m) for m in mentions if sent.start <= m[0] < sent.end]
    for i in range(sent.start, sent.end - 1):
        # "Alemtuzumab is reserved for ... Its commonest early toxicity is ...": the report's drug,
        # where the sentence before names it
        if doc[i].lower_ == "its" and any(_is_toxicity_noun(doc, j) for j in range(i + 1, min(i + 5, sent.end))):
            ref = referent(None)
            before = doc[doc[sent.start - 1].sent.start:sent.start] if sent.start > 0 else None
            if ref is not None and before is not None and any(e.kb_id_ == ref.curie for e in before.ents):
                args.append(Arg(i, i + 1, ref.curie, ref.type, coref=True))
            continue
        if doc[i].lower_ in {"the", "this", "that"} and (doc[i + 1].lower_ in DEFINITE_DRUG or (
                doc[i + 1].lower_ in DEFINITE_CONDITION and (i + 2 >= sent.end or doc[i + 2].lower_ != "of"))):
            ref = referent(doc[i + 1].lower_)
            if ref is None:
                continue
            # "the vaccine" is the report's vaccine, not the class Vaccines the word also names
            args = [a for a in args if not (a.start == i + 1 and a.end == i + 2 and a.type == "drug_class")]
            if not any(a.start <= i + 1 < a.end for a in args):
                args.append(Arg(i, i + 2, ref.curie, ref.type, coref=True))
    return sorted(args, key=lambda a: (a.start, -a.end))


def _kind(type_: str) -> str:
    """Types that coordinate with each other: "aspirin, NSAIDs and steroids" (drug, drug class,
    chemical), "fever and hypotension" (disease, adverse event)."""
    return "druglike" if type_ in DRUGLIKE else "condition" if type_ in {"disease", "adverse_event"} else type_


class ClaimExtractor:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    # -- argument selection -------------------------------------------------------------
    @staticmethod
    def _left_subject(doc: Doc, args: list[Arg], pos: int, sent: Span, types: set[str],
                      skip_preps: bool = True) -> Arg | None:
        """The subject of a trigger at token `pos` (see `_nearest_subject`); a drug class that is only
        what a drug is said to be ("Diclofenac is among the NSAIDs most often implicated in liver
        injury") gives way to the drug."""
        subj = ClaimExtractor._nearest_subject(doc, args, pos, sent, types, skip_preps)
        if subj is not None and subj.type == "drug_class" and not subj.coref:
            ante = subj
            if subj.start - 1 > sent.start and doc[subj.start - 1].text == "(":     # "... drugs (NSAIDs)"
                ante = next((a for a in args if a.end == subj.start - 1 and a.curie == subj.curie), subj)
            drug = ClaimExtractor._copula_subject(doc, args, ante, sent, reach=4)
            if drug is not None and drug.type in types:
                return drug
            # "Famotidine, a histamine H2-receptor antagonist, is not known to cause ...": in apposition
            k = subj.start - 1
            if k > sent.start and doc[k].lower_ in {"a", "an", "the"}:
                k -= 1
            if k > sent.start and doc[k].text == ",":
                drug = next((a for a in args if a.end == k and a.type in types and a.type != "drug_class"), None)
                if drug is not None:
                    return drug
        return subj

    @staticmethod
    def _nearest_subject(doc: Doc, args: list[Arg], pos: int, sent: Span, types: set[str],
                         skip_preps: bool = True) -> Arg | None:
        """The nearest compatible mention on the left of token `pos` in the same clause, skipping
        mentions introduced by "with"/"and" ("X, given with Y, caused Z"), following "which" back to
        its antecedent, and "it"/"by ...ing" back to the clause subject."""
        lo = next((k + 1 for k in range(pos - 1, sent.start - 1, -1) if doc[k].lower_ in CLAUSE_BREAKS), sent.start)
        to_clause_subject = pos > sent.start and doc[pos - 1].lower_ == "by" and doc[pos].lower_.endswith("ing")
        for k in range(pos - 1, lo - 1, -1):
            t = doc[k].lower_
            if any(a.start <= k < a.end for a in args):
                break
            if t in {"it", "they"}:
                drugs = [a for a in args if a.end <= k and a.type in DRUGLIKE and a.type in types]
                if drugs:
                    return drugs[-1]
                to_clause_subject = True
                break
            if t in {"which", "that"} and k - 1 >= sent.start:
                # "reduces nitric oxide release, which leads to vasospasm", "disrupts axonal transport,
                # which causes neuropathy": what follows comes of the reduction, so of the reducer
                # (an active verb right after "which"; not "levels which were increased by cisplatin")
                lowered = next((a for a in args if k - 4 <= a.end <= k and a.start > sent.start), None) \
                    if all(x.lower_ in ADVERBS for x in doc[k + 1:pos]) else None
                if lowered is not None:
                    v = lowered.start - 1 - (doc[lowered.start - 1].lower_ in {"the", "a", "an"})
                    if v > sent.start and doc[v].lower_ in DECREASE_VERBS and \
                            all(x.is_alpha or x.text == "," for x in doc[lowered.end:k]):
                        return ClaimExtractor._left_subject(doc, args, v, sent, types, skip_preps)
                # (also past a short form in brackets: "transforming growth factor beta (TGF-beta), which")
                ends = (k, k - 1, k - 2) if k - 2 >= sent.start and doc[k - 2].text == ")" else (k, k - 1)
                ante = [a for a in args if a.end in ends and a.type in types]
                if not ante:
                    # past a modifier of duration: "a seizure lasting two minutes, which stopped ..."
                    ante = [a for a in args if k - 6 <= a.end < k and a.type in types and
                            doc[a.end].lower_.endswith("ing") and
                            all(x.like_num or x.lower_ in NUMBER_WORDS | TIME_UNITS | {",", "about", "over", "for"}
                                for x in doc[a.end + 1:k])]
                if ante:
                    return ClaimExtractor._copula_subject(doc, args, ante[-1], sent) or ante[-1]
        cands = sorted((a for a in args if lo <= a.start and a.end <= pos and a.type in types),
                       key=lambda a: (a.end, a.end - a.start))
        # "Free hemoglobin released by the hemolysis likely contributed to ...", "Hyperkalemia caused by
        # trimethoprim led to ...": the agent of a participle that modifies the subject is not the subject
        cands = [a for a in cands if not ClaimExtractor._participle_agent(doc, a, cands, sent)]
        if cands:
            # a mention right before the verb (adverbs aside) is its subject, whatever precedes it
            between = [t.lower_ for t in doc[cands[-1].end:pos]]
            if all(w in ADVERBS for w in between):
                return cands[-1]
            while between and between[-1] in ADVERBS | {"rapidly", "promptly", "quickly", "then", "so"}:
                between.pop()
            # "Drugs that inhibit P-gp, such as A, B and C, reduce ...": the examples closed by a comma
            # are the subject (not the relative clause's verb before them)
            if between == [","] and ClaimExtractor._exemplified(doc, args, cands[-1], lo):
                return cands[-1]
            # "X raised Y and caused Z": a verb coordinated without its own subject shares X
            if between and between[-1] in {"and", ","}:
                prev_verb = next((j for j in range(pos - 2, lo - 1, -1)
                                  if doc[j].lower_ in ALL_VERBS and not any(a.start <= j < a.end for a in args)),
                                 None)
                # with one candidate, only where it is the earlier verb's object ("Hemodialysis lowers
                # the cefepime concentration and treats ...": cefepime treats nothing)
                if prev_verb is not None and (len(cands) > 1 or prev_verb < cands[-1].start):
                    return ClaimExtractor._left_subject(doc, args, prev_verb, sent, types, skip_preps)
                to_clause_subject = True
            # "..., and the activated T cells likely release X": a new clause whose subject is no entity
            if "and" in between and not to_clause_subject:
                after = between[len(between) - 1 - between[::-1].index("and") + 1:]
                if all(w in ADVERBS or w in BE_AUX or w in MODALS for w in after) and after:
                    # "Hypothyroidism followed four months later and was treated with X": a second verb
                    # of the clause's subject, when a mention opens the clause (not "He presented with
                    # hypotension and was treated with charcoal")
                    first = cands[0]
                    if all(t.lower_ in {"the", "a", "an", "his", "her", "their", "this"} for t in doc[lo:first.start]):
                        return first
                    return None
                if any(w not in ADVERBS and w not in {",", "so", "thus", "therefore"} for w in after):
                    return None
        if to_clause_subject and cands:
            return cands[0]
        cands = [a for a in cands if pos - a.end <= 18]
        if not cands:
            return None
        if skip_preps:
            for a in reversed(cands):
                prev = doc[a.start - 1].lower_ if a.start > sent.start else ""
                # (", and X was introduced to control Y": ", and" opens X's own clause)
                if prev not in SUBJECT_PREPS or (prev == "and" and a.start - 2 >= sent.start
                                                 and doc[a.start - 2].text == ","):
                    return a
        return cands[-1]

    @staticmethod
    def _participle_agent(doc: Doc, a: Arg, cands: list[Arg], sent: Span) -> bool:
        """Whether ``a`` is the agent in "<mention> <participle> by (the) a" (the mention is a candidate)."""
        j = a.start - 1
        while j > sent.start and doc[j].lower_ in {"the", "a", "an"}:
            j -= 1
        return doc[j].lower_ == "by" and j - 1 > sent.start and doc[j - 1].lower_.endswith("ed") and \
            doc[j - 1].lower_ not in BE_AUX and any(c.end == j - 1 for c in cands)

    def _drug_harm(self, doc: Doc, args: list[Arg], i: int, sent: Span, emit) -> None:
        """"Its commonest early toxicity is an infusion reaction driven by cytokine release", "the main
        complication of X was Y": X causes Y, and what drives Y ("driven/mediated/caused by Z")."""
        j = i - 1
        while j > sent.start and doc[j].is_alpha and doc[j].lower_ not in BE_AUX and i - j <= 4 \
                and not any(a.start <= j < a.end and a.coref for a in args):
            j -= 1
        subj = next((a for a in args if a.end == j + 1 and a.coref and doc[a.start].lower_ == "its"), None)
        k2 = i + 1
        if subj is None and k2 < sent.end and doc[k2].lower_ == "of":
            subj = next((a for a in args if a.start == i + 2 and a.type in DRUGLIKE), None)
            k2 = subj.end if subj is not None else k2
        if subj is None or k2 >= sent.end or doc[k2].lower_ not in COPULA:
            return
        objs = self._right_objects(doc, args, k2 + 1, sent, CONDITION - {"process"}, max_gap=3)
        if not objs:
            return
        y = objs[0]
        emit(subj, "causes", y, "agent_noun", (i, i + 1))
        words = [t.lower_ for t in doc[y.end:min(y.end + 6, sent.end)]]
        for w in range(len(words) - 1):
            if words[w] in {"driven", "mediated", "caused", "triggered"} and words[w + 1] == "by":
                via = self._right_objects(doc, args, y.end + w + 2, sent, CONDITION, max_gap=2)
                if via:
                    emit(subj, "causes", via[0], "mechanism", (y.end + w, y.end + w + 2))
                break

    @staticmethod
    def _withdrawn(doc: Doc, start: int, drug: Arg, sent: Span) -> bool:
        """The drug after a marker is named as stopped: "after discontinuation of X", "after X was
        withdrawn"."""
        return bool(WITHDRAWAL_NOUNS.intersection(t.lower_ for t in doc[start:drug.start])) or \
            ClaimExtractor._stopped_after(doc, drug, sent.end)

    @staticmethod
    def _stopped_after(doc: Doc, drug: Arg, limit: int) -> bool:
        """"X was stopped / withheld ...": the drug named, then said to be stopped (before `limit`)."""
        after = [t.lower_ for t in doc[drug.end:min(drug.end + 3, limit)]]
        return bool(after) and after[0] in BE_AUX and any(w in WITHDRAWAL_VERBS for w in after[1:])

    @staticmethod
    def _copula_subject(doc: Doc, args: list[Arg], ante: Arg, sent: Span, reach: int = 3) -> Arg | None:
        """"Mitomycin C (MMC) is an alkylating agent that has been associated with HUS": the drug
        a class is predicated of, not the class, is what the relative clause speaks about."""
        if ante.type not in DRUGLIKE:
            return None
        k = ante.start - 1
        while k > sent.start and doc[k].is_alpha and doc[k].lower_ not in COPULA \
                and ante.start - k <= reach:
            k -= 1
        if k <= sent.start or doc[k].lower_ not in COPULA:
            return None
        k -= 1
        if doc[k].text == ")":                  # "Mitomycin C (MMC) is ..."
            while k > sent.start and doc[k].text != "(":
                k -= 1
            k -= 1
        return next((a for a in args if a.end == k + 1 and a.type in {"drug", "chemical"}), None)

    @staticmethod
    def _right_objects(doc: Doc, args: list[Arg], pos: int, sent: Span, types: set[str],
                       max_gap: int = 10) -> list[Arg]:
        """First compatible mention after `pos`, plus those coordinated with it ("ALT and bilirubin")."""
        hi = sent.end
        for k in range(pos, sent.end):
            # ", and" opens a new clause ("... reversed the anticoagulation, and the hematoma was
            # managed without surgery": the hematoma is not what was reversed)
            if doc[k].lower_ in CLAUSE_BREAKS or doc[k].lower_ == "which" or \
                    (doc[k].text == "," and k + 1 < sent.end and doc[k + 1].lower_ == "and"):
                hi = k
                break
        right = [a for a in args if a.start >= pos and a.end <= hi]
        first = next((a for a in right if a.type in types), None)
        if first is None or first.start - pos > max_gap:
            return []
        if ClaimExtractor._new_clause_between(doc, pos, first, sent):
            return []
        if any(doc[j].lower_ == "by" and doc[j + 1].lower_.endswith("ing") for j in range(pos, first.start - 1)):
            return []       # "increases 6-TGN by diverting 6-mercaptopurine": the gerund's object
        comma = next((j for j in range(pos, first.start) if doc[j].text == ","), None)
        if comma is not None and any(t.is_alpha and t.lower_ not in ADVERBS | {"the", "a", "an", "also", "both"}
                                     for t in doc[pos:comma]):
            return []       # "contributed to the reaction, since it accumulates in CKD": past its own object
        if _names_receptor(doc, first, sent):
            return []       # "blocks the IL-6 receptor": the receptor, not the cytokine, is acted on
        if first.type == "drug_class":
            # "the tyrosine kinase inhibitor sunitinib", "the SSRIs paroxetine and sertraline": the
            # class is an apposition of the drugs named right after it
            named = next((a for a in right if a.start == first.end and a.type == "drug"), None)
            if named is not None:
                first = named
        objs, last = [first], first
        for a in right:
            if a.start < last.end or a is first:
                continue
            gap = _outside_parentheses(doc, last.end, a.start)
            if gap is None:
                if a.curie == last.curie:
                    continue        # "haloperidol (HAL)": the short form inside the parentheses
                break
            clause = any(a_ == "," and b_ == "and" for a_, b_ in zip(gap, gap[1:]))   # ", and" joins clauses
            if gap[-2:] in (["and", "to"], ["and", "in"]) and a.type in types and (
                    len(gap) == 2 or (gap[0] == "of" and len(gap) <= 6 and all(w.isalpha() for w in gap))):
                objs.append(a)      # "leads to covalent binding ... and to mitochondrial injury"
                last = a
                continue
            if not {"and", "or", "/"}.intersection(gap):
                j = a.end
                if j < sent.end and doc[j].text == "(":     # past a short form: "tumour necrosis factor (TNF)"
                    j = next((x + 1 for x in range(j + 1, min(j + 8, sent.end)) if doc[x].text == ")"), j)
                if j >= sent.end or doc[j].lower_ not in {",", "and", "or", "/"}:
                    break   # "decreases gluconeogenesis, lactate produced ...": a comma alone ends no list
            if gap and not clause and len(gap) <= 4 and ("and" in gap or "," in gap or "or" in gap or "/" in gap) and \
                    all(g in {",", "and", "or", "/", "as", "well", "serum", "plasma", "levels", "level", "the",
                              "concentrations", "count", "of", "also", "by", "release", "production",
                              "secretion"} for g in gap) and a.type in types:
                objs.append(a)
                last = a
            else:
                break
        return objs

    @staticmethod
    def _denied_by_subject(doc: Doc, args: list[Arg], pos: int, sent: Span) -> Arg | None:
        """The drug a verb denies after "but" ("Bisoprolol may have added to the bradycardia but did
        not raise the potassium"): the subject that opens the clause before "but". Only a negated
        verb takes it: a positive one after "but" may have a subject of its own, unrecognised."""
        k = pos - 1
        if k <= sent.start or doc[k].lower_ not in {"not", "never"}:
            return None
        k -= 1
        if doc[k].lower_ in {"did", "does", "do", "had", "has", "have", "could", "would", "can"}:
            k -= 1
        if k <= sent.start or doc[k].lower_ != "but":
            return None
        lo = next((j + 1 for j in range(k - 1, sent.start - 1, -1) if doc[j].lower_ in CLAUSE_BREAKS | {","}),
                  sent.start)
        first = next((a for a in args if lo <= a.start < k), None)
        if first is None or first.type not in DRUGLIKE or \
                any(t.is_alpha and t.lower_ not in {"the", "however", "also"} for t in doc[lo:first.start]):
            return None
        return first

    @staticmethod
    def _patients_conditions(doc: Doc, first: Arg, sent: Span) -> bool:
        """Whether the mentions from `first` on are what a patient has: "a patient with A and B",
        "a 45-year-old woman with A"."""
        k = first.start - 1
        return k > sent.start and doc[k].lower_ == "with" and \
            any(t.lower_ in PATIENT_NOUNS for t in doc[max(sent.start, k - 3):k])

    @staticmethod
    def _new_clause_between(doc: Doc, pos: int, first: Arg, sent: Span) -> bool:
        """Whether a comma or "and" between a trigger and a mention opens a new clause, so that the
        trigger's own object came before it, unrecognised: "inhibits mitochondrial protein
        synthesis, leading to mitochondrial dysfunction", "had reduced the marrow blasts,
        blinatumomab was restarted", "blocks the mineralocorticoid receptor and lisinopril lowers"
        (not "causes the non-pitting, non-itchy swelling")."""
        depth = 0
        for k in range(pos, first.start):
            t = doc[k]
            depth += t.text == "("
            depth -= t.text == ")" and depth > 0
            if t.lower_ in {"that", "which", "who"} and not depth and k > pos:
                return True     # "inhibits P-glycoprotein, the transporter that excretes digoxin"
            if t.text not in {",", "and"} or depth:
                continue
            after = doc[k + 1].lower_
            if t.text == "," and (after in {"which", "that", "who", "and", "so", "thus", "thereby"}
                                  or after.endswith("ing")):
                return True
            # "blocks the mineralocorticoid receptor and lisinopril lowers ...": the mention is the
            # subject of a clause of its own
            if k + 1 == first.start and first.end < sent.end and (
                    doc[first.end].lower_ in BE_AUX or doc[first.end].lower_ in ALL_VERBS):
                return True
            # "impaired synthetic function and pushed up the INR": a verb of its own takes the mention
            if t.text == "and" and k + 2 < first.start and (
                    after in ALL_VERBS or (after, doc[k + 2].lower_) in PHRASAL_CAUSE):
                return True
        return False

    @staticmethod
    def _sign(doc: Doc, start: int, obj: "Arg", inside: set[int]) -> int:
        """Compose the signs of the triggers between a verb and its object, and of a noun right
        after the object ("causes a sodium drop" = decreases; "lowers the seizure
        threshold" = causes seizures); words of other mentions (`inside`) are names, no triggers
        ("caused the complete heart block, the nausea": no "block")."""
        sign = 1
        for t in doc[start:obj.start]:
            low = t.lower_
            if t.i in inside:
                continue
            if low in DECREASE_VERBS or low in DECREASE_NOUNS:
                sign = -sign
        if obj.end < len(doc) and doc[obj.end].lower_ in AFTER_OBJECT_DECREASE:
            sign = -sign
        return sign

    # -- rules ------------------------------------------------------------------------------
    def _sentence_claims(self, doc: Doc, sent: Span, args: list[Arg]) -> list[RawClaim]:
        out: list[RawClaim] = []
        if len(args) < 2:
            return out
        toks = [t.lower_ for t in doc[sent.start:sent.end]]
        base = sent.start

        def emit(subj, pred, obj, rule, trig, scale=1.0):
            if subj is None or obj is None or subj.curie == obj.curie:
                return
            if pred == "associated_with" and subj.type in CONDITION and obj.type in DRUGLIKE:
                subj, obj = obj, subj   # symmetric: written drug → condition, one edge whichever way it was read
            if pred in ("increases", "causes") and obj.type in MEASURABLE:
                pred = "increases"
            if pred == "increases" and obj.type in CONDITION:
                pred = "causes"
            if pred == "decreases" and subj.type in CONDITION and obj.type in CONDITION - {"process"}:
                return      # (a condition may lower a process: "kidney disease reduced cefepime clearance")
            if pred == "decreases" and subj.type in DRUGLIKE and obj.type in CONDITION - {"process"}:
                pred = "treats"
            if pred == "treats" and obj.type == "process":
                pred = "decreases"      # "aspirin prevents platelet aggregation": a process is lowered, not cured
            out.append(RawClaim(subj, pred, obj, rule, trig, sent, RULE_CONFIDENCE[rule] * scale))
            return out[-1]

        inside = {t for a in args for t in range(a.start, a.end)}
        definite = {t for a in args if a.coref for t in range(a.start, a.end)}
        for k, low in enumerate(toks):
            i = base + k
            if _is_toxicity_noun(doc, i):
                self._drug_harm(doc, args, i, sent, emit)
            if i in inside and low != "-" and not (i > 0 and doc[i - 1].text == "-") and \
                    not (i in definite and low in {"treatment", "therapy"} and toks[k + 1:k + 2] == ["of"]):
                continue        # "release" in "cytokine release syndrome" is no trigger ("the treatment of" is)
            nxt = toks[k + 1] if k + 1 < len(toks) else ""
            prev = toks[k - 1] if k > 0 else ""
            pair = (low, nxt)
            # compound "X-induced Y" / "X-associated Y"
            if low == "derived" and prev == "-":
                # "bleomycin-derived reactive oxygen species": the drug raises what comes of it
                subj = next((a for a in args if a.end == i - 1 and a.type in DRUGLIKE), None)
                obj = next((a for a in args if a.start == i + 1 and a.type in SUBSTANCE_OBJECTS), None)
                if subj is not None and obj is not None:
                    emit(subj, "increases", obj, "compound", (i - 1, i + 1))
                continue
            if low in COMPOUND_VERBS and prev == "-":
                subj = next((a for a in args if a.end == i - 1 and a.type in CAUSAL_SUBJECT | {"adverse_event"}), None)
                obj = next((a for a in args if a.start <= i < a.end or a.start == i + 1), None)
                if obj is None:
                    at = i + 1
                    if at + 2 < sent.end and doc[at + 1].text == "-" and doc[at + 2].lower_.endswith("ed"):
                        at += 3     # past a modifier of its own: "atezolizumab-induced immune-mediated colitis"
                    objs = self._right_objects(doc, args, at, sent, CONDITION | MEASURABLE, max_gap=2)
                    obj = objs[0] if objs else None
                # "triiodothyronine-induced", and a condition that brings on another
                # ("hypertriglyceridaemia-induced pancreatitis", "hyponatraemia-induced seizures")
                agent = subj is not None and (subj.type in {"drug", "drug_class", "chemical", "cytokine", "process"} or (
                    subj.type in {"lab_marker", "disease", "adverse_event"} and low != "associated" and low != "related"))
                if agent and obj is not None and not (subj.type == "lab_marker" and obj.type not in CONDITION):
                    pred = "associated_with" if low in {"associated", "related"} else "causes"
                    # "AZT-induced anemia and leukopenia": the conditions coordinated with the first
                    objs = [obj] if obj.start <= i else \
                        self._right_objects(doc, args, obj.start, sent, CONDITION | MEASURABLE, max_gap=0) or [obj]
                    for o in objs:
                        if not (subj.type == "lab_marker" and o.type not in CONDITION):
                            emit(subj, pred, o, "compound", (i - 1, i + 1))
                continue
            if low == "risk" and self._risk_marker(doc, args, i, sent, emit):
                continue
            # "the role of X in the pathogenesis of Y"
            if low in ROLE_NOUNS and nxt == "of":
                subj = next((a for a in args if a.start == i + 2 and a.type in DRUGLIKE), None)
                if subj is not None:
                    j = subj.end
                    words = [t.lower_ for t in doc[j:min(j + 4, sent.end)]]
                    if words[:1] == ["in"]:
                        skip = 2 if words[1:2] in (["the"], ["a"]) else 1
                        if words[skip:skip + 1] and words[skip] in ETIOLOGY_NOUNS and words[skip + 1:skip + 2] == ["of"]:
                            for o in self._right_objects(doc, args, j + skip + 2, sent, CONDITION, max_gap=2):
                                emit(subj, "causes", o, "cause_marker", (i, i + 2))
                continue
            if low in CONVERSION_VERBS:
                if nxt in {"to", "into"} and prev in BE_AUX | {"rapidly", "partly", "mainly", "then", "also"}:
                    subj = self._left_subject(doc, args, i, sent, DRUGLIKE)
                    objs = self._right_objects(doc, args, i + 2, sent, DRUGLIKE | {"lab_marker"}, max_gap=2)
                else:                   # active: "convert ifosfamide to chloroacetaldehyde"
                    subj = next((a for a in args if a.start in (i + 1, i + 2) and a.type in DRUGLIKE), None)
                    at = subj.end if subj is not None and subj.end < sent.end and \
                        doc[subj.end].lower_ in {"to", "into"} else None
                    objs = self._right_objects(doc, args, at + 1, sent, DRUGLIKE | {"lab_marker"}, max_gap=2) \
                        if at else []
                if objs and ROUTE_WORDS.intersection(t.lower_ for t in doc[i + 1:objs[0].start]):
                    continue            # "methylprednisolone was converted to oral prednisolone": a switch
                if subj is not None and objs and objs[0].curie != subj.curie:
                    emit(subj, "increases", objs[0], "metabolite", (i, i + 1))
                continue
            # "Propofol infusion syndrome is a rare and often fatal complication of high-dose propofol"
            if nxt == "of" and (low in EFFECT_NOUNS or (prev, low) in EFFECT_NOUN_HEADS):
                j = k - 1 - ((prev, low) in EFFECT_NOUN_HEADS)
                while j >= 0 and (toks[j] in EFFECT_NOUN_MODIFIERS or
                                  ("-" in toks[j] and all(w.isalpha() for w in toks[j].split("-")))):
                    j -= 1          # ("well-recognised", "life-threatening")
                if j >= 1 and toks[j] in COPULA | {"remains", "remain"}:
                    obj = next((a for a in args if a.end == base + j and a.type in CONDITION - {"process"}), None)
                    subj_r = self._right_objects(doc, args, i + 2, sent, DRUGLIKE, max_gap=4)
                    if obj is not None and subj_r:
                        for sj in self._same_kind(subj_r):
                            emit(sj, "causes", obj, "effect_noun", (i, i + 2))
                        continue
            # "Tonsillitis or pharyngitis is so often the first sign of agranulocytosis": Y causes X
            if nxt == "of" and low in MANIFESTATION_NOUNS:
                j = k - 1
                while j >= 0 and (toks[j] in EFFECT_NOUN_MODIFIERS or
                                  ("-" in toks[j] and all(w.isalpha() for w in toks[j].split("-")))):
                    j -= 1
                if j >= 1 and toks[j] in COPULA:
                    shown = next((a for a in args if a.end == base + j and a.type in CONDITION - {"process"}), None)
                    causes = self._right_objects(doc, args, i + 2, sent, CONDITION - {"process"}, max_gap=2)
                    if shown is not None and causes:
                        for o in [*self._coordinated_before(doc, args, shown), shown]:
                            emit(causes[0], "causes", o, "effect_noun", (i, i + 2))
                continue
            # "Y secondary to X", "Y due to X", "Y after X"
            key = pair if pair in CAUSE_MARKERS else ((low,) if (low,) in CAUSE_MARKERS else None)
            span = _time_phrase(toks, k) if key is None else 0
            if span:
                key = ("after",)
            if key is not None:
                width = span or len(key)
                pred = CAUSE_MARKERS[key]
                if pred == "after":
                    # "Y after X" is temporal: only drug → condition/marker, and only when Y is a
                    # change ("rise in D-dimer after") or an event, not a treatment ("after prednisone")
                    # "after his first 20 mg dose of venetoclax": over the dose phrase
                    j = i + width
                    while j < sent.end and j - (i + width) < 8 and (doc[j].lower_ in DOSE_PHRASE or
                                                                    doc[j].like_num or doc[j].lower_ in ORDINALS):
                        j += 1
                    dosed = j > i + width and doc[j - 1].lower_ == "of"
                    subj_l = self._right_objects(doc, args, j if dosed else i + width, sent, {"drug"}, max_gap=3)
                    if subj_l and any(t.text in {",", ";"} for t in doc[i + width:subj_l[0].start]):
                        subj_l = []
                    obj = self._left_subject(doc, args, i, sent, CONDITION | MEASURABLE, skip_preps=False)
                    if obj is not None and obj.end < sent.end and doc[obj.end].lower_ in PATIENT_NOUNS:
                        # "delusional parasitosis in a chronic hepatitis C patient during X": the event
                        # is named before "in", the patient's disease after it
                        at = next((x for x in range(obj.start - 1, max(sent.start, obj.start - 4) - 1, -1)
                                   if doc[x].lower_ == "in"), None)
                        obj = self._left_subject(doc, args, at, sent, CONDITION, skip_preps=False) \
                            if at is not None else None
                        if obj is not None and at - obj.end > 1:
                            obj = None
                    if obj is not None and (i - obj.end > 6 or (obj.start > sent.start and
                                                                doc[obj.start - 1].lower_ == "for")):
                        obj = None      # too far from "after", or the indication ("warfarin for AF")
                    if obj is None and subj_l:
                        if self._opens_sentence(doc, i, sent):
                            # "After starting valproate, her ammonia rose to 180": the change told after it
                            fronted = self._fronted_change(doc, args, subj_l[-1], sent)
                            if fronted is not None:
                                o, change = fronted
                                for sj in subj_l:
                                    emit(sj, "decreases" if change < 0 else "increases", o, "lab_change",
                                         (i, i + width))
                            # "Six weeks after starting diclofenac she noticed fatigue, anorexia and dark urine"
                            for o in self._fronted_events(doc, args, subj_l[-1], sent):
                                for sj in subj_l:
                                    emit(sj, "causes", o, "temporal", (i, i + width))
                        continue
                    change = self._change_sign(toks, obj.start - base, obj.end - base, k) if obj is not None else 0
                    # ("CRP fell after tocilizumab": a fall of a marker is the drug's, therapy or not)
                    if subj_l and obj is not None and (not self._treat_context(toks, k) or (
                            obj.type in MEASURABLE and change < 0)):
                        rule = "lab_change" if obj.type in MEASURABLE else "temporal"
                        if obj.type in MEASURABLE and change == 0:
                            continue
                        objs = [obj] if obj.type in MEASURABLE else [*self._coordinated_before(doc, args, obj), obj]
                        if self._patients_conditions(doc, objs[0], sent):
                            continue    # "in a patient with A and B shortly after X": what the patient had
                        # "agranulocytosis with febrile tonsillitis after X", "colitis with raised IL-6
                        # during X": the condition they came with too
                        head = self._accompanied(doc, args, objs[0], sent)
                        for sj in subj_l:     # "after ifosfamide and mesna", "after TMP/SMX": each drug
                            for o in objs:
                                emit(sj, "decreases" if change < 0 else "causes", o, rule, (i, i + width))
                            if head is not None:
                                emit(sj, "causes", head, "temporal", (i, i + width))
                    continue
                if pred == "associated_with":
                    # "X is associated with Y": reads left to right
                    left = self._left_subject(doc, args, i, sent, CAUSAL_SUBJECT, skip_preps=False)
                    right = self._right_objects(doc, args, i + width, sent, CAUSAL_SUBJECT, max_gap=4)
                    if left is not None and right:
                        target = self._compound_effect(doc, args, right[0], sent) or right[0]
                        # "Bisoprolol and tamsulosin are not associated with Y": each of them
                        for lf in [*self._coordinated_before(doc, args, left), left]:
                            emit(lf, pred, target, "association", (i, i + width))
                    continue
                obj = self._left_subject(doc, args, i, sent, CONDITION | MEASURABLE, skip_preps=False)
                subj_r = self._right_objects(doc, args, i + width, sent, CAUSAL_SUBJECT, max_gap=4)
                if obj is not None and subj_r:
                    # "tetany and rhabdomyolysis due to furosemide": every coordinated condition
                    objs = [*self._coordinated_before(doc, args, obj), obj, *self._coordinated_after(doc, args, obj, i)]
                    for sj in self._same_kind(subj_r):    # "induced by paclitaxel/carboplatin": both
                        for o in objs:
                            emit(sj, pred, o, "cause_marker", (i, i + width))
                continue
            # "acarbose was withheld and the ileus resolved": a positive dechallenge told drug first
            if low in DECHALLENGE_MARKERS:
                obj = next((a for a in reversed(args) if a.type in CONDITION - {"process"} and i - 3 <= a.end <= i), None)
                if obj is not None:
                    for d in (a for a in args if a.end < obj.start and a.type in DRUGLIKE):
                        if self._stopped_after(doc, d, obj.start):
                            emit(d, "causes", obj, "dechallenge", (i, i + 1))
            # therapeutic markers: "Y was treated with X", "Y resolved after X", "Y resolved within
            # 12 hours of X"
            span = _time_phrase(toks, k + 1) if low in DECHALLENGE_MARKERS and pair not in TREAT_MARKERS else 0
            # "pneumonia treatment was changed to doxycycline": the new drug treats it
            switched = pair in SWITCH_MARKERS and k >= 2 and toks[k - 1] in {"was", "were"} and \
                toks[k - 2] in THERAPY_NOUNS
            # "hypertension, controlled for five years with candesartan": over the duration
            lasting = low in TREATED_PARTICIPLES and nxt == "for" and k + 4 < len(toks) and \
                (toks[k + 2].isdigit() or toks[k + 2] in NUMBER_WORDS | {"many", "several", "some"}) and \
                toks[k + 3] in TIME_UNITS | {"year", "years"} and toks[k + 4] == "with"
            if pair in TREAT_MARKERS or span or switched or lasting:
                width = 1 + span if span else 5 if lasting else 2
                subj_r = self._right_objects(doc, args, i + width, sent, DRUGLIKE, max_gap=5)
                obj = self._left_subject(doc, args, i, sent, CONDITION | MEASURABLE)
                if low in TREATED_PARTICIPLES and i - 1 > sent.start and doc[i - 1].text == ",":
                    # "osteoarthritis and hypertension, controlled with candesartan": the participle
                    # qualifies the condition right before it
                    obj = next((a for a in args if a.end == i - 1 and a.type in CONDITION | MEASURABLE), obj)
                indicated = self._indication_of(doc, args, obj, subj_r) if obj is not None else None
                if indicated is not None:
                    # "colitis ... during atezolizumab for lung adenocarcinoma, controlled with infliximab":
                    # another drug's indication is not what this one treats; the condition before it is
                    obj = self._left_subject(doc, args, indicated.start, sent, CONDITION - {"process"})
                if obj is not None and obj.end < sent.end and doc[obj.end].lower_ in PATIENT_NOUNS:
                    continue        # "cancer patients treated with morphine": for what, unsaid
                if subj_r and obj is not None and obj.type not in MEASURABLE and (
                        self._in_treated_patient(doc, obj, i) or self._during_treatment(toks, k, obj.end - base)):
                    # "seizures in children treated with busulfan": what happened in the treated;
                    # "tachycardia during treatment with cisplatin", "thrombocytopenia, 3 weeks after
                    # treatment with sulfasalazine": what came in a drug's course
                    for o in [*self._coordinated_before(doc, args, obj), obj]:
                        for s in subj_r:
                            emit(s, "causes", o, "temporal", (i, i + 2))
                    continue
                if subj_r and obj is not None:
                    start, withdrawn = i + width, False
                    for s in subj_r:
                        # "after discontinuation of A and B": B is stopped too; "... of A and treatment with B": not
                        coordinated = withdrawn and all(t.lower_ in {"and", "or", ",", "/"} for t in doc[start:s.start])
                        withdrawn, start = coordinated or self._withdrawn(doc, start, s, sent), s.end
                        if withdrawn:
                            # "the rash resolved after discontinuation of allopurinol": a positive
                            # dechallenge says the drug caused it, not that it treated it
                            # ("the pancreatitis responded to withdrawal of azathioprine")
                            if obj.type not in MEASURABLE and low in DECHALLENGE_MARKERS | {"responded"}:
                                emit(s, "causes", obj, "dechallenge", (i, i + 2))
                            continue
                        emit(s, "decreases" if obj.type in MEASURABLE else "treats", obj, "treat_marker", (i, i + 2))
                continue
            if low in PROPHYLAXIS_NOUNS:
                self._prophylaxis(doc, args, i, sent, emit)
                continue
            # "<marker> rose after <drug>" handled by the temporal marker; "<drug> for <condition>"
            if low == "for":
                # "<drug> for <condition>": the indication ("warfarin for atrial fibrillation")
                subj = next((a for a in reversed(args) if a.end in (i, i - 1) and a.type in DRUGLIKE), None)
                if subj is None:            # with its dose in between ("allopurinol 300 mg daily for gout")
                    dosed = [a for a in args if a.end < i and a.type in DRUGLIKE and i - a.end <= 8]
                    if dosed and any(t.like_num for t in doc[dosed[-1].end:i]) and \
                            _dose_end(doc, dosed[-1].end, i) == i and \
                            not any(a.start >= dosed[-1].end and a.end <= i for a in args):
                        subj = dosed[-1]
                if subj is None:            # "gabapentin was started for the trigeminal neuralgia"
                    given = [a for a in args if a.end < i and a.type in DRUGLIKE and i - a.end <= 4]
                    if given and all(t.lower_ in GIVEN_FOR for t in doc[given[-1].end:i]) and \
                            any(t.lower_ in GIVEN_VERBS for t in doc[given[-1].end:i]):
                        subj = given[-1]
                if subj is None:
                    subj = self._history_subject(doc, args, i)
                objs = self._right_objects(doc, args, i + 1, sent, CONDITION, max_gap=3)
                if subj is not None and objs and not any(t.text in {",", ";"} for t in doc[i:objs[0].start]):
                    # "pyridoxine and pyridostigmine were given for the neuropathy": both
                    for sj in [*self._coordinated_before(doc, args, subj), subj]:
                        emit(sj, "treats", objs[0], "treat_for", (i, i + 1))
                continue
            # "tPA resulted in complete resolution of hyphema", "X led to an improvement of Y": X treats Y
            if low in RESOLUTION_NOUNS and nxt in {"of", "in"}:
                objs = self._right_objects(doc, args, i + 2, sent, CONDITION | MEASURABLE, max_gap=3)
                subj = self._left_subject(doc, args, i, sent, DRUGLIKE)
                if subj is not None and objs and any(t.lower_ in RESULT_WORDS for t in doc[subj.end:i]):
                    emit(subj, "decreases" if objs[0].type in MEASURABLE else "treats", objs[0], "treat_marker",
                         (i, i + 2))
                continue
            # "clozapine may be an effective treatment for tardive dystonia"; "methylprednisolone has
            # no proven benefit in DIIHA" (negated by its "no")
            if (low in TREATMENT_NOUNS and nxt == "for") or (low == "benefit" and nxt == "in") or \
                    (low in {"treatment", "therapy"} and nxt == "of" and not (k + 2 < len(toks) and
                                                                           toks[k + 2] == "choice")):
                objs = self._right_objects(doc, args, i + 2, sent, CONDITION, max_gap=3)
                subj = self._left_subject(doc, args, i, sent, DRUGLIKE)
                if subj is not None and subj.coref and i - subj.end <= 2:
                    # "X is the treatment of choice for Y": "the treatment" is this phrase, not the subject
                    subj = self._left_subject(doc, args, subj.start, sent, DRUGLIKE)
                # ("received ifosfamide ... as neoadjuvant therapy for the sarcoma")
                between = [t.lower_ for t in doc[subj.end:i]] if subj is not None else []
                used = any(w in TREATMENT_USE_VERBS for w in between) and \
                    all(w in COPULA | TREATMENT_OF_MODIFIERS | TREATMENT_USE_WORDS for w in between)
                if subj is not None and nxt == "of" and not used and \
                        not all(w in COPULA | TREATMENT_OF_MODIFIERS for w in between):
                    continue    # "X is the usual treatment of Y", not "... to complete treatment of Y"
                if subj is not None and objs and (used or any(w in BE_AUX | {"as"} for w in between)):
                    emit(subj, "treats", objs[0], "treat_for", (i, i + 2))
                continue
            # agent nouns: "IFN-gamma is a possible mediator of hypophysitis"
            # ... and "Dexatrim (phenylpropanolamine) as a cause of myocardial infarction"
            if low in AGENT_NOUNS and nxt == "of":
                j = k - 1
                while j >= 0 and (toks[j] in AGENT_NOUN_MODIFIERS or toks[j] in BE_AUX or toks[j] in ADVERBS
                                  or toks[j] == "as" or toks[j] in ORDINALS   # "the second most common cause"
                                  or toks[j] in JUDGED_WORDS):      # "was not considered (to be) the cause"
                    j -= 1
                if j < k - 1 and j >= 0 and any(toks[x] in BE_AUX or toks[x] == "as" for x in range(j + 1, k)):
                    # the mention right before, or the one in the parentheses closing there
                    ends = {base + j + 1, base + j} if toks[j] == ")" else {base + j + 1}
                    subj = next((a for a in args if a.end in ends and a.type in CAUSAL_SUBJECT), None)
                    objs = self._right_objects(doc, args, i + 2, sent, CONDITION | MEASURABLE, max_gap=3)
                    if subj is not None and objs:
                        emit(subj, "causes", objs[0], "agent_noun", (i, i + 2))
                continue
            # biomarker: "D-dimer is a marker of thrombosis"
            if low in BIOMARKER_NOUNS and nxt in {"of", "for"}:
                subj = self._left_subject(doc, args, i, sent, MEASURABLE)
                objs = self._right_objects(doc, args, i + 2, sent, CONDITION, max_gap=4)
                if subj is not None and objs:
                    emit(subj, "biomarker_for", objs[0], "biomarker", (i, i + 1))
                continue
            if low in REFLECT_VERBS:
                self._reflected(doc, args, i, sent, emit)
                continue
            if low in ATTRIBUTE_VERBS and nxt != "to":
                # "We attribute the encephalopathy to baclofen" (the passive is a cause marker)
                objs = self._right_objects(doc, args, i + 1, sent, CONDITION | MEASURABLE, max_gap=3)
                to = objs[-1].end if objs else None
                if to is not None and to < sent.end and doc[to].lower_ == "to":
                    subj_r = self._right_objects(doc, args, to + 1, sent, CAUSAL_SUBJECT, max_gap=3)
                    for sj in self._same_kind(subj_r):
                        for o in objs:
                            emit(sj, "causes", o, "cause_marker", (i, i + 1))
                continue
            # "consumptive coagulopathy, which can complicate severe CRS": the complicated condition
            # caused its complication. Not "complicated by" ("lithium toxicity complicated by ... acute
            # kidney injury" lists what came with it, whichever way the causes ran)
            if low in COMPLICATE_VERBS:
                conditions = CONDITION - {"process"}
                complication = self._left_subject(doc, args, i, sent, conditions)
                primary = self._right_objects(doc, args, i + 1, sent, conditions, max_gap=3)
                if complication is not None and primary:
                    emit(primary[0], "causes", complication, "cause_marker", (i, i + 1))
                continue
            # verbs
            phrasal = pair in PHRASAL_CAUSE
            if phrasal and low in ADDED and prev in BE_AUX - {"had", "has", "have"}:
                continue        # "itraconazole was added to the chemotherapy": given with it, no effect
            if prev in DOSE_NOUNS and not phrasal and not (low in CAUSE_VERBS and low.endswith("ed")):
                continue        # "a methadone dose increase": a noun, no verb (not "the propofol dose caused")
            if phrasal or low in CAUSE_VERBS or low in INCREASE_VERBS or low in DECREASE_VERBS or low in TREAT_VERBS:
                width = 2 if phrasal else 1
                passive = nxt == "by" and not low.endswith(("s", "ing")) and low not in {"cause", "induce", "lead"}
                if low in TREAT_VERBS:
                    if low in PREVENT_VERBS and prev in {"to", "for", "of", "in"}:
                        continue    # "(in order) to prevent Y", "for preventing Y": whose purpose, unsaid
                    if any(t in FAILED_WORDS for t in toks[max(0, k - 4):k]):
                        continue    # "were ineffective in controlling the pain"
                    if passive:
                        subj_r = self._right_objects(doc, args, i + 2, sent, DRUGLIKE, max_gap=4)
                        obj = self._left_subject(doc, args, i, sent, CONDITION | MEASURABLE)
                        if obj is not None and obj.type not in MEASURABLE and self._in_treated_patient(doc, obj, i):
                            for s in subj_r:    # "acute renal failure in a patient treated by povidone-iodine"
                                emit(s, "causes", obj, "temporal", (i, i + 1))
                            continue
                        for s in subj_r:
                            if obj is not None and self._withdrawn(doc, i + 2, s, sent):
                                # "seizures were controlled by withdrawal of phenytoin": a dechallenge
                                if obj.type not in MEASURABLE:
                                    emit(s, "causes", obj, "dechallenge", (i, i + 1))
                                continue
                            emit(s, "decreases" if obj and obj.type in MEASURABLE else "treats", obj,
                                 "treat_marker", (i, i + 1))
                    elif prev not in BE_AUX:
                        subj = self._left_subject(doc, args, i, sent, DRUGLIKE)
                        # "tocilizumab and dexamethasone controlled the fever": both did
                        subjects = [*self._coordinated_before(doc, args, subj), subj] if subj is not None else []
                        for o in self._right_objects(doc, args, i + 1, sent, CONDITION | MEASURABLE):
                            if o.type in MEASURABLE and low in UNSIGNED_TREAT_VERBS:
                                continue    # "corrected the sodium": up or down, the sentence does not say
                            for sj in subjects:
                                emit(sj, "decreases" if o.type in MEASURABLE else "treats", o, "treat_active",
                                     (i, i + 1))
                    continue
                if passive:
                    subj_r = self._right_objects(doc, args, i + 2, sent, CAUSAL_SUBJECT, max_gap=4)
                    obj = self._left_subject(doc, args, i, sent, CONDITION | MEASURABLE | {"drug"})
                    if obj is not None and obj.type == "drug" and subj_r and subj_r[0].type != "drug":
                        obj = None
                    if subj_r and obj is not None:
                        sign = -1 if low in DECREASE_VERBS else 1
                        for sj in self._same_kind(subj_r):
                            emit(sj, "decreases" if sign < 0 else "causes", obj, "passive_verb", (i, i + 1))
                    continue
                if low.endswith("ed") and not phrasal and self._stative(toks, k):
                    continue       # "ALT was markedly elevated", "a raised CRP": a state, not a relation
                subj = self._left_subject(doc, args, i, sent, CAUSAL_SUBJECT)
                if subj is None:
                    subj = self._denied_by_subject(doc, args, i, sent)
                if subj is None or _names_receptor(doc, subj, sent):
                    continue        # "the NMDA receptor has been implicated in ...": a receptor, no ligand
                subjects = [*self._coordinated_before(doc, args, subj), subj, *self._coordinated_after(doc, args, subj, i)]
                # a chemical is an object of a regulatory verb only ("valproate lowers carnitine");
                # what a thing is implicated in is a condition
                objects = CONDITION | MEASURABLE | {"drug"} | ({"chemical"} if low not in CAUSE_VERBS else set())
                if pair == ("implicated", "in"):
                    objects = CONDITION
                after = k + width
                if low in INCREASE_VERBS | DECREASE_VERBS and after + 1 < len(toks) and \
                        toks[after] in {"to", "from", "by"} and (doc[i + width + 1].like_num or
                                                             toks[after + 1] in NUMBER_WORDS):
                    continue        # "the diarrhoea increased to ten stools a day": its own change, no object
                if low.endswith("ed") and toks[after:after + 1] == ["from"]:
                    continue        # "6-mercaptopurine, released from azathioprine": where it came from
                for o in self._right_objects(doc, args, i + width, sent, objects):
                    if low in RESTORE_VERBS and o.type not in MEASURABLE | {"process"}:
                        break
                    if o.type in ("drug", "chemical") and subj.type not in {"drug", "process"} and not (
                            subj.type == "chemical" and low not in CAUSE_VERBS and o.start - (i + width) <= 2
                            and all(t.lower_ in {"the", "cellular", "intracellular", "hepatic", "neuronal", "tissue"}
                                    for t in doc[i + width:o.start])
                            and not (o.end < sent.end and doc[o.end].text == "-")):
                        continue    # (a metabolite's direct action on a substance: "chloroacetaldehyde depletes
                                    # glutathione"; not "reduced AZT-induced marrow toxicity")
                    gap = [t.lower_ for t in doc[i + width:o.start]]
                    if RESOLUTION_NOUNS.intersection(gap):
                        break       # "resulted in complete resolution of hyphema": see the treat rule
                    if low in INCREASE_VERBS | DECREASE_VERBS and RESPONSE_NOUNS.intersection(gap):
                        break       # "enhances the renal response to antidiuretic hormone": the response
                                    # changes, not the hormone ("associated with a response to X" stays)
                    if any(g in {"and", ","} and any(x in ALL_VERBS and gap[m - 1] not in {"the", "a", "an"}
                                                      for m, x in enumerate(gap) if m > j) for j, g in enumerate(gap)):
                        break       # "inhibits CYP1A2 and so reduces X": X belongs to the later verb
                                    # (not "triggers A and the release of X": a noun)
                    sign = self._sign(doc, i, o, inside)
                    if low in CAUSE_VERBS or phrasal:
                        pred = "decreases" if sign < 0 else "causes"
                    else:
                        pred = "decreases" if sign < 0 else "increases"
                    for sj in subjects:         # "TNF-alpha and IL-6 caused the fever": both did
                        emit(sj, pred, o, "active_verb", (i, i + width))
                    # "X caused Y through Z": the mechanism is a step between them, X → Z → Y
                    via = self._mechanism(doc, args, o, sent)
                    if via is not None and pred != "decreases" and via.curie != subj.curie:
                        emit(subj, "causes", via, "mechanism", (o.end, o.end + 1))
                        emit(via, pred, o, "mechanism", (o.end, o.end + 1))
        # "Linezolid-induced thrombocytopenia is thought to be due to myelosuppression": the drug
        # causes the mechanism the effect is put down to (X -> Z -> Y, as "X caused Y through Z")
        # (only "due to / secondary to" a process: "X-associated Y precipitated by Z" names a co-cause)
        for c in list(out):
            if c.rule != "cause_marker" or c.predicate != "causes" or c.subject.type != "process" or \
                    doc[c.trigger[0]].lower_ not in {"due", "secondary", "attributed", "attributable"}:
                continue
            for d in list(out):
                if d.rule == "compound" and d.predicate == "causes" and d.object is c.object and \
                        d.subject.type in DRUGLIKE and d.subject.curie != c.subject.curie:
                    emit(d.subject, "causes", c.subject, "mechanism", c.trigger)
        # "Trimethoprim caused the hyperkalemia, with spironolactone and lisinopril as contributors"
        for k in range(1, len(toks) - 1):
            if toks[k] != "as":
                continue
            j = k + 1
            while j < len(toks) and toks[j] in AGENT_NOUN_MODIFIERS | {"additional", "further", "minor"}:
                j += 1              # "as a likely contributing factor"
            if j >= len(toks) or not (toks[j] in CONTRIBUTOR_NOUNS or " ".join(toks[j:j + 2]) in CONTRIBUTOR_NOUNS):
                continue
            last = self._left_subject(doc, args, base + k, sent, CAUSAL_SUBJECT, skip_preps=False)
            if last is None or last.end != base + k:
                continue
            named = [*self._coordinated_before(doc, args, last), last]
            if named[0].start == sent.start or doc[named[0].start - 1].lower_ != "with":
                continue
            effects = {c.object.curie: c.object for c in out if c.predicate == "causes" and not c.negated
                       and c.object.end <= named[0].start}
            for o in effects.values():
                for sj in named:
                    emit(sj, "causes", o, "contributor", (base + k, base + j + 1))
        # "X caused A, and the resulting B caused C": A caused B (the nearest effect read before it)
        for a in args:
            if not (a.start > sent.start and doc[a.start - 1].lower_ in RESULTING):
                continue
            before = [c for c in out if c.object.end <= a.start and not c.negated
                      and c.predicate in ("causes", "increases") and c.object.type in CONDITION]
            if before:
                cause = max(before, key=lambda c: c.object.end).object
                emit(cause, "causes", a, "resulting", (a.start - 1, a.start))
        # "bleomycin pneumonitis", "carboplatin (CBDCA) hypersensitivity": a drug named right before
        # a condition, as its modifier, caused it (not "interferon hepatitis C therapy" or "... patients")
        for a in args:
            if a.type not in CONDITION or a.type == "process" or doc[a.end - 1].lower_ in TOXICITY_NOUNS | NOT_AN_EFFECT:
                continue        # "ethambutol toxicity": see below; "benzodiazepine withdrawal"
            ends = {a.start}
            if a.start >= 3 and doc[a.start - 1].text == ")" and doc[a.start - 3].text == "(":
                ends.add(a.start - 3)
            # (a name, not a definite description: "approved for the treatment Crohn's disease")
            drug = next((d for d in args if d.end in ends and d.type in {"drug", "chemical"} and not d.coref), None)
            after = doc[a.end].lower_ if a.end < sent.end else ""
            if drug is None or after in COMPOUND_NOT_CAUSED:
                continue
            emit(drug, "causes", a, "compound", (drug.end, a.start))
        # "acute lamotrigine poisoning (may result in) encephalopathy": what the poisoning/toxicity
        # of a drug causes, the drug causes ("drug causes toxicity" itself says nothing a curator needs)
        for a in args:
            if a.type in CONDITION and doc[a.end - 1].lower_ in TOXICITY_NOUNS:
                drug = next((d for d in args if d.end == a.start and d.type in DRUGLIKE), None)
                if drug is None:
                    continue
                for c in list(out):
                    if c.subject is a and c.predicate == "causes" and c.object is not drug:
                        emit(drug, "causes", c.object, c.rule, c.trigger, 0.9)
            # "angioedema caused by contact allergy to inhaled budesonide": the drug causes the
            # allergy, and what the allergy causes
            elif a.type in CONDITION and doc[a.end - 1].lower_ in ALLERGY_NOUNS and a.end < sent.end \
                    and doc[a.end].lower_ == "to":
                drug = next((d for d in args if a.end < d.start <= a.end + 3 and d.type in DRUGLIKE
                             and all(t.is_alpha and t.lower_ not in ALL_VERBS for t in doc[a.end + 1:d.start])), None)
                if drug is None:
                    continue
                emit(drug, "causes", a, "cause_marker", (a.end, a.end + 1))
                for c in list(out):
                    if c.subject is a and c.predicate == "causes" and c.object is not drug:
                        emit(drug, "causes", c.object, c.rule, c.trigger, 0.9)
        # "Bleomycin pneumonitis with early fibrosis", "pantoprazole-induced hypomagnesaemia with
        # hypocalcaemia and hypokalaemia": what the drug's condition came with is the drug's too
        for c in list(out):
            if c.predicate in ("causes", "associated_with") and not c.negated and c.subject.type in DRUGLIKE and \
                    c.object.type in CONDITION - {"process"}:
                for o in self._coming_with(doc, args, c.object, sent):
                    pred = c.predicate if c.predicate == "associated_with" else \
                        "causes" if o.type in CONDITION else "increases"
                    added = emit(c.subject, pred, o, c.rule, c.trigger, 0.9)
                    if added is not None:
                        added.flags["came_with"] = True     # (a manifestation, not the report's event)
        self._patient_indication(doc, args, sent, emit)
        return out

    @staticmethod
    def _coming_with(doc: Doc, args: list[Arg], cond: Arg, sent: Span) -> list[Arg]:
        """The conditions named right after ``cond`` by "with": "pneumonitis with early fibrosis",
        "hypomagnesaemia with hypocalcaemia and hypokalaemia", "colitis with raised interleukin-6" (a
        marker only with a word of rise)."""
        k = cond.end
        if k >= sent.end or doc[k].lower_ != "with":
            return []
        return ClaimExtractor._with_conditions(doc, args, k, sent)

    @staticmethod
    def _with_conditions(doc: Doc, args: list[Arg], k: int, sent: Span) -> list[Arg]:
        """The conditions (or risen markers) named after the "with" at ``k``, across up to three modifiers."""
        j, rise = k + 1, False
        while j < sent.end and j - k <= 3 and doc[j].is_alpha and not any(a.start == j for a in args):
            rise = rise or doc[j].lower_ in RISE_WORDS
            j += 1
        first = next((a for a in args if a.start == j), None)
        if first is None or not (first.type in CONDITION - {"process"} or (first.type in MEASURABLE and rise)):
            return []
        return [first, *(a for a in ClaimExtractor._coordinated_after(doc, args, first, sent.end)
                         if a.type in CONDITION - {"process"})]

    @staticmethod
    def _patient_indication(doc: Doc, args: list[Arg], sent: Span, emit) -> None:
        """The patient's standing treatment where a case presentation introduces them: "A 52-year-old
        man with opioid use disorder had taken methadone 90 mg daily for three years" (methadone treats
        the disorder). Only with one condition after "with" (with two, which drug is for which is not
        said) and the drugs listed right after the verb, doses aside; a drug given "for" something else
        has its own indication, read by "for". Its own prior ("standing_treatment"): the indication is
        inferred from the patient's history, not stated."""
        toks = [t.lower_ for t in sent]
        k = 0
        if toks[:2] in (["we", "describe"], ["we", "report"], ["we", "present"]):
            k = 2
        if toks[k:k + 1] not in (["a"], ["an"]):
            return
        age = next((j for j in range(k + 1, min(k + 8, len(toks)))
                    if toks[j].endswith("-old") or (toks[j] == "old" and toks[j - 1] == "-")), None)
        if age is None:
            return
        w = next((j for j in range(age + 1, min(age + 5, len(toks))) if toks[j] == "with"), None)
        if w is None or any(t in PRESENTATION_VERBS for t in toks[age + 1:w]):
            return          # "a woman presented with D ... after she began X": D is the event, no indication
        verb = None
        for j in range(w + 2, min(w + 24, len(toks))):
            for form in PATIENT_TOOK:
                if toks[j:j + len(form)] == form:
                    verb = (j, j + len(form))
                    break
            if verb or toks[j] in {";", ":", "presented", "developed", "was", "were", "had", "has"}:
                break
        if verb is None:
            return
        lo, hi = sent.start + w + 1, sent.start + verb[0]
        if any(t.lower_ in PATIENT_NEGATIONS for t in doc[lo:hi]):
            return          # "a man with no history of ..."
        conds = [a for a in args if lo <= a.start and a.end <= hi and a.type in CONDITION - {"process"}]
        if len({a.curie for a in conds}) != 1 or any(a.type in DRUGLIKE for a in args if lo <= a.start < hi):
            return
        cond = conds[0]
        j = sent.start + verb[1]
        while j < sent.end and doc[j].lower_ in PATIENT_TOOK_FILLERS:
            j += 1
        drugs = []
        while j < sent.end:
            d = next((a for a in args if a.start == j and a.type in DRUGLIKE - {"chemical"}), None)
            if d is None:
                break
            j = _dose_end(doc, d.end, sent.end)
            if j < sent.end and doc[j].lower_ == "for":
                if not any(a.type in CONDITION and j < a.start <= j + 3 for a in args):
                    drugs.append(d)     # "for three years"
                break       # ("allopurinol 300 mg daily for gout": its own indication)
            drugs.append(d)
            while j < sent.end and doc[j].lower_ in {",", "and", "plus"}:
                j += 1
        for d in drugs:
            emit(d, "treats", cond, "standing_treatment", verb)

    @staticmethod
    def _same_kind(subjects: list[Arg]) -> list[Arg]:
        """The first of coordinated subjects and those of its kind (drugs with a drug: "induced by
        A and B"; not "induced by A and worsened by fever")."""
        drug = subjects[0].type in DRUGLIKE
        return [s for s in subjects if (s.type in DRUGLIKE) == drug]

    @staticmethod
    def _history_subject(doc: Doc, args: list[Arg], i: int) -> Arg | None:
        """The drug a medication-history clause after its comma is about, for the "for" at token `i`:
        "furosemide 40 mg daily, started one month earlier by his general practitioner for ankle
        edema", "lansoprazole 30 mg daily, which she had used for five years for reflux oesophagitis"."""
        drugs = [a for a in args if a.end < i and a.type in DRUGLIKE and i - a.end <= 16]
        if not drugs:
            return None
        k = _dose_end(doc, drugs[-1].end, i, commas=False)
        if k + 1 >= i or doc[k].text != ",":
            return None
        clause = doc[k + 1:i]
        words = [t.lower_ for t in clause]
        if words[0] in {"which", "that"}:
            ok = any(w in HISTORY_VERBS for w in words[1:5])
        else:
            ok = words[0] in GIVEN_VERBS
        if not ok or any(t.text in {",", ";", "(", ")"} for t in clause) or \
                any(k < a.start and a.end <= i for a in args):
            return None
        return drugs[-1]

    def _risk_marker(self, doc: Doc, args: list[Arg], i: int, sent: Span, emit) -> bool:
        """"carriage of HLA-B*38:02 confers a several-fold higher risk of agranulocytosis", "obesity is a
        risk factor for thrombosis" (``i`` at "risk"): a risk marker, associated with the condition (no
        cause). Whether the words after "risk" are this phrase's."""
        j = i + 2 if i + 1 < sent.end and doc[i + 1].lower_ in {"factor", "factors"} else i + 1
        if j >= sent.end or doc[j].lower_ not in {"of", "for"}:
            return False
        verb = next((k for k in range(i - 1, max(sent.start, i - 7) - 1, -1)
                     if doc[k].lower_ in MARKER_RISK_VERBS or (j == i + 2 and doc[k].lower_ in COPULA)), None)
        subj = self._left_subject(doc, args, verb, sent, CAUSAL_SUBJECT, skip_preps=False) \
            if verb is not None else None
        if subj is not None:
            for lf in [*self._coordinated_before(doc, args, subj), subj]:
                for o in self._right_objects(doc, args, j + 1, sent, CONDITION, max_gap=2):
                    emit(lf, "associated_with", o, "association", (i, j + 1))
        return True

    @staticmethod
    def _compound_effect(doc: Doc, args: list[Arg], ent: Arg, sent: Span) -> Arg | None:
        """The condition an "X-induced Y" compound names when ``ent`` is its X: "HLA-B*58:01 is
        associated with allopurinol-induced SCAR" is an association with the reaction, not the drug."""
        if ent.end + 2 < sent.end and doc[ent.end].text == "-" and doc[ent.end + 1].lower_ in COMPOUND_VERBS:
            return next((a for a in args if ent.end + 2 <= a.start <= ent.end + 4 and a.type in CONDITION), None)
        return None

    @staticmethod
    def _coordinated_before(doc: Doc, args: list[Arg], subj: Arg) -> list[Arg]:
        """Mentions of the subject's type coordinated before it ("A, B and C", "A, B, and C"), nearest
        last."""
        out, k = [], subj.start
        while k > 0 and doc[k - 1].lower_ in {"and", "or", "nor", ",", "/"}:
            j = k - 1
            serial = j > 0 and doc[j - 1].text == "," and doc[j].lower_ in {"and", "or"}
            if serial:
                j -= 1          # the serial comma: "A, B, and C" (not ", and" between clauses)
            prev = next((a for a in args if a.end == j and _kind(a.type) == _kind(subj.type) and not a.coref), None)
            if serial and prev is not None and (prev.start == 0 or doc[prev.start - 1].text != ","):
                break           # "caused the cramps and tremor, and hypomagnesemia caused ..."
            if prev is None:
                break
            out.insert(0, prev)
            k = prev.start
        return out

    @staticmethod
    def _opens_sentence(doc: Doc, i: int, sent: Span) -> bool:
        """Whether only a time ("Two weeks", "Within a few days") comes before token i in its sentence."""
        return all(t.like_num or t.lower_ in TIME_UNITS | NUMBER_WORDS | FRONTED_TIME_WORDS for t in doc[sent.start:i])

    @staticmethod
    def _fronted_change(doc: Doc, args: list[Arg], drug: Arg, sent: Span) -> tuple[Arg, int] | None:
        """The marker and its sign in "(Two weeks) after (starting) X, (her) Y rose / fell ...", where
        "after" opens the sentence (`_opens_sentence`); None for anything else."""
        comma = next((k for k in range(drug.end, min(drug.end + 5, sent.end)) if doc[k].text == ","), None)
        if comma is None or any(drug.end <= a.start < comma for a in args):
            return None
        k, obj = comma + 1, None
        while k < sent.end and k - comma <= 4:
            obj = next((a for a in args if a.start == k and a.type in MEASURABLE), None)
            if obj is not None or doc[k].lower_ not in {"the", "her", "his", "their", "its", "serum", "plasma",
                                                          "blood"}:
                break
            k += 1
        if obj is None:
            return None
        after = [t.lower_ for t in doc[obj.end:min(obj.end + 3, sent.end)]]
        while after and after[0] in {"level", "levels", "concentration", "concentrations", "count", "had", "then"}:
            after.pop(0)
        if after and after[0] in RISE_VERBS:
            return obj, 1
        if after and after[0] in FALL_VERBS:
            return obj, -1
        return None

    @staticmethod
    def _fronted_events(doc: Doc, args: list[Arg], drug: Arg, sent: Span) -> list[Arg]:
        """The conditions in "(Six weeks) after (starting) X(,) she developed / noticed / presented with
        A, B and C", where "after" opens the sentence (`_opens_sentence`)."""
        k = drug.end
        while k < min(drug.end + 4, sent.end) and doc[k].lower_ not in PATIENT_SUBJECTS:
            if doc[k].lower_ not in {",", "was", "were", "started", "therapy", "treatment", "initiation", "had",
                                     "been", "begun", "dose", "infusion"}:
                return []
            k += 1
        if k >= sent.end or doc[k].lower_ not in PATIENT_SUBJECTS:
            return []
        if doc[k].lower_ == "the":                      # "the patient"
            if k + 1 >= sent.end or doc[k + 1].lower_ != "patient":
                return []
            k += 1
        k += 1
        if k >= sent.end or doc[k].lower_ not in EVENT_VERBS:
            return []
        k += 1
        if k < sent.end and doc[k].lower_ in {"with", "of"}:
            k += 1
        events = ClaimExtractor._right_objects(doc, args, k, sent, CONDITION - {"process"}, max_gap=3)
        if events:
            # "... she developed watery diarrhoea that increased to ten stools a day, with cramping
            # abdominal pain": what the event came with, before another clause opens
            for j in range(events[-1].end, sent.end - 1):
                low = doc[j].lower_
                if low in CLAUSE_BREAKS or low == "which" or (low == "," and doc[j + 1].lower_ in {"and", "but"}):
                    break
                if low == "," and doc[j + 1].lower_ == "with":
                    events += ClaimExtractor._with_conditions(doc, args, j + 1, sent)
                    break
        return events

    def _reflected(self, doc: Doc, args: list[Arg], i: int, sent: Span, emit) -> None:
        """"The raised CK reflected hydroxychloroquine myopathy": a marker named with its change
        (raised, high, low ...) reflects the condition that changed it."""
        subj = self._left_subject(doc, args, i, sent, MEASURABLE)
        if subj is None or subj.start == sent.start:
            return
        change = doc[subj.start - 1].lower_
        sign = "increases" if change in INCREASE_NOUNS else "decreases" if change in DECREASE_NOUNS else None
        objs = self._right_objects(doc, args, i + 1, sent, CONDITION, max_gap=4)
        if sign is not None and objs:
            emit(objs[0], sign, subj, "reflects", (i, i + 1))

    @staticmethod
    def _accompanied(doc: Doc, args: list[Arg], obj: Arg, sent: Span) -> Arg | None:
        """The condition ``obj`` came with: "agranulocytosis with (febrile neutropenic) tonsillitis"."""
        k = obj.start - 1
        while k > sent.start and obj.start - k <= 3 and doc[k].is_alpha and doc[k].lower_ != "with" and \
                not any(a.start <= k < a.end for a in args):
            k -= 1
        if k <= sent.start or doc[k].lower_ != "with":
            return None
        return next((a for a in args if a.end == k and a.type in CONDITION - {"process"}), None)

    @staticmethod
    def _indication_of(doc: Doc, args: list[Arg], obj: Arg, drugs: list[Arg]) -> Arg | None:
        """The drug, other than ``drugs``, that ``obj`` is named the indication of ("X for obj"), or None."""
        k = obj.start - 1
        while k >= 0 and doc[k].lower_ in {"metastatic", "advanced", "relapsed", "refractory", "recurrent"}:
            k -= 1
        if k < 1 or doc[k].lower_ != "for":
            return None
        ids = {d.curie for d in drugs}
        return next((a for a in args if a.end == k and a.type in DRUGLIKE and a.curie not in ids), None)

    def _prophylaxis(self, doc: Doc, args: list[Arg], i: int, sent: Span, emit) -> None:
        """"atovaquone as Pneumocystis prophylaxis", "enoxaparin was given as prophylaxis against VTE",
        "Pneumocystis prophylaxis with atovaquone": the drug is given against the condition (treats)."""
        nxt = doc[i + 1].lower_ if i + 1 < sent.end else ""
        conds = [a for a in args if a.end == i and a.type in CONDITION - {"process"}]
        if not conds and nxt in {"against", "for", "of"}:
            conds = self._right_objects(doc, args, i + 2, sent, CONDITION - {"process"}, max_gap=2)
        if not conds:
            return
        if nxt == "with":
            drugs = self._right_objects(doc, args, i + 2, sent, DRUGLIKE, max_gap=2)
        else:
            k = (conds[0].start if conds[0].end == i else i) - 1
            while k > sent.start and doc[k].lower_ in {"antifungal", "antiviral", "antibiotic", "antimicrobial"}:
                k -= 1
            if k <= sent.start or doc[k].lower_ != "as":
                return
            j = k - 1
            while j > sent.start and k - j <= 4 and doc[j].lower_ in {"was", "were", "given", "started", "used",
                                                                      "added", "continued", "also", "is"}:
                j -= 1
            drugs = [a for a in args if a.end == j + 1 and a.type in DRUGLIKE]
        for d in drugs:
            for c in conds:
                emit(d, "treats", c, "treat_for", (i, i + 1))

    @staticmethod
    def _exemplified(doc: Doc, args: list[Arg], last: Arg, lo: int) -> bool:
        """Whether a mention ends a list of examples set off by "such as" / "including" / "like"
        ("agents, such as A, B and C,")."""
        first = (ClaimExtractor._coordinated_before(doc, args, last) or [last])[0]
        k = first.start
        return (k - 1 >= lo and doc[k - 1].lower_ in {"including", "like"}) or \
            (k - 2 >= lo and doc[k - 2].lower_ == "such" and doc[k - 1].lower_ == "as")

    @staticmethod
    def _coordinated_after(doc: Doc, args: list[Arg], subj: Arg, verb: int) -> list[Arg]:
        """Mentions of the subject's type coordinated after it, before the verb ("amiodarone,
        disopyramide, and quinidine, administered separately, induced ...")."""
        out, k = [], subj.end
        while k < verb:
            j = k
            while j < verb and doc[j].lower_ in {"and", "or", ",", "/"}:
                j += 1
            if j == k:
                break
            nxt = next((a for a in args if a.start == j and a.end <= verb and a.type == subj.type and not a.coref), None)
            if nxt is None:
                break
            out.append(nxt)
            k = nxt.end
        return out

    @staticmethod
    def _mechanism(doc: Doc, args: list[Arg], obj: Arg, sent: Span) -> Arg | None:
        """The process (or syndrome: "hyponatremia through a syndrome of inappropriate antidiuresis")
        named right after an object by "through" / "via" / "by way of"."""
        k = obj.end
        if k < sent.end and doc[k].lower_ in {"through", "via"}:
            k += 1
        elif k + 2 < sent.end and [t.lower_ for t in doc[k:k + 3]] == ["by", "way", "of"]:
            k += 3
        else:
            return None
        if k < sent.end and doc[k].lower_ in {"the", "a", "an"}:
            k += 1
        return next((a for a in args if a.start == k and a.type in {"process", "disease"}), None)

    @staticmethod
    def _stative(toks: list[str], k: int) -> bool:
        """A participle used as a state or adjective: "was (markedly) raised", "a raised CRP"."""
        if k > 0 and toks[k - 1] in ADJECTIVAL_BEFORE:
            return True
        j = k - 1
        while j >= 0 and k - j <= 3 and toks[j] in ADVERBS and toks[j] not in BE_AUX:
            j -= 1
        return j >= 0 and toks[j] in BE_AUX and toks[j] not in {"had", "has", "have"}

    @staticmethod
    def _in_treated_patient(doc: Doc, obj: Arg, i: int) -> bool:
        """"<condition> in (a renal transplant recipient / children) (who were) treated with": the words
        between the condition and the participle at `i` name the patient it happened in."""
        between = [t.lower_ for t in doc[obj.end:i]]
        while between and between[-1] in {"who", "were", "was", "being", "had", "been", "that"}:
            between.pop()
        return between[:1] == ["in"] and len(between) <= 6 and between[-1] in PATIENT_NOUNS

    @staticmethod
    def _during_treatment(toks: list[str], k: int, obj_end: int) -> bool:
        """"during (an antipsoriatic) treatment with X", "after 19 days of therapy with X", "in a patient
        under / receiving treatment with X" (the therapy noun at `k`): a drug's course, in which the
        condition came; unless the condition is said to have resolved, improved or responded between
        them ("the rash resolved after treatment with X")."""
        if toks[k] not in THERAPY_NOUNS:
            return False
        j = k - 1
        while j >= obj_end and k - j <= 6 and toks[j] not in COURSE_MARKERS and (
                toks[j] in COURSE_FILLERS or _DECIMAL.match(toks[j]) or toks[j] in DURATION_UNITS or
                toks[j] in NUMBER_WORDS
                or toks[j] in ORDINALS or toks[j].isalpha() and toks[j].endswith(("ic", "al", "ive", "ary", "ous",
                                                                                  "term", "th"))):
            j -= 1          # ("antipsoriatic", "adjuvant", "long-term", "19 days of", "his nineteenth week of")
        if j < obj_end or toks[j] not in COURSE_MARKERS:
            return False
        return not any(w in DECHALLENGE_MARKERS or w in {"responded", "responding", "recovered", "controlled",
                                                         "managed", "treated", "improving"}
                       for w in toks[obj_end:j])

    @staticmethod
    def _treat_context(toks: list[str], k: int) -> bool:
        """'improved after prednisone' is therapy, not an adverse reaction."""
        window = toks[max(0, k - 3):k]
        return any(w in {"improved", "resolved", "normalized", "normalised", "recovered", "subsided",
                         "settled", "decreased", "fell", "declined", "abated", "disappeared", "stopped",
                         "ceased"} for w in window)

    @staticmethod
    def _change_sign(toks: list[str], obj_start: int, obj_end: int, k: int) -> int:
        """+1 / -1 when the words around a marker say it rose / fell, else 0 (not the object's own
        words: "bilateral foot drop two weeks after itraconazole" names no fall)."""
        window = toks[max(0, obj_end - 8):obj_start] + toks[obj_end:k]
        if any(w in FALL_VERBS or w in DECREASE_NOUNS for w in window):
            return -1
        if any(w in RISE_VERBS or w in INCREASE_NOUNS for w in window):
            return 1
        return 0

    # -- context ------------------------------------------------------------------------------
    @staticmethod
    def _apply_context(doc: Doc, claim: RawClaim) -> None:
        s, o, t = claim.subject, claim.object, claim.trigger
        core = [(t[0], t[1]), (o.start, o.end)]
        neg = modifiers_covering(doc, core, "NEGATED")
        neg += [m for m in modifiers_covering(doc, [(s.start, s.end)], "NEGATED") if m.scope_end <= m.trigger_end]
        # a negation inside the claim's own span ("X did not cause Y")
        lo, hi = min(s.start, o.start, t[0]), max(s.end, o.end, t[1])
        # (not "without", which denies only what its scope covers: "NMS without rigidity while taking X";
        # a scope over the trigger or object is read above)
        neg += [m for m in doc._.context_modifiers if m.category == "NEGATED" and lo <= m.trigger_start < hi
                and not (s.start <= m.trigger_start < s.end or o.start <= m.trigger_start < o.end)
                and not (m.phrase_only and not m.covers(s.start, s.end))]
        claim.negated = bool(neg)
        claim.hedged = bool(modifiers_covering(doc, core + [(s.start, s.end)], "HEDGED"))
        claim.hypothetical = bool(modifiers_covering(doc, core, "HYPOTHETICAL"))
        if claim.hedged:
            claim.confidence *= HEDGE_FACTOR
        if claim.hypothetical:
            claim.confidence *= HEDGE_FACTOR
        if s.coref:
            claim.confidence *= COREF_FACTOR

    def __call__(self, doc: Doc) -> Doc:
        drugs = [e for e in doc.ents if e.label_ == "drug"]
        conditions = [e for e in doc.ents if e.label_ in CONDITION - {"process"}]
        referent = functools.cache(lambda noun: _index_syndrome(conditions) if noun in DEFINITE_CONDITION
                                   else _index_drug(drugs, noun))
        mentions = _mentions(doc)           # doc.ents makes new Spans on every access: read once
        claims: list[RawClaim] = []
        for sent in doc.sents:
            args = _args_in(sent, doc, referent, mentions)
            for c in self._sentence_claims(doc, sent, args):
                self._apply_context(doc, c)
                claims.append(c)
        # one claim per (sentence, subject, object): keep the most confident reading
        doc._.claims = keep_best(claims, key=lambda c: (c.sentence.start, c.subject.curie, c.object.curie),
                                 rank=lambda c: (c.negated, c.confidence))
        return doc


@Language.factory("kgbuild_claims", default_config={})
def make_claim_extractor(nlp: Language, name: str) -> ClaimExtractor:
    return ClaimExtractor(nlp, name)
