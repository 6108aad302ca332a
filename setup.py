"""Packaging helper: ship ontology/, queries/ and data/ as package data under ``sckg_resources``.

Their sub-folders are found here so that a new folder (a partner's dataset, a vocabulary) ships without
editing a list. Everything else about the package is in pyproject.toml.
"""
from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOT = Path(__file__).parent
RESOURCES = ("ontology", "queries", "data")


def resource_packages():
    packages, dirs = [], {}
    for top in RESOURCES:
        for folder in [ROOT / top, *sorted(p for p in (ROOT / top).rglob("*") if p.is_dir())]:
            if "__pycache__" in folder.parts:
                continue
            rel = folder.relative_to(ROOT)
            name = "sckg_resources." + ".".join(rel.parts)
            packages.append(name)
            dirs[name] = str(rel)
    return packages, dirs


def copy_vendor_files():
    """Copy the front-end files named in app/static/vendor.json from node_modules/ (after ``npm ci``) into
    app/static/vendor/, so that a regular install serves them too; without them the pages are plainer."""
    import json
    import shutil
    wanted = json.loads((ROOT / "app" / "static" / "vendor.json").read_text())
    target = ROOT / "app" / "static" / "vendor"
    for name, source in wanted.items():
        path = ROOT / "node_modules" / source
        if path.is_file():
            target.mkdir(exist_ok=True)
            shutil.copyfile(path, target / name)


copy_vendor_files()
packages, package_dir = resource_packages()
setup(
    # the app's templates, static files and translations are folders of data inside it: listed as packages
    # (namespace packages, without __init__.py) so that their files are shipped by the patterns in pyproject.toml
    packages=find_namespace_packages(include=["app", "app.*", "ingest", "ingest.*"], exclude=["*.__pycache__"])
    + packages,
    package_dir=package_dir,
)
