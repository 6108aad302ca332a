"""Derived data: what SCKG computes from the graphs after they change (inferences, related practices, the
search and facet indexes, the dumps, the catalogue's counts), and the one background refresher that keeps it
up to date (:mod:`app.derived.refresher`)."""
