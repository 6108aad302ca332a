"""Placeholder: commands added by its issue."""
commands: list = []
