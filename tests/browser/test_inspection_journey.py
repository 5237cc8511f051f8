"""A spot check in the field: an officer on a 375 px phone fills the checklist and takes a
photo with the network gone, sees what is not sent, and it is sent when the network is
back (the photo made smaller on the phone, its EXIF place kept); the other drawn officer
confirms and enters the result; the department administrator approves; the result is on
the public portal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.config import Settings
from engine.models import Attachment, Inspection
from tests.browser.conftest import sign_in
from tests.engine.inspection.helpers import do, start
from tests.factories import World, make_entity

NAME = "保山永昌便利店有限公司"


def camera_photo(path: Path) -> Path:
    """A 2400×1800 JPEG as a phone's camera writes it, with its GPS place in EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (25.0, 7.0, 13.8), 3: "E", 4: (99.0, 10.0, 1.56)}
    Image.new("RGB", (2400, 1800), (90, 140, 60)).save(path, "JPEG", exif=exif)
    return path


def test_a_checklist_filled_offline_is_sent_when_back_online_and_published(  # type: ignore[no-untyped-def]
        server: str, server_sessions: sessionmaker[Session], world: World, new_page,
        tmp_path: Path) -> None:
    today = clock.local_today()
    with server_sessions() as session:
        entity = make_entity(session, name=NAME)
        row = start(session, world, entity, inspection_date=today,
                    deadline=today + timedelta(days=14))
        do(session, world, row, "prepare_inspection", "chen", notice="not_needed")
        inspection_id, uscc = row.id, entity.uscc
        session.commit()

    officer = new_page(width=375, height=740)
    sign_in(officer, server, "chen")
    officer.goto(f"{server}/inspections/")
    officer.get_by_role("link", name=NAME).click()
    # The page and its script are loaded before the network goes: going offline while
    # inspection.js is still on its way leaves a page without it (the officer opens the
    # inspection online, at the office or in the car, before reaching the premises).
    officer.wait_for_url(f"{server}/inspections/{inspection_id}", wait_until="load")
    officer.context.set_offline(True)
    for line in ("SC-01.1", "SC-01.2", "SC-02"):
        officer.locator(f"input[name='answer_{line}'][value=ok]").check()
    officer.get_by_label("检查情况").fill("亮照经营，年报已公示")
    officer.locator("#photo-input").set_input_files(str(camera_photo(tmp_path / "IMG_0001.jpg")))
    # Resizing a 2400×1800 photo on a loaded 2-core runner can outlast the 10 s default.
    officer.locator("#photos li.pending img").wait_for(timeout=30_000)
    officer.get_by_label("确认本检查记录").check()
    officer.get_by_role("button", name="保存并发送").click()
    state = officer.locator("#draft-state")
    assert "尚未发送" in state.inner_text() and "无网络" in state.inner_text()
    assert "1 张照片待发送" in state.inner_text() and "检查清单待发送" in state.inner_text()
    assert officer.evaluate("document.documentElement.scrollWidth") <= 375
    with server_sessions() as session:  # nothing reached the server
        assert session.get(Inspection, inspection_id).findings is None

    with officer.expect_navigation():  # sent, then the page shows what the server has
        officer.context.set_offline(False)
    officer.locator("#photos li.sent").wait_for()
    assert "已记录拍摄位置 (25.12050, 99.16710)" in officer.locator("#photos").inner_text()
    assert "已确认" in officer.locator("#officers").inner_text()
    assert officer.evaluate("localStorage.length") == 0
    with server_sessions() as session:
        stored = session.execute(select(Attachment)).scalar_one()
        upload_dir = Settings(var_dir=tmp_path / "var").upload_dir
        assert Image.open(upload_dir / stored.stored_name).size == (1600, 1200)

    partner = new_page(width=375, height=740)
    sign_in(partner, server, "yang")
    partner.goto(f"{server}/inspections/{inspection_id}")
    partner.get_by_role("button", name="确认当前检查记录").click()
    partner.get_by_label("检查结果").select_option("no_problem")
    partner.get_by_label("后续处置").select_option("none")
    partner.locator("#step-enter_result button[type=submit]").click()
    assert "待审核" in partner.locator("#inspection-state").inner_text()

    admin = new_page(width=375, height=740)
    sign_in(admin, server, "zhang")
    admin.goto(f"{server}/inspections/{inspection_id}")
    admin.get_by_label("审核意见").select_option("approve")
    admin.locator("#step-review_result button[type=submit]").click()
    assert "已公示" in admin.locator("#inspection-state").inner_text()

    public = new_page(width=375, height=740)
    public.goto(f"{server}/public/{uscc}")
    assert public.get_by_text("抽查检查结果").first.is_visible()
    assert public.get_by_text("未发现问题").first.is_visible()
