"""Placeholder blueprint: filled in by its issue."""
from flask import Blueprint

bp = Blueprint("discovery", __name__)


def write_dumps(store, config) -> dict:
    return {}
