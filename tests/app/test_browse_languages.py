"""Pages in the reader's language: the Spanish and French texts of the study, the editors' notice on an
editorial translation, and a visible mark on a text shown in another language than the reader's."""
from __future__ import annotations

import pytest
from markupsafe import escape

from tests.app.study_csv import rows

HTML = {"Accept": "text/html"}


def page(client, url: str) -> str:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def row(name: str, key: str, value: str) -> dict:
    (found,) = [r for r in rows(name) if r[key] == value]
    return found


def pairs(r: dict) -> dict[str, str]:
    return dict(p.split(":", 1) for p in r["translation"].split(";") if p)


def head(body: str) -> str:
    """The page's article up to the statements table (the title, lead and facts a reader sees first)."""
    return body.split('<details class="statements">', 1)[0]


def test_a_spanish_practice_page_shows_the_spanish_title_and_summary(client):
    p = row("practices", "practice_id", "bilbao-data-government")
    body = page(client, "/id/practice/bilbao-data-government?lang=es")
    assert '<html lang="es">' in body
    assert f"<h1>{escape(p['title_es'])}</h1>" in body
    assert str(escape(p["summary_es"])) in head(body)
    assert str(escape(p["summary"])) not in head(body)


def test_a_french_page_marks_an_editorial_translation(client):
    p = row("practices", "practice_id", "bilbao-bilbaoaccess")
    assert pairs(p)["summary_fr"] == "editorial"
    body = head(page(client, "/id/practice/bilbao-bilbaoaccess?lang=fr"))
    lead = body.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert str(escape(p["summary_fr"])) in lead
    assert "Traduit par l&#39;équipe éditoriale de SCKG" in lead or "Traduit par l'équipe éditoriale de SCKG" in lead


def test_a_source_text_carries_no_editorial_notice(client):
    (e,) = [r for r in rows("editions") if pairs(r).get("title_es") == "source" and r["year"] == "2019"]
    body = head(page(client, f"/id/edition/{e['year']}?lang=es"))
    assert f"<h1>{escape(e['title_es'])}</h1>" in body
    assert "Título traducido" not in body
    theme = body.split('<p class="theme">', 1)[1].split("</p>", 1)[0]
    assert str(escape(e["theme_es"])) in theme
    assert ("Traducido por el equipo editorial" in theme) == (pairs(e)["theme_es"] == "editorial")


@pytest.mark.parametrize("kind,file,key,column", [
    ("barrier", "barriers", "id", "label"), ("enabler", "enablers", "id", "label"),
    ("event", "events", "event_id", "description"), ("edition", "editions", "year", "title"),
])
def test_every_kind_of_page_shows_its_texts_in_the_readers_language(client, kind, file, key, column):
    r = rows(file)[0]
    for lang in ("es", "fr"):
        body = head(page(client, f"/id/{kind}/{r[key]}?lang={lang}"))
        assert str(escape(r[f"{column}_{lang}"])) in body, (kind, lang)


def test_the_practice_list_shows_titles_in_the_readers_language(client):
    import re
    body = page(client, "/practices?lang=fr")
    shown = dict(re.findall(r'<a class="title" href="/id/practice/([a-z0-9-]+)">([^<]*)</a>', body))
    assert len(shown) >= 10
    for slug, title in shown.items():
        assert title == str(escape(row("practices", "practice_id", slug)["title_fr"]))


def test_a_missing_text_falls_back_with_a_mark_of_its_language(client):
    c = rows("org_collaborations")[0]
    slug = f"{c['org_id']}--{c['partner_org_id']}--{c['year']}"
    body = head(page(client, f"/id/collaboration/{slug}?lang=fr"))
    lead = body.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert f'<span lang="en">{escape(c["activity"])}</span>' in lead
    assert '<span class="lang-mark">(anglais)</span>' in lead
    english = head(page(client, f"/id/collaboration/{slug}?lang=en"))
    assert "lang-mark" not in english


def test_the_sdg_page_shows_its_label_in_the_readers_language(client):
    body = head(page(client, "/resource?iri=http://metadata.un.org/sdg/11&lang=es"))
    assert "Ciudades y comunidades sostenibles" in body


@pytest.mark.parametrize("q,lang", [("données ouvertes", "fr"), ("datos abiertos", "es"), ("donnees ouvertes", "fr")])
def test_search_finds_practices_in_every_language(client, q, lang):
    found = client.get("/search.json", query_string={"q": q, "lang": lang}).get_json()
    practices = [h for h in found["hits"] if h["kind"] in ("practice", "Pratique", "Práctica") or "/practice/" in h["iri"]]
    assert len(practices) >= 3, found
    body = page(client, f"/search?q={q.replace(' ', '+')}&lang={lang}")
    assert body.count('href="/id/practice/') >= 3
