"""`creditflow draw verify ID`: a sealed draw replays; a tampered one is named as such."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from engine import spot_check
from engine.cli import main
from engine.models import SpotCheckDraw
from engine.spot_check.algorithm import result_digest
from tests.spot_check_world import add_entities, add_item, add_officers, make_task


@pytest.fixture
def cli(backend, settings, monkeypatch):
    if backend != "sqlite":
        pytest.skip("the CLI reaches PostgreSQL through a URL without the test's schema")
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def drawn(session, world, traveller):
    item = add_item(session)
    add_entities(session, 60)
    add_officers(session, world, 4)
    task = make_task(session, world, [item])
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    session.commit()
    return draw


def test_verify_replays_a_sealed_draw(cli, drawn):
    result = cli("draw", "verify", str(drawn.id))
    assert result.exit_code == 0, result.output
    assert "intact: the replay gives the sealed result" in result.output
    assert drawn.seed in result.output and drawn.result_hash in result.output


def test_verify_names_a_tampered_draw(cli, drawn, session):
    # The result and its hash rewritten together: only the seal in the chain betrays it.
    forged = {**drawn.result, "targets": drawn.result["targets"][1:]}
    session.execute(update(SpotCheckDraw).where(SpotCheckDraw.id == drawn.id).values(
        result=forged, result_hash=result_digest(forged)))
    session.commit()
    result = cli("draw", "verify", str(drawn.id))
    assert result.exit_code == 1
    assert "NOT intact: replay_differs, seal_differs" in result.output


def test_verify_of_an_unknown_draw_says_so(cli, drawn):
    result = cli("draw", "verify", "999")
    assert result.exit_code == 1 and "no_such_draw" in result.output
