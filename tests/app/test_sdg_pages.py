"""SDGs that show: stated SDG links first, those suggested from the practices' topics marked as suggested on
the SDG pages, the home page, the SDG list and the facet."""
from __future__ import annotations

from markupsafe import escape

from tests.app.study_csv import rows

HTML = {"Accept": "text/html"}
SDG = "http://metadata.un.org/sdg/"


def page(client, url: str) -> str:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def education() -> list[dict]:
    return [r for r in rows("practices") if "education" in r["topics"].split(";") and not r["sdgs"]]


def test_an_sdg_page_lists_the_practices_its_topics_suggest(client):
    body = page(client, "/resource?iri=http://metadata.un.org/sdg/4&lang=es")
    assert "<h1>Educación de calidad</h1>" in body
    listed = body.split('<ul class="practices">', 1)[1].split("</ul>", 1)[0]
    for r in education()[:5]:
        assert str(escape(r["title_es"] or r["title"])) in body
    assert listed.count('<span class="suggested">sugerido</span>') == listed.count("<li>") > 0
    assert "Sugerido sin estar indicado" in body


def test_the_home_page_sdg_box_has_content_with_the_split(client):
    data = client.get("/?format=json").get_json()
    goals = {p["slug"]: p for p in data["points"]["sdg"]}
    assert goals["4"]["count"] >= len(education()) and goals["4"]["suggested"] == goals["4"]["count"]
    body = page(client, "/?lang=fr")
    box = body.split('id="entry-sdg"', 1)[1].split("</section>", 1)[0]
    assert "Éducation de qualité" in box and "par suggestion" in box and "Nothing yet" not in box


def test_the_sdg_list_and_facet_tell_suggested_counts(client):
    listed = {i["iri"]: i for i in client.get("/sdgs.json").get_json()["items"]}
    assert listed[SDG + "4"]["practices"] == listed[SDG + "4"]["suggested"] > 0
    facet = client.get("/practices.json?sdg=4").get_json()
    assert facet["total"] == listed[SDG + "4"]["practices"]
    html = page(client, "/practices?lang=en")
    facet = html.split('id="facet-sdg"', 1)[1].split("</fieldset>", 1)[0]
    assert "suggested</span>" in facet


def test_a_practice_page_shows_suggested_sdgs_apart(client):
    body = page(client, "/id/practice/limoges-digital-schools-plan?lang=fr")
    facts = body.split('<dl class="summary-facts">', 1)[1].split("</dl>", 1)[0]
    assert "<dt>ODD suggérés par ses thèmes</dt>" in facts and "Éducation de qualité" in facts
    assert "<dt>ODD</dt>" not in facts  # it states none


def test_the_axis_sdg_report_counts_suggested_goals_apart(client):
    body = page(client, "/reports/2012")
    matrix = body.split('id="axis-sdg-matrix"', 1)[1].split("</section>", 1)[0]
    assert "<th scope=\"col\">Practices for which it is suggested</th>" in matrix and "<svg" in matrix
