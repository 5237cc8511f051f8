"""Routing: the decision table, its versions, and pushing notices to departments."""

from __future__ import annotations

import os
import re

import pytest
import time_machine
from click.testing import CliRunner
from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from sqlalchemy import func, select

from engine import audit
from engine.config import Settings
from engine.dual_notice.routing import route_entities, route_manually, routing_failed_pool
from engine.dual_notice.routing_table import (
    SHIPPED_TABLE,
    deploy_table,
    latest_table,
    parse_table,
    scope_items,
)
from engine.errors import Conflict, DeploymentError, NotFound
from engine.models import (
    AuditEvent,
    DecisionTable,
    DualNotice,
    InstanceStatus,
    NoticeState,
    OrgUnit,
    ProcessInstance,
    RoutingState,
)
from tests.factories import (
    MONDAY,
    Change,
    make_entity,
    make_notice_world,
    notices_of,
    open_items,
)

SYSTEM = audit.Actor("test:import", "test")


@pytest.fixture(scope="module")
def table():
    return parse_table(SHIPPED_TABLE.read_bytes())


def routed(table, scope: str) -> set[tuple[str, str]]:
    return {(m.licence_item, m.department) for m in table.evaluate(scope)}


# --- the table ------------------------------------------------------------------------------

def test_the_shipped_table_is_valid_dmn_1_3_that_spiffworkflow_reads():
    import SpiffWorkflow.dmn.parser as dmn_parser

    schema_dir = os.path.join(os.path.dirname(dmn_parser.__file__), "schema")
    schema = etree.XMLSchema(etree.parse(os.path.join(schema_dir, "DMN13.xsd")))
    document = etree.parse(str(SHIPPED_TABLE))
    assert schema.validate(document), schema.error_log
    parser = BpmnDmnParser()
    parser.add_dmn_xml(document.getroot(), filename=SHIPPED_TABLE.name)
    decision = parser.dmn_parsers["dual_notice_routing"]
    decision.parse()
    assert decision.decision.decisionTables[0].hit_policy == "COLLECT"


@pytest.mark.parametrize(("scope", "expected"), [
    # one entity, several departments: a restaurant with rooms that sells cigarettes
    ("许可项目：餐饮服务；住宿服务；烟草制品零售。一般项目：日用百货销售",
     {("AMR-FOOD-SERVICE", "amr"), ("HE-PUBLIC-PLACE", "health"), ("PS-HOTEL", "psb"),
      ("TO-RETAIL", "tobacco")}),
    ("危险化学品经营；道路危险货物运输", {("EM-HAZCHEM-TRADE", "emergency"),
                                         ("TR-HAZ-GOODS", "transport")}),
    ("互联网上网服务；KTV", {("CU-INTERNET-CAFE", "culture"), ("CU-ENTERTAINMENT", "culture")}),
    ("建设工程施工；劳务派遣服务", {("HO-CONSTRUCTION", "housing"),
                                     ("HR-LABOUR-DISPATCH", "hrss")}),
    ("药品零售；第三类医疗器械经营", {("AMR-DRUG-RETAIL", "amr"), ("AMR-DEVICE-III", "amr")}),
    ("农药零售；兽药经营", {("AG-PESTICIDE", "agri"), ("AG-VET-DRUG", "agri")}),
    ("木材加工；林木种子生产经营", {("FO-TIMBER", "forestry"), ("FO-SEED", "forestry")}),
    ("印章刻制；保安服务", {("PS-SEAL", "psb"), ("PS-SECURITY", "psb")}),
    ("危险废物经营", {("ECO-HAZ-WASTE", "eco")}),
    ("民办学校；文化教育培训", {("ED-PRIVATE-SCHOOL", "edu"), ("ED-TRAINING", "edu")}),
    ("旅行社服务网点旅游招徕、咨询服务", {("CU-TRAVEL-AGENCY", "culture")}),
    ("成品油零售（限危险化学品）", {("CO-OIL-RETAIL", "commerce")}),
    # negated clauses are dropped before matching
    ("化工产品销售（不含许可类化工产品、危险化学品）", set()),
    ("人力资源服务（不含职业中介活动、劳务派遣服务）", {("HR-SERVICE-FILING", "hrss")}),
    ("道路货物运输（不含危险货物）", {("TR-ROAD-FREIGHT", "transport")}),
    ("工艺美术品零售（象牙及其制品除外）", set()),
    # an exclusion applies to its own scope item only
    ("食品经营（仅销售预包装食品）", {("AMR-FOOD-PREPACKAGED", "amr")}),
    ("农作物种子经营；林木种子生产经营", {("AG-SEED", "agri"), ("FO-SEED", "forestry")}),
    ("宠物医院", {("AG-ANIMAL-CLINIC", "agri")}),
    # full-width and half-width forms, any case
    ("ktv；卡拉OK", {("CU-ENTERTAINMENT", "culture")}),
    ("日用百货销售；五金产品零售", set()),
    ("", set()),
])
def test_scopes_route_to_licence_items_and_departments(table, scope, expected):
    assert routed(table, scope) == expected


