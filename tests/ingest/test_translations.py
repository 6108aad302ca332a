"""Texts in Spanish and French: every language column becomes a literal with its tag, every `translation` pair a
note that SPARQL can query, and a bad `translation` cell is refused with a message naming file, row and column."""
from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ingest.map import map_study
from ingest.namespaces import DEFAULT_BASE, SCKG
from ingest.read import parse_csv, read_csv
from ingest.study import SPECS
from tests.ingest.conftest import STUDY, csv_rows

#: file → (kind of its IRIs, id column, {English column: property})
TEXTS = {
    "practices.csv": ("practice", "practice_id", {"title": DCTERMS.title, "summary": DCTERMS.description}),
    "barriers.csv": ("barrier", "id", {"label": SKOS.prefLabel, "definition": SKOS.definition}),
    "enablers.csv": ("enabler", "id", {"label": SKOS.prefLabel, "definition": SKOS.definition}),
    "editions.csv": ("edition", "year", {"title": DCTERMS.title, "theme": SCKG.theme}),
    "events.csv": ("event", "event_id", {"description": DCTERMS.description}),
}
EDITORIAL_FR = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?practice ?summary WHERE {
  ?note a sckg:TranslatedText ; sckg:textOf ?practice ; sckg:textProperty dct:description ;
        sckg:textLanguage ?lang ; sckg:translationKind sckg:EditorialTranslation .
  FILTER(STR(?lang) = "fr")
  ?practice a sckg:Practice ; dct:description ?summary .
  FILTER(LANGMATCHES(LANG(?summary), STR(?lang)))
}"""


@pytest.fixture(scope="module")
def graph():
    tables = {name: read_csv(STUDY / name, spec) for name, spec in SPECS.items() if (STUDY / name).is_file()}
    return map_study(tables)[0]


def pairs(row: dict) -> dict[str, str]:
    return dict(p.split(":", 1) for p in row["translation"].split(";") if p)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_language_column_is_a_literal_with_its_tag(graph, name):
    kind, key, props = TEXTS[name]
    seen = 0
    for row in csv_rows(name):
        s = URIRef(f"{DEFAULT_BASE}{kind}/{row[key]}")
        for column, prop in props.items():
            for lang in ("en", "es", "fr"):
                text = row[column if lang == "en" else f"{column}_{lang}"]
                if text:
                    assert Literal(text, lang=lang) in set(graph.objects(s, prop)), (s, prop, lang)
                    seen += lang != "en"
            assert len({o.language for o in graph.objects(s, prop)}) == len(list(graph.objects(s, prop)))
    assert seen > 0


def test_the_spanish_title_of_a_practice_is_also_its_spanish_label(graph):
    (row,) = [r for r in csv_rows("practices.csv") if r["practice_id"] == "bilbao-bilbaoaccess"]
    s = URIRef(DEFAULT_BASE + "practice/bilbao-bilbaoaccess")
    assert Literal(row["title_es"], lang="es") in set(graph.objects(s, RDFS.label))


def test_every_pair_of_the_translation_column_is_a_note_saying_source_or_editorial(graph):
    expected = Counter()
    for name, (kind, key, props) in TEXTS.items():
        for row in csv_rows(name):
            for column, value in pairs(row).items():
                expected[(kind, row[key], column, value)] += 1
    found = Counter()
    kinds = {SCKG.SourceText: "source", SCKG.EditorialTranslation: "editorial"}
    for note in graph.subjects(None, SCKG.TranslatedText):
        s = graph.value(note, SCKG.textOf)
        kind, slug = str(s)[len(DEFAULT_BASE):].split("/")
        prop = graph.value(note, SCKG.textProperty)
        column = {p: c for c, p in TEXTS[f"{kind}s.csv" if kind != "edition" else "editions.csv"][2].items()}[prop]
        lang = str(graph.value(note, SCKG.textLanguage))
        found[(kind, slug, f"{column}_{lang}", kinds[graph.value(note, SCKG.translationKind)])] += 1
    assert found == expected
    assert sum(1 for k in expected if k[3] == "source") > 0


def test_editorial_translations_are_told_from_source_texts_in_sparql(graph):
    rows = list(graph.query(EDITORIAL_FR))
    expected = {r["practice_id"] for r in csv_rows("practices.csv") if pairs(r).get("summary_fr") == "editorial"}
    assert {str(r.practice).rsplit("/", 1)[-1] for r in rows} == expected
    assert all(r.summary.language == "fr" for r in rows)
    source = """PREFIX sckg: <https://w3id.org/sckg/ontology#> PREFIX dct: <http://purl.org/dc/terms/>
    SELECT ?s ?src WHERE { ?n sckg:translationKind sckg:SourceText ; sckg:textOf ?s ; sckg:textLanguage "es"^^<http://www.w3.org/2001/XMLSchema#language> ; dct:source ?src }"""
    found = {(str(r.s).rsplit("/", 1)[-1], str(r.src)) for r in graph.query(source)}
    wanted = {(r["year"], u) for r in csv_rows("editions.csv") for u in r["source_url_es"].split(";")
              if "source" in {v for c, v in pairs(r).items() if c.endswith("_es")}}
    assert wanted and wanted <= found


def _practices(**cells) -> bytes:
    spec = SPECS["practices.csv"]
    values = dict.fromkeys(spec.names, "")
    values.update(practice_id="p", title="Open data", city_id="bilbao", source_url="https://example.org/p",
                  title_es="Datos abiertos", title_fr="Données ouvertes", translation="title_es:source;title_fr:editorial",
                  source_url_es="https://example.org/es")
    values.update(cells)
    return (",".join(spec.names) + "\n" + ",".join(values[n] for n in spec.names) + "\n").encode()


def test_a_good_translation_cell_passes():
    records, problems = parse_csv("practices.csv", _practices(), SPECS["practices.csv"])
    assert problems == [] and records[0]["title_es"] == "Datos abiertos"


@pytest.mark.parametrize("cells, column, rule, words", [
    ({"translation": "title_es:machine;title_fr:editorial"}, "translation", "translation-kind",
     "'title_es:machine' must say source"),
    ({"translation": "title_es:source;title_fr:editorial;colour_fr:editorial"}, "translation", "translation-column",
     "is not a column of practices.csv"),
    ({"translation": "title_es:source;title_fr:editorial;summary_fr:editorial"}, "translation", "translation-column",
     "'summary_fr', but that cell is empty"),
    ({"translation": "title_es:source"}, "translation", "translation-missing",
     "title_fr is filled, so translation needs a pair"),
    ({"translation": "title_es:source;title_es:source;title_fr:editorial"}, "translation", "translation-twice",
     "names 'title_es' twice"),
    ({"source_url_es": ""}, "source_url_es", "translation-source", "title_es is marked source"),
    ({"source_url_es": "not a web page"}, "source_url_es", "iri-format", "must be a web address"),
])
def test_a_bad_translation_cell_is_refused_with_a_message(cells, column, rule, words):
    _records, problems = parse_csv("practices.csv", _practices(**cells), SPECS["practices.csv"])
    assert [(p.file, p.line, p.column, p.rule) for p in problems] == [("practices.csv", 2, column, rule)]
    assert words in problems[0].message


def test_a_file_in_english_only_may_leave_the_language_columns_out():
    spec = SPECS["practices.csv"]
    text = ",".join(spec.header_columns) + "\n" + "p,T,bilbao" + "," * (len(spec.header_columns) - 4) \
        + ",https://example.org/p\n"
    records, problems = parse_csv("practices.csv", text.encode(), spec)
    assert problems == [] and records[0]["title_es"] == ""


def test_the_validator_names_file_row_and_column_of_a_bad_translation(tmp_path):
    from click.testing import CliRunner

    from app.cli import cli
    for p in STUDY.glob("*.csv"):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    text = (tmp_path / "editions.csv").read_text(encoding="utf-8").replace("theme_fr:editorial", "theme_fr:machine", 1)
    (tmp_path / "editions.csv").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "[translation-kind]" in ln)
    assert line.startswith("editions.csv:2:translation: ") and "'theme_fr:machine'" in line
