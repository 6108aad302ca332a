"""Partner indicators of one city, shaped for the city page: one series per indicator and dataset, with
a small server-side SVG line chart, the source, its citation and caveats.

``indicators_for_city(store, city_iri, lang)`` binds the city through ``store.query(…, bindings=…)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import URIRef

from app.i18n import pick_label

P = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
"""
OBSERVATIONS = P + """SELECT ?ds ?ind ?period ?value ?unit ?place WHERE {
  ?obs sdmx-dimension:refArea ?city ; a qb:Observation ; qb:dataSet ?ds ; sckg:indicator ?ind ;
       sdmx-dimension:refPeriod ?period ; sdmx-measure:obsValue ?value .
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?unit }
  OPTIONAL { ?obs sckg:place ?place }
}"""
LABELS = P + """SELECT ?label WHERE { ?s rdfs:label ?label }"""
NOTATION = P + """SELECT ?n ?sdg WHERE { OPTIONAL { ?s skos:notation ?n } OPTIONAL { ?s sckg:sdg ?sdg } }"""
DATASET = P + """SELECT ?title ?citation ?note ?publisher ?pubLabel ?source WHERE {
  ?ds dct:title ?title .
  OPTIONAL { ?ds dct:bibliographicCitation ?citation }
  OPTIONAL { ?ds skos:scopeNote ?note }
  OPTIONAL { ?ds dct:publisher ?publisher OPTIONAL { ?publisher rdfs:label ?pubLabel } }
  OPTIONAL { ?ds dct:source ?source }
}"""

WIDTH, HEIGHT, PAD = 240, 80, 14


@dataclass
class Series:
    indicator: str
    label: str
    unit: str
    dataset: str
    title: str
    points: list[tuple[str, Decimal]]
    citation: str = ""
    caveats: list[str] = field(default_factory=list)
    publisher: str = ""
    source: str = ""
    place_label: str = ""
    sdg_indicator: str = ""
    sdgs: list[str] = field(default_factory=list)
    chart: dict = field(default_factory=dict)


def _pick(rows: list[dict], key: str, lang: str) -> str:
    return pick_label([r[key] for r in rows if r.get(key) is not None], lang) or ""


def _label(store, iri: str, lang: str) -> str:
    return _pick(store.query(LABELS, {"s": URIRef(iri)}), "label", lang)


def chart(points: list[tuple[str, Decimal]]) -> dict:
    """Coordinates of a small line chart: ``polyline`` points, dots with their labels, axis extremes."""
    years = [int(p[0]) for p in points]
    values = [float(p[1]) for p in points]
    lo, hi = min(values), max(values)
    span_v = (hi - lo) or 1.0
    y0, y1 = min(years), max(years)
    span_y = (y1 - y0) or 1

    def xy(year: int, value: float) -> tuple[float, float]:
        x = PAD + (year - y0) / span_y * (WIDTH - 2 * PAD) if y1 != y0 else WIDTH / 2
        y = HEIGHT - PAD - (value - lo) / span_v * (HEIGHT - 2 * PAD)
        return round(x, 1), round(y, 1)
    dots = [{"x": xy(y, v)[0], "y": xy(y, v)[1], "year": str(y), "value": f"{v:.2f}"} for y, v in zip(years, values)]
    return {"width": WIDTH, "height": HEIGHT, "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots),
            "dots": dots, "min": f"{lo:.2f}", "max": f"{hi:.2f}", "first": str(y0), "last": str(y1)}


def indicators_for_city(store, city_iri: str, lang: str = "en") -> list[Series]:
    """Every partner indicator observed for the city, one series per (dataset, indicator) ordered by dataset
    title and indicator label, each oldest period first."""
    groups: dict[tuple[str, str], dict] = {}
    for r in store.query(OBSERVATIONS, {"city": URIRef(city_iri)}):
        g = groups.setdefault((str(r["ds"]), str(r["ind"])), {"points": {}, "unit": "", "place": ""})
        try:
            g["points"][str(r["period"])] = Decimal(str(r["value"]))
        except InvalidOperation:
            continue
        if r.get("unit") is not None:
            g["unit"] = str(r["unit"])
        if r.get("place") is not None:
            g["place"] = str(r["place"])
    out = []
    for (ds, ind), g in sorted(groups.items()):
        meta = store.query(DATASET, {"ds": URIRef(ds)})
        notes = sorted({str(m["note"]) for m in meta if m.get("note") is not None})
        extra = store.query(NOTATION, {"s": URIRef(ind)})
        points = sorted(g["points"].items())
        s = Series(indicator=ind, label=_label(store, ind, lang) or ind.rsplit("/", 1)[-1],
                   unit=(_label(store, g["unit"], lang) if g["unit"] else "") or g["unit"].rsplit("/", 1)[-1],
                   dataset=ds, title=_pick(meta, "title", lang) or ds, points=points,
                   citation=_pick(meta, "citation", lang), caveats=notes,
                   publisher=_pick(meta, "pubLabel", lang) or (str(meta[0]["publisher"]) if meta and
                                                               meta[0].get("publisher") else ""),
                   source=_web(meta[0].get("source")) if meta else "",
                   place_label=_label(store, g["place"], lang) if g["place"] else "",
                   sdg_indicator=next((str(e["n"]) for e in extra if e.get("n") is not None), ""),
                   sdgs=sorted({str(e["sdg"]) for e in extra if e.get("sdg") is not None}))
        s.chart = chart(points)
        out.append(s)
    return sorted(out, key=lambda s: (s.title, s.label))


def _web(term) -> str:
    """An http(s) IRI to link to, or "" (never a javascript: or data: IRI from partner data)."""
    text = str(term) if term is not None else ""
    return text if text.startswith(("http://", "https://")) else ""
