"""What the search index holds: the documents read from the store, and how their words are folded and stemmed.

A document is one resource of interest (a practice, city, barrier, …) with every label in every language,
its descriptions, and the Snowball stems of both (English, French or Spanish by the text's language tag;
untagged text is stemmed as English). :func:`match_expression` turns what a user typed into a safe FTS5
expression: words only, each quoted, never FTS5 syntax.
"""
from __future__ import annotations

import re
import unicodedata

import snowballstemmer

MAX_TOKENS = 16
MAX_TOKEN_CHARS = 64

_T = {
    "sckg": "https://w3id.org/sckg/ontology#", "schema": "https://schema.org/", "org": "http://www.w3.org/ns/org#",
}
#: rdf:type → kind, in order of preference when a resource has several types
KINDS = {
    _T["sckg"] + "Practice": "practice", _T["sckg"] + "City": "city", _T["schema"] + "Country": "country",
    _T["sckg"] + "Axis": "axis", _T["sckg"] + "Barrier": "barrier", _T["sckg"] + "Enabler": "enabler",
    _T["sckg"] + "SDG": "sdg", _T["org"] + "Organization": "organisation", _T["sckg"] + "LearningEvent": "event",
    _T["sckg"] + "StudyEdition": "edition", _T["sckg"] + "Region": "region",
}
TITLE_PROPS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
               "http://www.w3.org/2004/02/skos/core#altLabel", "http://purl.org/dc/terms/title",
               _T["schema"] + "name", _T["sckg"] + "acronym"}
BODY_PROPS = {"http://purl.org/dc/terms/description", "http://www.w3.org/2004/02/skos/core#definition",
              _T["sckg"] + "theme", _T["sckg"] + "axisLabel", _T["sckg"] + "role"}
LABEL_PROPS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
               "http://purl.org/dc/terms/title", _T["schema"] + "name")
DOCS_QUERY = ("SELECT ?s ?t ?p ?o WHERE { VALUES ?t { " + " ".join(f"<{t}>" for t in KINDS) + " } ?s a ?t . "
              "VALUES ?p { " + " ".join(f"<{p}>" for p in sorted(TITLE_PROPS | BODY_PROPS)) + " } ?s ?p ?o "
              "FILTER(isLiteral(?o)) }")
_STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def fold(text: str) -> str:
    """Lower case without diacritics: ``fold("Mobilité")`` → ``"mobilite"``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class _Stems:
    """Snowball stemmers for en/fr/es with a memo (words repeat a lot)."""

    def __init__(self):
        self._stem = {k: snowballstemmer.stemmer(v).stemWord for k, v in _STEMMERS.items()}
        self._memo: dict[tuple[str, str], str] = {}

    def __call__(self, word: str, lang: str) -> str:
        key = (word, lang)
        s = self._memo.get(key)
        if s is None:
            s = self._memo[key] = self._stem.get(lang, self._stem["en"])(word)
        return s


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(text: str, *, prefix: bool = False, title_only: bool = False,
                     stems: _Stems | None = None) -> str | None:
    """A safe FTS5 MATCH expression for what a user typed, or None when it has no words.

    Every word becomes a quoted string (searched in labels and descriptions, or as a stem in any of the
    three languages); all words must match. With ``prefix`` the last word matches as a prefix of a label word;
    with ``title_only`` every word must be in a label.
    """
    tokens = [t[:MAX_TOKEN_CHARS] for t in words(text or "")][:MAX_TOKENS]
    if not tokens:
        return None
    stems = stems or _STEMMER
    parts = []
    for n, token in enumerate(tokens):
        if title_only:
            parts.append("{title} : " + _quote(token))
            continue
        if prefix and n == len(tokens) - 1:
            parts.append("{title} : " + _quote(token) + "*")
            continue
        alts = ["{title body} : " + _quote(token)]
        alts += ["{stem} : " + _quote(s) for s in sorted({stems(token, lang) for lang in _STEMMERS})]
        parts.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


_STEMMER = _Stems()


# --- building -----------------------------------------------------------------------------------------

def select_rows(store, text: str) -> list[tuple]:
    """Rows of a SELECT as tuples of (value, language) pairs, straight from the engine where embedded."""
    view = store.read_view()
    if view is not None:
        res = view.query(text, use_default_graph_as_union=True)
        names = [v.value for v in res.variables]
        out = []
        for sol in res:
            out.append(tuple((t.value, getattr(t, "language", None)) if t is not None else (None, None)
                             for t in (sol[n] for n in names)))
        return out
    keys = re.search(r"SELECT\s+(?:DISTINCT\s+)?((?:\?\w+\s*)+)", text).group(1).replace("?", "").split()
    return [tuple((str(row[k]), getattr(row[k], "language", None)) if k in row else (None, None) for k in keys)
            for row in store.query(text)]


def read_documents(store) -> list[tuple[str, str, dict, str, str, str]]:
    """(iri, kind, labels by language, title, body, stem) for every resource of interest, from one SELECT."""
    kind_rank = {k: n for n, k in enumerate(KINDS)}
    docs: dict[str, dict] = {}
    for (s, _), (t, _), (p, _), (o, lang) in select_rows(store, DOCS_QUERY):
        d = docs.setdefault(s, {"type": t, "texts": {}, "labels": {}})
        if kind_rank[t] < kind_rank[d["type"]]:
            d["type"] = t
        text = _CONTROL.sub(" ", o)
        d["texts"].setdefault((p in TITLE_PROPS, text), lang or "")
        if p in LABEL_PROPS:
            prev = d["labels"].get(lang or "")
            if prev is None or LABEL_PROPS.index(p) < prev[0]:
                d["labels"][lang or ""] = (LABEL_PROPS.index(p), text)
    out = []
    for iri, d in docs.items():
        title = [t for (is_title, t) in d["texts"] if is_title]
        body = [t for (is_title, t) in d["texts"] if not is_title]
        stems = {_STEMMER(w, lang) for (_, t), lang in d["texts"].items() for w in words(t)}
        labels = {lang: text for lang, (_, text) in d["labels"].items()}
        out.append((iri, KINDS[d["type"]], labels, " · ".join(title), " · ".join(body), " ".join(sorted(stems))))
    return out
