"""Typed engine errors; the web layer maps each to one HTTP status."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error an engine function raises on purpose."""

    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(EngineError):
    """The object does not exist, or the actor may not know it exists."""

    code = "not_found"


class Forbidden(EngineError):
    """The actor may see the object but not do this to it."""

    code = "forbidden"


class Conflict(EngineError):
    """Someone else changed the object first (claimed, completed, new version)."""

    code = "conflict"


class InvalidInput(EngineError):
    """The request is malformed; `details['fields']` maps field names to messages."""

    code = "invalid_input"


class IncidentError(EngineError):
    """The process failed while running (script error, bad data) and needs an operator."""

    code = "incident"


class DeploymentError(InvalidInput):
    """A diagram was refused; each problem names its file, element and reason."""

    code = "deployment_refused"

    def __init__(self, problems: list[DeploymentProblem]) -> None:
        lines = "; ".join(str(p) for p in problems)
        super().__init__(f"deployment refused: {lines}", problems=problems)
        self.problems = problems


class SandboxViolation(EngineError):
    """A script or expression tried something the sandbox does not allow."""

    code = "sandbox_violation"


class DeploymentProblem:
    """One reason a diagram cannot be deployed."""

    def __init__(self, file: str, element: str | None, reason: str) -> None:
        self.file = file
        self.element = element
        self.reason = reason

    def __str__(self) -> str:
        where = f"{self.file}#{self.element}" if self.element else self.file
        return f"{where}: {self.reason}"

    def __repr__(self) -> str:
        return f"DeploymentProblem({self.file!r}, {self.element!r}, {self.reason!r})"
