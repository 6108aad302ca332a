"""The `topics` column of practices.csv: checked against the topic vocabulary, mapped to sckg:topic."""
from __future__ import annotations

from rdflib import URIRef

from ingest.map import map_study
from ingest.read import parse_csv
from ingest.study import SPECS
from ingest.topics import topic_slugs
from tests.ingest.conftest import STUDY, csv_rows

SPEC = SPECS["practices.csv"]
SCKG = "https://w3id.org/sckg/ontology#"
TOPIC = "https://w3id.org/sckg/id/topic/"


def _csv(topics: str) -> bytes:
    values = dict.fromkeys(SPEC.header_columns, "") | {"topics": topics}
    values.update(practice_id="p", title="P", city_id="bilbao", source_url="https://example.org/p")
    return (",".join(values) + "\n" + ",".join(values.values()) + "\n").encode()


def test_the_vocabulary_gives_the_topics_a_cell_may_name():
    assert {"open-data", "digital-literacy", "e-government", "cybersecurity"} <= set(topic_slugs())


def test_known_topics_are_accepted_and_unknown_ones_located():
    records, problems = parse_csv("practices.csv", _csv("open-data;participation"), SPEC)
    assert problems == [] and records[0].items("topics") == ["open-data", "participation"]
    _, problems = parse_csv("practices.csv", _csv("open-data;smart-toasters"), SPEC)
    assert [(p.line, p.column, p.rule) for p in problems] == [(2, "topics", "unknown-topic")]
    assert "smart-toasters" in problems[0].message and "open-data" in problems[0].message
    _, problems = parse_csv("practices.csv", _csv("Open Data"), SPEC)
    assert [p.rule for p in problems] == ["slug-format"]


def test_a_file_without_the_column_stays_valid():
    values = dict.fromkeys(SPEC.header_columns, "")
    values.update(practice_id="p", title="P", city_id="bilbao", source_url="https://example.org/p")
    assert "topics" not in values
    data = ",".join(values) + "\n" + ",".join(values.values()) + "\n"
    assert parse_csv("practices.csv", data.encode(), SPEC)[1] == []


def test_every_shipped_practice_states_topics_and_they_map_to_sckg_topic():
    rows = csv_rows("practices.csv")
    assert all(r["topics"] for r in rows)
    tables = {name: parse_csv(name, (STUDY / name).read_bytes(), spec)[0] for name, spec in SPECS.items()
              if (STUDY / name).is_file()}
    graph, origins = map_study(tables)
    for r in rows:
        p = URIRef("https://w3id.org/sckg/id/practice/" + r["practice_id"])
        stated = {str(o) for o in graph.objects(p, URIRef(SCKG + "topic"))}
        assert stated == {TOPIC + t for t in r["topics"].split(";")}
    first = URIRef("https://w3id.org/sckg/id/practice/" + rows[0]["practice_id"])
    assert origins.locate(first, URIRef(SCKG + "topic"))[2] == "topics"
