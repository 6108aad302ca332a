"""Placeholder: the inferred graph (issue: study team's tools)."""
commands: list = []


def materialise(store, config) -> dict:
    return {}
