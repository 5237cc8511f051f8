"""The filters of the auditors' pages (GET forms) and the chain check's button."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from engine import clock
from engine.audit.log import EventFilter
from webapp.config import settings
from webapp.forms import date_text, strip, uscc_text


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("User name"), filters=[strip], validators=[Optional(), Length(max=64)])
    since = StringField(_l("From"), validators=[Optional(), date_text],
                        render_kw={"type": "date"})
    until = StringField(_l("Until"), validators=[Optional(), date_text],
                        render_kw={"type": "date"})

    def event_filter(self) -> EventFilter:
        """The filter asked for (nothing when the form is invalid): days in the platform's
        zone, `until` included."""
        if not self.validate():
            return EventFilter()
        return EventFilter(actor=self.actor.data or None, since=day_start(self.since.data),
                           until=day_start(self.until.data, 1), **self.more())

    def more(self) -> dict[str, str | None]:
        return {}


class EventFilterForm(PeriodForm):
    action = StringField(_l("Action or its start"), filters=[strip],
                         validators=[Optional(), Length(max=64)],
                         description=_l("entity.reveal, or entity. for every entity action"))
    object_type = StringField(_l("Object type"), filters=[strip],
                              validators=[Optional(), Length(max=40)])
    object_id = StringField(_l("Object id"), filters=[strip],
                            validators=[Optional(), Length(max=64)])

    def more(self) -> dict[str, str | None]:
        return {"action": self.action.data or None, "object_type": self.object_type.data or None,
                "object_id": self.object_id.data or None}


class RevealFilterForm(PeriodForm):
    uscc = StringField(_l("Entity's USCC"), filters=[strip],
                       validators=[Optional(), uscc_text])


class VerifyForm(FlaskForm):
    """The chain check: a POST, for it takes a while, though it changes nothing."""


def day_start(text: str | None, later: int = 0) -> datetime | None:
    """The start of the day (plus `later` days) in the platform's zone, or None."""
    if not text:
        return None
    day = date.fromisoformat(text) + timedelta(days=later)
    return datetime.combine(day, time(), tzinfo=clock.local_zone(settings().timezone))
