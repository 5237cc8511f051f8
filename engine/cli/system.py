"""CLI commands: system."""

COMMANDS: list = []
