"""Placeholder: the full-text index (issue: browser)."""


def refresh(store, config) -> dict:
    return {}
