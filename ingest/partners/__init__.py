"""Partner datasets: declarative mappings turn a partner's workbook, CSV or JSON into RDF Data Cube
observations in the partner's own graph, with the partner's places reconciled to SCKG cities.

Modules: ``mapping`` (the mapping document), ``tables`` (reading xlsx/csv/json), ``records`` (rows →
observation records, melting wide year columns), ``cube`` (records → RDF), ``sssom`` (curated corrections),
``reconcile`` (places → SCKG cities and GeoNames), ``catalogue`` (DCAT/PROV record), ``report`` and
``pipeline`` (``run_partner``).
"""
