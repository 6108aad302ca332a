"""axe-core (from node_modules) on the main page kinds: no serious or critical violations."""
from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/practices?axis=people", "/id/practice/bilbao-bilbaoaccess", "/id/city/bilbao",
         "/id/barrier/" + "{barrier}", "/id/enabler/political-leadership", "/id/axis/people", "/cities",
         "/search?q=open+data", "/map", "/query?name=practices-by-axis-and-region", "/nope-404"]


@pytest.fixture(scope="module")
def axe_context(chromium, live_server):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run npm ci")
    # injecting axe means running a script the page's CSP would refuse; this context alone bypasses it
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    yield context
    context.close()


@pytest.mark.parametrize("url", PAGES)
def test_no_serious_accessibility_violations(axe_context, url, shot):
    from tests.app.study_csv import rows
    url = url.replace("{barrier}", rows("barriers")[0]["id"])
    pg = axe_context.new_page()
    pg.goto(url)
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    name = "axe-" + (url.strip("/").replace("/", "-").replace("?", "-").replace("=", "-").replace("+", "-") or "home")
    shot(pg, name[:80])
    pg.close()
    assert not bad, bad
