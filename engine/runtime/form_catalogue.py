"""The forms as the form editor lists them (saved versions, shipped files, the processes
that use each), and the redeploy that brings a new form version to those processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import EngineError, NotFound
from engine.models import FormVersion, ProcessDefinition
from engine.runtime.deploy import deploy_all, latest_definition, own_files
from engine.runtime.form_versions import latest_version, uses
from engine.runtime.forms import FORMS_DIR, FormDefinition, form_exists, form_for


@dataclass
class FormSummary:
    key: str
    definition: FormDefinition
    latest: FormVersion | None  # None: shipped in forms/, not deployed yet
    versions: int
    # The processes whose latest version uses the form: (process key, form version it has).
    used_by: list[tuple[str, int]] = field(default_factory=list)

    @property
    def behind(self) -> list[str]:
        """The processes still on an older version of the form than the latest."""
        if self.latest is None:
            return []
        return [key for key, number in self.used_by if number < self.latest.version]


def catalogue(session: Session, forms_dir: Path = FORMS_DIR) -> list[FormSummary]:
    """Every form: those saved in the database and those only shipped, by key."""
    counts = dict(session.execute(select(FormVersion.key, func.count(FormVersion.id))
                                  .group_by(FormVersion.key)).all())
    keys = sorted(set(counts) | {path.stem for path in forms_dir.glob("*.toml")})
    used = uses(session)
    found = []
    for key in keys:
        try:
            found.append(summary(session, key, forms_dir, counts.get(key, 0), used))
        except (EngineError, ValueError):
            continue  # a broken shipped file: deploy names it when a diagram uses it
    return found


def summary(session: Session, key: str, forms_dir: Path = FORMS_DIR, versions: int | None = None,
            used: dict[str, list[tuple[str, int]]] | None = None) -> FormSummary:
    """One form as the editor shows it; NotFound when it is neither saved nor shipped."""
    latest = latest_version(session, key)
    if latest is None and not form_exists(key, forms_dir):
        raise NotFound(f"no form {key!r}", code="no_such_form")
    if versions is None:
        versions = session.execute(select(func.count(FormVersion.id))
                                   .where(FormVersion.key == key)).scalar() or 0
    used_by = (used if used is not None else uses(session)).get(key, [])
    return FormSummary(key, form_for(session, key), latest, versions, used_by)


def redeploy_users(session: Session, actor: audit.Actor, key: str
                   ) -> list[ProcessDefinition]:
    """Deploy again, with the form's latest version, each process whose latest version
    carries an older one (the same files: new cases then start on the new version; running
    cases keep theirs). Returns the new process versions."""
    form = summary(session, key)
    deployed = []
    for process_key in form.behind:
        files = own_files(latest_definition(session, process_key))
        comment = f"form {key} version {form.latest.version if form.latest else 0}"
        deployed += [d for d, created in deploy_all(session, actor, files, comment=comment)
                     if created and d.key == process_key]
    return deployed
