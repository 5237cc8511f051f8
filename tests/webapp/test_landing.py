"""Each role lands where its work is; the inbox opens on the first tab with work."""

from __future__ import annotations

import re


def test_each_role_lands_where_its_work_is(login):
    for name, place in (("chen", "/inbox/"), ("zhang", "/inbox/"), ("wang", "/monitor/"),
                        ("audit", "/monitor/"), ("admin", "/admin/users")):
        response = login(name).get("/")
        assert (response.status_code, response.headers["Location"]) == (302, place), name


def test_the_inbox_opens_on_the_first_tab_with_work(login, case):
    officer = login("chen")
    page = officer.get("/inbox/").get_data(as_text=True)
    active = re.search(r'class="tab active"[^>]*data-tab="(\w+)"', page)
    assert active is not None and active.group(1) == "claimable"
    officer.post(f"/tasks/{case.id}/claim")
    page = officer.get("/inbox/").get_data(as_text=True)
    active = re.search(r'class="tab active"[^>]*data-tab="(\w+)"', page)
    assert active is not None and active.group(1) == "mine"
    asked = officer.get("/inbox/?tab=done").get_data(as_text=True)
    assert re.search(r'class="tab active"[^>]*data-tab="done"', asked)

