"""CLI commands: db."""

COMMANDS: list = []
