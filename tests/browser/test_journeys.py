"""End-to-end journeys of a member city's visitor in real headless Chromium, one screenshot per step."""
from __future__ import annotations

import csv
import io
import re

from tests.app.study_csv import practices_where


def test_search_open_data_reaches_a_practice(page, shot):
    page.goto("/")
    shot(page, "01-home")
    page.fill("#q", "open data")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=open"))
    shot(page, "02-search-open-data")
    first = page.locator("ol.hits a[href^='/id/practice/']").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/id/practice/"))
    assert page.locator("h1").inner_text() == title
    assert page.locator("p.kind").inner_text().lower() == "practice"
    shot(page, "03-practice-page")
    assert not page.csp_errors


def test_search_unaccented_mobilite_reaches_the_mobility_axis(page, shot):
    page.goto("/")
    page.type("#q", "mobilit", delay=30)
    page.wait_for_selector("#q-suggestions a", timeout=5000)
    shot(page, "04-suggestions")
    page.fill("#q", "mobilite")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=mobilite"))
    shot(page, "05-search-mobilite")
    page.locator("ol.hits a[href='/id/axis/mobility']").click()
    page.wait_for_url(re.compile(r"/id/axis/mobility$"))
    assert page.locator("h1").inner_text() == "Mobility"
    statements = page.locator("details.statements")
    statements.locator("summary").click()
    assert "Mobilité" in statements.inner_text()
    shot(page, "06-mobility-axis")


def test_two_facets_give_the_csv_count(page, shot):
    page.goto("/practices")
    page.locator("#facet-axis input[value='people']").check()
    page.wait_for_url(re.compile(r"axis=people"))
    page.locator("#facet-region input[value='europe']").check()
    page.wait_for_url(re.compile(r"region=europe"))
    expected = len(practices_where(axis="people", region="europe"))
    assert page.locator("#total strong").inner_text() == str(expected)
    assert page.locator("ul.practices > li").count() == expected
    shot(page, "07-two-facets", full_page=True)


def test_follow_a_related_practice_and_see_why(page, shot):
    page.goto("/id/practice/bilbao-bilbaoaccess")
    item = page.locator("ol.related-list > li").first
    reason = item.locator("p.why").inner_text()
    assert reason.startswith(("also used", "also faced", "same"))
    link = item.locator("a").first
    title = link.inner_text()
    shot(page, "08-related-practices", full_page=True)
    link.click()
    page.wait_for_url(re.compile(r"/id/practice/"))
    assert page.locator("h1").inner_text() == title
    shot(page, "09-related-practice-followed")


def test_run_an_example_query_and_download_csv(page, shot):
    page.goto("/query")
    page.locator("aside.examples a", has_text="axis and UCLG region").click()
    page.wait_for_selector("table.results")
    page.locator("#run").click()
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() > 0
    shot(page, "10-example-query", full_page=True)
    with page.expect_download() as info:
        page.locator("#download-csv").click()
    text = open(info.value.path(), encoding="utf-8").read()
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:2] == ["axis", "axisLabel"] and len(table) > 1
    assert not page.csp_errors


def test_switch_to_french_then_spanish(page, shot):
    page.goto("/practices")
    page.locator("nav.langs a[hreflang='fr']").click()
    page.wait_for_url(re.compile(r"lang=fr"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Bonnes pratiques"
    shot(page, "11-french")
    page.locator("nav.langs a[hreflang='es']").click()
    page.wait_for_url(re.compile(r"lang=es"))
    assert page.locator("h1").inner_text() == "Buenas prácticas"
    page.goto("/axes")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("table.list", has_text="Movilidad").count() == 1
    shot(page, "12-spanish-persists")


def test_open_the_map(page, shot):
    page.goto("/")
    page.locator("nav.main-nav a[href='/map']").click()
    page.wait_for_url(re.compile(r"/map$"))
    dots = page.locator("svg.world circle.city")
    assert dots.count() > 30
    assert page.locator("svg.world image").count() == 1
    shot(page, "13-map")
    page.locator("svg.world a[href='/id/city/bilbao']").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/city/bilbao$"))
    shot(page, "14-city-page", full_page=True)


def test_phone_layout(chromium, live_server, shot):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                   is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto("/practices?axis=people")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    shot(pg, "15-phone-practices")
    context.close()
