"""Placeholder: related practices (issue: browser)."""


def refresh(store, config) -> dict:
    return {}
