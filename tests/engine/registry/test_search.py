"""The portal's search of entities: any part of the name from 2 characters, the USCC or the
registration number, through the text index that the import and the ORM keep in step."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.models import MarketEntity
from engine.registry import rebuild_name_index, search_entities
from engine.registry.search import like_matches, name_matches
from tests.engine.registry.test_registry import csv_file, registration, run
from tests.factories import World, make_entity


def names(session: Session, query: str) -> list[str]:
    return [e.name for e in search_entities(session, query)]


def test_any_part_of_the_name_from_two_characters(session: Session, world: World) -> None:
    bakery = make_entity(session, name="保山永昌烘焙坊有限公司")
    tea = make_entity(session, name="腾冲和顺ABC茶庄")
    for part in ("烘焙", "永昌烘焙", "保山永昌烘焙坊有限公司", "有限公司", "坊有"):
        assert names(session, part) == [bakery.name], part
    assert names(session, "abc茶") == [tea.name]  # letters match in any case
    assert names(session, "烘") == []  # one character is too little
    assert names(session, "焙烘") == []  # the pairs, but not in this order
    assert names(session, "50%") == [] and names(session, "烘_") == []


def test_newest_first_and_at_most_twenty(session: Session, world: World) -> None:
    made = [make_entity(session, name=f"隆阳区第{i}号小吃店") for i in range(25)]
    found = search_entities(session, "小吃")
    assert [e.id for e in found] == [e.id for e in reversed(made)][:20]
    assert name_matches(session, "小吃", 20) == like_matches(session, "小吃", 20)


def test_codes(session: Session, world: World) -> None:
    old = make_entity(session, name="老字号酱园", registration_number="530502000123456")
    assert search_entities(session, old.uscc) == [old]
    assert search_entities(session, old.uscc.lower()) == [old]
    assert search_entities(session, "530502000123456") == [old]
    assert old in search_entities(session, old.uscc[:10])


def test_a_rename_and_a_deletion_follow_in_the_index(session: Session, world: World) -> None:
    entity = make_entity(session, name="旧名称商行")
    entity.name = "新名称茶行"
    session.flush()
    assert names(session, "茶行") == ["新名称茶行"] and names(session, "旧名") == []
    session.delete(entity)
    session.flush()
    assert names(session, "茶行") == []


def test_the_import_keeps_the_index(session: Session, world: World) -> None:
    row = registration(企业名称="保山市光尊寺素食馆", 注册号="530502000654321")
    report = run(session, csv_file([row]))
    assert report.file_error is None and report.new == 1
    assert names(session, "素食") == ["保山市光尊寺素食馆"]
    assert [e.name for e in search_entities(session, "530502000654321")] == ["保山市光尊寺素食馆"]
    run(session, csv_file([{**row, "企业名称": "保山市光尊寺斋饭馆"}]))
    assert names(session, "素食") == [] and names(session, "斋饭") == ["保山市光尊寺斋饭馆"]


def test_a_bad_registration_number_refuses_the_row(session: Session, world: World) -> None:
    report = run(session, csv_file([registration(注册号="12345")]))
    assert report.new == 0 and report.problems


def test_rebuild(session: Session, world: World) -> None:
    make_entity(session, name="重建索引小店")
    rebuilt = rebuild_name_index(session)
    dialect = session.get_bind().dialect.name
    assert rebuilt == (session.query(MarketEntity).count() if dialect == "sqlite" else 0)
    assert names(session, "索引") == ["重建索引小店"]
