"""Placeholder blueprint: filled in by its issue."""
from flask import Blueprint

bp = Blueprint("partners_http", __name__)
