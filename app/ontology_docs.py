"""Placeholder blueprint: filled in by its issue."""
from flask import Blueprint

bp = Blueprint("ontology_docs", __name__)
