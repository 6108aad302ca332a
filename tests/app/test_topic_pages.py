"""Topic pages, the topic facet of the practice list, and stated and suggested topics on a practice page."""
from __future__ import annotations

from markupsafe import escape

from tests.app.study_csv import rows

HTML = {"Accept": "text/html"}


def page(client, url: str) -> str:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def stating(topic: str) -> list[dict]:
    return [r for r in rows("practices") if topic in r["topics"].split(";")]


def test_a_topic_page_lists_its_practices_in_the_readers_language(client):
    body = page(client, "/id/topic/open-data?lang=fr")
    assert "<h1>Données ouvertes</h1>" in body and ">Thème<" in body
    assert "Gouvernance et usage des données" in body  # the broader topic, in French
    assert "Paix, justice et institutions efficaces" in body  # an SDG it serves
    for r in stating("open-data"):
        assert str(escape(r["title_fr"])) in body
    es = page(client, "/id/topic/education?lang=es")
    assert "<h1>Educación y aprendizaje permanente</h1>" in es and "sugerido" in es


def test_suggested_practices_come_after_the_stated_ones_and_are_marked(client):
    body = page(client, "/id/topic/health?lang=en")
    listed = body.split('<ul class="practices">', 1)[1].split("</ul>", 1)[0]
    assert listed.count('class="suggested"') == listed.count("<li>")  # no practice states health
    assert "Suggested, not stated: " in body


def test_the_topic_facet_filters_and_counts(client):
    data = client.get("/practices.json?topic=open-data").get_json()
    assert {i["iri"].rsplit("/", 1)[1] for i in data["items"]} == {r["practice_id"] for r in stating("open-data")}
    counts = client.get("/practices.json").get_json()["facets"]["topic"]
    assert counts["https://w3id.org/sckg/id/topic/education"] >= len(stating("education"))
    html = page(client, "/practices?lang=es")
    assert 'id="facet-topic"' in html and "<legend>Tema</legend>" in html
    assert "por sugerencia" in html


def test_the_topics_list_page(client):
    body = page(client, "/topics?lang=fr")
    assert "<h1>Thèmes</h1>" in body and "Cybersécurité et vie privée" in body
    table = client.get("/topics.json").get_json()
    assert table["total"] == 19


def test_a_practice_page_tells_stated_from_suggested_topics(client):
    body = page(client, "/id/practice/porto-alegre-datapoa?lang=fr")
    facts = body.split('<dl class="summary-facts">', 1)[1].split("</dl>", 1)[0]
    stated = facts.split("<dt>Thèmes</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Données ouvertes" in stated and "Gouvernance et usage des données" not in stated
    suggested = facts.split("<dt>Thèmes suggérés par ses textes</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Gouvernance et usage des données" in suggested
    assert '<span lang="fr">Politique de données</span>' in suggested  # the French words that matched
    assert "data policy" not in suggested
