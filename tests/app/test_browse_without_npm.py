"""Without the npm packages (no node_modules/, no copied vendor files) the pages still work, plainer."""
from __future__ import annotations

from app import browse_map, browse_web


def test_pages_work_without_vendor_files(client, monkeypatch, tmp_path):
    monkeypatch.setattr(browse_web, "ROOT", tmp_path)
    monkeypatch.setattr(browse_web, "__file__", str(tmp_path / "app" / "browse_web.py"))
    browse_map.land_path.cache_clear()
    try:
        assert browse_web.vendor_path("yasgui.min.js") is None
        query = client.get("/query?name=practices-by-axis-and-region", headers={"Accept": "text/html"})
        body = query.get_data(as_text=True)
        assert query.status_code == 200 and "/vendor/yasgui" not in body and 'id="query-text"' in body
        assert 'class="results"' in body
        assert client.get("/vendor/yasgui.min.js").status_code == 404
        land = client.get("/map/land.svg").get_data(as_text=True)
        assert 'd=""' in land
        assert client.get("/map", headers={"Accept": "text/html"}).status_code == 200
    finally:
        monkeypatch.undo()
        browse_map.land_path.cache_clear()
