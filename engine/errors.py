"""Typed engine errors; the web layer maps each to one HTTP status."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error an engine function raises on purpose.

    `kind` names the class of error; `code` names the reason, a stable snake_case
    string the web layer turns into a translated message (it defaults to the kind);
    `message` is English, for logs, the CLI and operators.
    """

    kind = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.kind
        self.details = details


class Refusal(EngineError):
    """An error users meet in their work: its reason code is required, so each has a message."""

    def __init__(self, message: str, *, code: str, **details: object) -> None:
        super().__init__(message, code=code, **details)


class NotFound(Refusal):
    """The object does not exist, or the actor may not know it exists (the same code for both,
    so ids do not leak)."""

    kind = "not_found"


class Forbidden(Refusal):
    """The actor may see the object but not do this to it."""

    kind = "forbidden"


class Conflict(Refusal):
    """Someone else changed the object first (claimed, completed, new version)."""

    kind = "conflict"


class InvalidInput(EngineError):
    """The request is malformed; `details['fields']` maps field names to messages."""

    kind = "invalid_input"


class IncidentError(EngineError):
    """The process failed while running (script error, bad data) and needs an operator."""

    kind = "incident"


class DeploymentError(InvalidInput):
    """A diagram was refused; each problem names its file, element and reason."""

    kind = "deployment_refused"

    def __init__(self, problems: list[DeploymentProblem]) -> None:
        lines = "; ".join(str(p) for p in problems)
        super().__init__(f"deployment refused: {lines}", problems=problems)
        self.problems = problems


class SandboxViolation(EngineError):
    """A script or expression tried something the sandbox does not allow."""

    kind = "sandbox_violation"


class DeploymentProblem:
    """One reason a diagram cannot be deployed: where (file, element), a stable `code` with
    its `params` (what a page words in its own language) and the `reason` in English (the
    CLI's and the log's words). Code "other" carries only the reason."""

    def __init__(self, file: str, element: str | None, reason: str, code: str = "other",
                 **params: str | int) -> None:
        self.file = file
        self.element = element
        self.reason = reason
        self.code = code
        self.params = params

    def __str__(self) -> str:
        where = f"{self.file}#{self.element}" if self.element else self.file
        return f"{where}: {self.reason}"

    def __repr__(self) -> str:
        return f"DeploymentProblem({self.file!r}, {self.element!r}, {self.reason!r})"
