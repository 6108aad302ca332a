"""SCKG's web application: ``create_app(config)`` wires settings, the store and the blueprints."""
from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from app import config as settings
from app import errors

#: the blueprints, one module each, every module exposing ``bp``
BLUEPRINTS = ("app.sparql", "app.graphstore", "app.discovery", "app.browse", "app.partners_http",
              "app.reports", "app.ontology_docs", "app.status", "app.admin_http")


def create_app(config: Mapping[str, Any] | None = None, *, store=None) -> Flask:
    """Build the app: defaults, then ``SCKG_*`` variables, then ``config``; ``store`` may be injected (tests)."""
    app = Flask(__name__)
    app.config.update(settings.defaults())
    app.config.update(settings.from_environ())
    app.config.update(config or {})
    logging.basicConfig(level=logging.INFO if not app.config.get("TESTING") else logging.WARNING)

    from app.derived.refresher import Refresher
    from app.store import open_store
    app.extensions["sckg.store"] = store if store is not None else open_store(app.config)
    app.extensions["sckg.refresher"] = Refresher(app.extensions["sckg.store"], app.config)
    from app import search
    search.register(app.extensions["sckg.store"], app.config)  # sckg:textMatch, where the store is embedded

    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)
        app.register_blueprint(module.bp)
    errors.register(app)
    return app
