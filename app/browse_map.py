"""An offline world map drawn on the server as SVG: the land outline of the ``world-atlas`` npm package
(TopoJSON, Natural Earth 1:110m) in an equirectangular projection, with points placed by latitude/longitude.

No tiles and no script are needed. Without the npm package the map is drawn without the outline.
"""
from __future__ import annotations

import functools
import json

from app.browse_web import vendor_path

WIDTH, HEIGHT = 960, 480


def project(lat: float, long: float) -> tuple[float, float]:
    """Equirectangular projection onto the WIDTH × HEIGHT canvas."""
    x = (float(long) + 180.0) * WIDTH / 360.0
    y = (90.0 - float(lat)) * HEIGHT / 180.0
    return round(min(max(x, 0.0), WIDTH), 1), round(min(max(y, 0.0), HEIGHT), 1)


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs as absolute (long, lat) points (delta-decoded, then un-quantized)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc[1:] if points else arc)
    return points


def _subpath(pts: list[tuple[float, float]]) -> str:
    """One ring as path data; a jump across the antimeridian starts a new sub-path instead of a line."""
    if len(pts) < 3:
        return ""
    out = [f"M{pts[0][0]},{pts[0][1]}"]
    for (x0, _), (x, y) in zip(pts, pts[1:]):
        out.append(("M" if abs(x - x0) > WIDTH / 2 else "L") + f"{x},{y}")
    return "".join(out) + "Z"


@functools.lru_cache(maxsize=1)
def land_path() -> str:
    """The SVG path data of the world's land, or "" when the outline package is not installed."""
    path = vendor_path("land-110m.json")
    if path is None:
        return ""
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    parts = []
    for geometry in topo["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                parts.append(_subpath([project(lat, long) for long, lat in _ring(arcs, ring)]))
    return "".join(parts)


def markers(points: list[dict]) -> list[dict]:
    """Add ``x``/``y`` to every point that has ``lat`` and ``long``; drop the others."""
    out = []
    for p in points:
        try:
            x, y = project(float(p["lat"]), float(p["long"]))
        except (KeyError, TypeError, ValueError):
            continue
        out.append({**p, "x": x, "y": y})
    return out