def test_scope_items_split_at_top_level_and_drop_negations():
    scope = ("许可项目：餐饮服务；"
             "建筑材料销售（依法须经批准的项目，经相关部门批准后方可开展经营活动）；"
             "化工产品销售（不含危险化学品）")
    assert scope_items(scope) == [
        "许可项目:餐饮服务", "建筑材料销售(依法须经批准的项目,经相关部门批准后方可开展经营活动)",
        "化工产品销售"]


def _table_with(extra_rule: str = "", hit_policy: str = "COLLECT", department: str = "amr"
                ) -> bytes:
    text = SHIPPED_TABLE.read_text(encoding="utf-8").replace(
        'hitPolicy="COLLECT"', f'hitPolicy="{hit_policy}"')
    rule = f'''<rule id="rule_extra">
        <inputEntry id="rule_extra_terms"><text>"茶叶加工"</text></inputEntry>
        <inputEntry id="rule_extra_excluded"><text>-</text></inputEntry>
        <outputEntry id="rule_extra_item"><text>"AMR-FOOD-PRODUCTION"</text></outputEntry>
        <outputEntry id="rule_extra_name"><text>"食品生产许可"</text></outputEntry>
        <outputEntry id="rule_extra_department"><text>"{department}"</text></outputEntry>
        <outputEntry id="rule_extra_name_en"><text>"Food production licence"</text></outputEntry>
      </rule>
    </decisionTable>''' if extra_rule else "</decisionTable>"
    return text.replace("</decisionTable>", rule).encode("utf-8")


def test_a_table_with_an_unknown_department_or_another_hit_policy_is_refused():
    with pytest.raises(DeploymentError) as refused:
        parse_table(_table_with("rule", department="moon"), departments=frozenset({"amr"}))
    assert "rule_extra" in str(refused.value) and "moon" in str(refused.value)
    with pytest.raises(DeploymentError, match="COLLECT"):
        parse_table(_table_with(hit_policy="UNIQUE"))
    with pytest.raises(DeploymentError, match="DTD"):
        parse_table(b'<!DOCTYPE x [<!ENTITY a "b">]><definitions/>')


# --- versions in the database ---------------------------------------------------------------

def test_the_shipped_table_is_deployed_on_first_use_and_redeploying_it_changes_nothing(
        session, world, traveller):
    assert session.execute(select(func.count(DecisionTable.id))).scalar_one() == 0
    assert latest_table(session).key == "dual_notice_routing"
    row, created = deploy_table(session, SYSTEM, SHIPPED_TABLE.name, SHIPPED_TABLE.read_bytes())
    assert (row.version, created) == (1, False)


def test_routing_uses_the_latest_version(session, world, traveller):
    tea = make_entity(session, "茶叶加工、销售")
    assert route_entities(session, SYSTEM, [Change(tea)]) == 0
    assert tea.routing_state == RoutingState.ROUTING_FAILED
    row, created = deploy_table(session, SYSTEM, "routing-v2.dmn", _table_with("rule"))
    assert (row.version, created) == (2, True)
    assert route_entities(session, SYSTEM, [Change(tea)]) == 1
    assert [n.licence_item for n in notices_of(session, tea)] == ["AMR-FOOD-PRODUCTION"]
    deploys = session.execute(select(AuditEvent).where(AuditEvent.action == "rules.deploy"))
    assert [e.summary["version"] for e in deploys.scalars()] == [1, 2]


