"""``/status``: the state of the store and of the derived data, as JSON, for operators and clients that wrote."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from app.store import get_store

bp = Blueprint("status", __name__)


@bp.route("/status")
def status():
    """The store's generation and mode, and the derived data's state (fresh, refreshing or failed, and why)."""
    body = {"store": get_store().state(), "derived": current_app.extensions["sckg.refresher"].status()}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
