"""CLI commands: calendar."""

COMMANDS: list = []