def test_cli_deploys_a_table_once(tmp_path, settings, world, backend):
    from engine.cli import main

    if backend != "sqlite":
        pytest.skip("the CLI reaches PostgreSQL by URL, without the test's schema")
    config = tmp_path / "config.toml"
    config.write_text(f'database_url = "{settings.database_url}"\n'
                      f'var_dir = "{tmp_path / "var"}"\n', encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["--config", str(config), "rules", "deploy", str(SHIPPED_TABLE)])
    again = runner.invoke(main, ["--config", str(config), "rules", "deploy", str(SHIPPED_TABLE)])
    assert first.exit_code == 0
    assert first.output.startswith("deployed: dual_notice_routing version 1")
    assert again.output.startswith("unchanged: dual_notice_routing version 1")
    tried = runner.invoke(main, ["--config", str(config), "rules", "route", "烟草制品零售"])
    assert "TO-RETAIL" in tried.output and "tobacco" in tried.output


# --- pushing notices ------------------------------------------------------------------------

def test_a_new_registration_gets_one_notice_per_item_and_department(session, world, traveller):
    entity = make_entity(session, "餐饮服务；住宿服务；烟草制品零售")
    assert route_entities(session, SYSTEM, [Change(entity)]) == 4
    notices = notices_of(session, entity)
    departments = {n.licence_item: session.get(OrgUnit, n.department_org_id).code
                   for n in notices}
    assert departments == {"AMR-FOOD-SERVICE": "530502-amr", "HE-PUBLIC-PLACE": "530502-health",
                           "PS-HOTEL": "530502-psb", "TO-RETAIL": "530502-tobacco"}
    assert {(n.state, n.live, n.trigger, n.routed) for n in notices} == {
        (NoticeState.PUSHED, True, "new", "auto")}
    assert entity.routing_state == RoutingState.AUTO_ROUTED and entity.routed_at is not None
    hotel = next(n for n in notices if n.licence_item == "PS-HOTEL")
    (item,) = open_items(session, hotel)
    assert (item.task_name, item.candidate_org_id) == ("claim_or_return",
                                                      world.units["530502-psb"].id)
    instance = session.get(ProcessInstance, hotel.instance_id)
    assert instance.status == InstanceStatus.RUNNING and instance.entity_id == entity.id
    assert hotel.registrar_org_id == world.units["530502-amr-reg"].id


def test_nothing_matched_waits_in_the_amr_pool_for_manual_routing(session, world, traveller):
    tea = make_entity(session, "茶叶种植、销售")
    other_county = make_entity(session, "茶叶种植", area="530581", registrar="530581-amr")
    assert route_entities(session, SYSTEM, [Change(tea), Change(other_county)]) == 0
    assert tea.routing_state == RoutingState.ROUTING_FAILED
    session.flush()
    pool = routing_failed_pool(session, world.users["zhou"])
    assert [e.id for e in pool.rows] == [tea.id] and pool.total == 1
    assert [e.id for e in routing_failed_pool(session, world.users["liu"]).rows] == [
        other_county.id]
    notice = route_manually(session, world.actor("zhou"), tea.id, "AMR-FOOD-PRODUCTION",
                            world.units["530502-amr"].id)
    assert (notice.routed, notice.state, notice.licence_item_name) == (
        "manual", NoticeState.PUSHED, "食品生产许可")
    assert tea.routing_state == RoutingState.MANUALLY_ROUTED
    assert routing_failed_pool(session, world.users["zhou"]).total == 0
    with pytest.raises(Conflict):
        route_manually(session, world.actor("zhou"), tea.id, "AMR-FOOD-PRODUCTION",
                       world.units["530502-amr"].id)
    with pytest.raises(NotFound):  # another county's registrar
        route_manually(session, world.actor("liu"), tea.id, "AMR-FOOD-SALES",
                       world.units["530502-amr"].id)


def test_a_change_of_scope_routes_only_the_new_pairs(session, world, traveller):
    entity = make_entity(session, "餐饮服务")
    route_entities(session, SYSTEM, [Change(entity)])
    old_scope, entity.business_scope = entity.business_scope, "餐饮服务；烟草制品零售；住宿服务"
    assert route_entities(session, SYSTEM, [Change(entity, "change", old_scope)]) == 3
    items = {(n.licence_item, n.trigger) for n in notices_of(session, entity)}
    assert items == {("AMR-FOOD-SERVICE", "new"), ("TO-RETAIL", "change"),
                     ("HE-PUBLIC-PLACE", "change"), ("PS-HOTEL", "change")}
    # A change that only removes items pushes nothing and keeps the entity routed.
    old_scope, entity.business_scope = entity.business_scope, "餐饮服务"
    assert route_entities(session, SYSTEM, [Change(entity, "change", old_scope)]) == 0
    assert entity.routing_state == RoutingState.AUTO_ROUTED


