"""The routing-failed pool on a phone: the licence items can be searched, and once one is
chosen only the departments that license it are offered."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.webapp.dual_notice.notice_world import push


def test_the_pool_searches_items_and_offers_the_departments_of_the_item(
        server, server_sessions, new_page):
    entity_id, notices = push(server_sessions, "五金产品零售")
    assert notices == {}
    page = new_page(width=375, height=740)
    sign_in(page, server, "zhou")
    page.goto(f"{server}/registry/pool")
    items = page.locator(f"#item-{entity_id}")
    search = page.locator(f"li[data-entity='{entity_id}'] input.choice-filter")
    search.fill("餐饮")
    page.locator(f"#item-{entity_id} option[value='AG-FEED']").wait_for(state="detached")
    offered = [t.strip() for t in items.locator("option").all_inner_texts()]
    assert offered == ["— 请选择 —", "食品经营许可（餐饮服务） (AMR-FOOD-SERVICE)"], offered
    items.select_option("AMR-FOOD-SERVICE")
    departments = page.locator(f"#department-{entity_id} option:not([hidden])")
    assert [t.strip() for t in departments.all_inner_texts()] == ["— 请选择 —", "隆阳区市场监管局"]
    search.fill("公章")
    page.locator(f"#item-{entity_id} option[value='PS-SEAL']").wait_for(state="attached")
    items.select_option("PS-SEAL")  # licensed by the police, which this area lacks here
    assert [t.strip() for t in departments.all_inner_texts()] == ["— 请选择 —"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
