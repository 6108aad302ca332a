"""Where the files that ship with SCKG live: ``ontology/``, ``queries/`` and ``data/``.

In a source checkout or an editable install they are the top-level folders of the repository; in a
regular install they are package data under ``sckg_resources`` (see pyproject.toml).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

_NAMES = ("ontology", "queries", "data")


def resource_dir(name: str) -> Path:
    """The folder of one shipped resource: ``resource_dir("ontology")``.

    :raises ValueError: for a name that is not shipped.
    :raises FileNotFoundError: if the installation lacks the folder.
    """
    if name not in _NAMES:
        raise ValueError(f"unknown resource folder {name!r}; expected one of {', '.join(_NAMES)}")
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    spec = importlib.util.find_spec(f"sckg_resources.{name}")
    locations = list(spec.submodule_search_locations or []) if spec else []
    path = Path(locations[0]) if locations else Path("sckg_resources") / name
    if not path.is_dir():
        raise FileNotFoundError(f"the SCKG installation has no {name}/ folder (looked in {path})")
    return path


def study_dir() -> Path:
    return resource_dir("data") / "study"