def test_a_live_notice_is_never_pushed_twice(session, world, traveller):
    entity = make_entity(session, "烟草制品零售")
    twin = make_entity(session, "卷烟零售")
    assert route_entities(session, SYSTEM, [Change(entity), Change(entity), Change(twin)]) == 2
    assert route_entities(session, SYSTEM, [Change(entity)]) == 0
    live = session.execute(select(func.count(DualNotice.id)).where(
        DualNotice.entity_id == entity.id, DualNotice.live)).scalar_one()
    instances = session.execute(select(func.count(ProcessInstance.id))).scalar_one()
    assert (live, instances) == (1, 2)


def test_a_department_the_county_lacks_is_the_citys(session, world, traveller):
    cafe = make_entity(session, "互联网上网服务；住宿服务", area="530581", registrar="530581-amr")
    route_entities(session, SYSTEM, [Change(cafe)])
    codes = {session.get(OrgUnit, n.department_org_id).code for n in notices_of(session, cafe)}
    assert codes == {"530500-culture", "530581-psb", "530500-health"}


def test_each_routing_is_audited_per_entity(session, world, traveller):
    entity = make_entity(session, "餐饮服务")
    tea = make_entity(session, "茶叶种植")
    route_entities(session, SYSTEM, [Change(entity), Change(tea)])
    events = {e.object_id: e.summary for e in session.execute(select(AuditEvent).where(
        AuditEvent.action == "entity.route")).scalars()}
    assert events[str(entity.id)]["pushed"] == ["AMR-FOOD-SERVICE"]
    assert events[str(tea.id)] == {"trigger": "new", "state": "routing_failed", "matched": [],
                                   "pushed": [], "table_version": 1}
    assert audit.verify(session).broken is None


@pytest.mark.parametrize("first_use", [False, True], ids=["table_deployed", "first_use"])
def test_two_imports_routing_one_entity_at_once_push_it_once(pg_engine, first_use, tmp_path):
    """PostgreSQL: the second insert waits for the first and then skips the live triple
    (and on first use, the second deployment of the shipped table gives way)."""
    import threading

    from engine.db import session_factory

    sessions = session_factory(pg_engine, Settings(var_dir=tmp_path / "var"))
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        make_notice_world(session)
        entity_id = make_entity(session, "烟草制品零售；印章刻制").id
        if not first_use:
            latest_table(session)
        session.commit()
    started: list[int] = []
    first_pushed = threading.Event()

    def importer(wait_for_the_other: bool) -> None:
        with time_machine.travel(MONDAY, tick=False), sessions() as session:
            from engine.models import MarketEntity

            entity = session.get(MarketEntity, entity_id)
            if wait_for_the_other:
                first_pushed.wait(10)
            started.append(route_entities(session, SYSTEM, [Change(entity)]))
            if not wait_for_the_other:
                first_pushed.set()
                threading.Event().wait(0.5)  # hold the rows while the other one tries
            session.commit()

    threads = [threading.Thread(target=importer, args=(flag,)) for flag in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(started) == [0, 2]
    with sessions() as session:
        live = session.execute(select(func.count(DualNotice.id)).where(DualNotice.live))
        assert live.scalar_one() == 2
        assert session.execute(select(func.count(ProcessInstance.id))).scalar_one() == 2
        assert audit.verify(session).broken is None


def test_a_table_may_name_its_items_in_english_too():
    table = parse_table(SHIPPED_TABLE.read_bytes())
    english = table.english_names()
    assert english["PS-SEAL"] == "Special trade licence (seal engraving)"
    assert set(english) == set(table.licence_items()), "every shipped item has its English name"
    plain = re.sub(rb'\s*<outputEntry id="[^"]+_name_en">.*?</outputEntry>', b"",
                   SHIPPED_TABLE.read_bytes())
    plain = re.sub(rb'\s*<output id="output_licence_item_name_en"[^>]*/>', b"", plain)
    assert parse_table(plain).english_names() == {}, "the English column is optional"
