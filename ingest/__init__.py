"""SCKG ingest: read sources, map them to RDF, validate, link, describe and load them into a store.

This package never imports :mod:`app`; a store is handed to it when it must load.
"""
