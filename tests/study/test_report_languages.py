"""Edition reports and list headings in French and Spanish: titles, headings and column headers as words from the
catalogues, regions and axes by their vocabulary labels; English stays the default."""
from __future__ import annotations

import pytest

HTML = {"Accept": "text/html"}


def page(client, url: str) -> str:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def headers(body: str, key: str) -> list[str]:
    section = body.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]
    head = section.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [h.rsplit(">", 1)[1] for h in head.split("</th>")[:-1]]


def test_a_french_report_reads_in_french(client):
    body = page(client, "/reports/2012?lang=fr")
    assert "<h2>Villes et pays participants par région de CGLU</h2>" in body
    assert 'aria-label="Villes et pays participants par région de CGLU"' in body
    assert headers(body, "cities-by-region") == ["Région", "Villes", "Pays"]
    assert ">Europe</a>" in body or ">Amérique latine</a>" in body or ">Asie-Pacifique</a>" in body
    assert "regionLabel" not in body.split("<article", 1)[1]
    assert "rapport d&#39;édition" in body or "rapport d'édition" in body
    assert "aucune (première édition)" in body
    assert headers(body, "participating-cities") == ["Ville", "Pays", "Région"]
    cities = body.split('id="participating-cities"', 1)[1].split("</section>", 1)[0]
    assert ">Espagne</a>" in cities and ">Afrique</a>" in cities and ">Africa<" not in cities


def test_a_spanish_report_names_axes_and_the_suggested_column(client):
    body = page(client, "/reports/2012?lang=es")
    assert "<h2>Cobertura eje × ODS</h2>" in body
    cols = headers(body, "axis-sdg-matrix")
    assert cols == ["Eje", "ODS", "Prácticas", "Prácticas para las que se sugiere"]
    assert ">Ciudadanía</a>" in body  # the axis "people" by its Spanish label
    assert "Informes de edición" not in body and page(client, "/reports/?lang=es").count("Informes de edición") >= 1


def test_english_stays_the_default(client):
    body = page(client, "/reports/2012")
    assert "<h2>Participating cities and countries by UCLG region</h2>" in body
    assert headers(body, "axis-sdg-matrix") == ["Axis", "SDG", "Practices", "Practices for which it is suggested"]


@pytest.mark.parametrize("url,heading", [
    ("/countries?lang=fr", "<h1>Pays</h1>"), ("/regions?lang=es", "<h1>Regiones mundiales de CGLU</h1>"),
    ("/editions?lang=fr", "<h1>Éditions de l&#39;étude</h1>"),
    ("/sdgs?lang=es", "<h1>Objetivos de Desarrollo Sostenible</h1>"),
    ("/ontology?lang=fr", "<h2>Modèle central</h2>"), ("/ontology?lang=es", "<h1>Ontología SCKG</h1>"),
])
def test_list_and_ontology_headings_are_translated(client, url, heading):
    assert heading in page(client, url)
