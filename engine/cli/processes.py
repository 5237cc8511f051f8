"""CLI commands: processes."""

COMMANDS: list = []
