#!/usr/bin/env python3
"""Join SCKG's good practices with partner indicators of their cities, and write a CSV.

A researchers' client: it asks a running SCKG's SPARQL endpoint (SPARQL 1.1 Protocol, JSON results) with
SPARQLWrapper and writes one CSV row per practice × indicator × period:

    python examples/join_practices_indicators.py --endpoint http://127.0.0.1:8080/sparql --out joined.csv

Optional ``--indicator IRI`` keeps one indicator (e.g.
https://w3id.org/sckg/id/indicator/un-habitat/green-area-per-capita); ``--change`` adds, per practice and
indicator, the change between the first and last period. Needs only ``pip install sparqlwrapper``.
"""
from __future__ import annotations

import argparse
import csv
import sys
from decimal import Decimal

from SPARQLWrapper import JSON, POST, SPARQLWrapper

QUERY = """
PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
SELECT ?practice ?practiceTitle ?city ?cityLabel ?indicator ?indicatorLabel ?period ?value ?unit ?dataset
WHERE {
  ?practice a sckg:Practice ; sckg:city ?city .
  OPTIONAL { ?practice rdfs:label ?practiceTitle FILTER(LANGMATCHES(LANG(?practiceTitle), "en")) }
  ?city rdfs:label ?cityLabel .
  ?obs sdmx-dimension:refArea ?city ; qb:dataSet ?dataset ; sckg:indicator ?indicator ;
       sdmx-dimension:refPeriod ?period ; sdmx-measure:obsValue ?value .
  OPTIONAL { ?indicator rdfs:label ?indicatorLabel FILTER(LANGMATCHES(LANG(?indicatorLabel), "en")) }
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?unit }
}
ORDER BY ?cityLabel ?practice ?indicator ?period
"""
COLUMNS = ["practice", "practiceTitle", "city", "cityLabel", "indicator", "indicatorLabel", "period", "value",
           "unit", "dataset"]


def fetch(endpoint: str, indicator: str | None = None) -> list[dict[str, str]]:
    """Rows of the join as plain strings; ``indicator`` (an IRI) keeps only that indicator.

    The indicator is sent as a VALUES block written from the checked IRI, never spliced as free text.
    """
    text = QUERY
    if indicator:
        if not indicator.startswith(("http://", "https://")) or any(c in indicator for c in "<>\"{}|^`\\ "):
            raise ValueError(f"not an IRI: {indicator!r}")
        text = QUERY.rstrip() + f"\nVALUES ?indicator {{ <{indicator}> }}\n"
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    return [{k: b[k]["value"] for k in COLUMNS if k in b} for b in result["results"]["bindings"]]


def changes(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Per practice and indicator: first and last period and the change of the value between them."""
    series: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        series.setdefault((r["practice"], r["indicator"]), []).append(r)
    out = []
    for (practice, indicator), rs in series.items():
        rs = sorted(rs, key=lambda r: r["period"])
        first, last = rs[0], rs[-1]
        out.append({"practice": practice, "indicator": indicator, "cityLabel": first["cityLabel"],
                    "from": first["period"], "to": last["period"],
                    "change": str(Decimal(last["value"]) - Decimal(first["value"]))})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", default="http://127.0.0.1:8080/sparql", help="SCKG's SPARQL endpoint URL")
    ap.add_argument("--out", default="practices-indicators.csv", help="CSV file to write ('-' for stdout)")
    ap.add_argument("--indicator", help="keep one indicator (its IRI)")
    ap.add_argument("--change", action="store_true", help="write the change per practice and indicator instead")
    args = ap.parse_args(argv)
    rows = fetch(args.endpoint, args.indicator)
    table, columns = (changes(rows), ["practice", "indicator", "cityLabel", "from", "to", "change"]) \
        if args.change else (rows, COLUMNS)
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    try:
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{len(table)} rows written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
