"""One draft per process: saving over a draft saved since the one the editor opened needs
the editor to say so; the refusal names who saved it and when."""

from __future__ import annotations

import pytest

from engine.audit import Actor
from engine.errors import Conflict
from engine.runtime.drafts import save_draft, shipped_xml

pytestmark = pytest.mark.both_backends
ONE, TWO = Actor("li", "web"), Actor("wu", "web")


def test_a_draft_saved_meanwhile_is_replaced_only_when_asked(session):
    xml = shipped_xml("sample_review")
    first = save_draft(session, ONE, xml)
    opened = first.saved_at
    assert save_draft(session, ONE, xml, base=opened).saved_by == "li"  # my own, again
    mine = save_draft(session, ONE, xml, base=first.saved_at).saved_at
    with pytest.raises(Conflict) as caught:
        save_draft(session, TWO, xml)  # opened none: there is one now
    assert caught.value.code == "draft_changed"
    assert (caught.value.details["saved_by"], caught.value.details["saved_at"]) == ("li", mine)
    with pytest.raises(Conflict):
        save_draft(session, TWO, xml, base=opened)  # opened an older one
    assert save_draft(session, TWO, xml, base=opened, replace=True).saved_by == "wu"
