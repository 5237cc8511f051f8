"""The demo shows the lists (`seed demo`), and the annual-report proposals run from the
command line."""

from __future__ import annotations

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import main
from engine.credit_lists.rules import regulator_of, upper_regulator
from engine.models import CreditListEntry, ListStatus, ListType, User
from tests.engine.credit_lists.helpers import at


def test_the_demo_has_entries_and_the_unfiled_reports_command_runs(settings, sessions,
                                                                   tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("the command line is run on a SQLite file (its URL names the database)")
    config = tmp_path / "config.toml"
    config.write_text(f'database_url = "{settings.database_url}"\nvar_dir = "{settings.var_dir}"\n')

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["--config", str(config), *args])
        assert result.exit_code == 0, result.output
        return result.output

    with time_machine.travel(at(2026, 3, 2), tick=False):
        run("seed", "baoshan")
        run("calendar", "seed")
        run("seed", "demo")
    with sessions() as session:
        entries = session.execute(select(CreditListEntry)).scalars().all()
        kinds = sorted((e.list_type.value, e.status.value, e.marked_only) for e in entries)
        assert kinds == [(ListType.ABNORMAL.value, ListStatus.LISTED.value, False),
                         (ListType.ABNORMAL.value, ListStatus.LISTED.value, True),
                         (ListType.ABNORMAL.value, ListStatus.PROPOSED.value, False),
                         (ListType.SERIOUS.value, ListStatus.PROPOSED.value, False)]
        # The city's listings go up to the province's regulator, where the demo's approver is.
        upper = upper_regulator(session, regulator_of(session, "530500"))
        assert upper is not None and upper.name == "云南省市场监督管理局"
        approver = session.execute(select(User).where(
            User.username == "amr_admin_province")).scalar_one()
        assert approver.org_unit_id == upper.id
    with time_machine.travel(at(2026, 7, 6), tick=False):  # registered in 2026: not due
        out = run("lists", "propose-unfiled", "--year", "2025", "--area", "530502")
    assert out.strip() == "0 entities proposed for the abnormal list"
    with time_machine.travel(at(2027, 7, 6), tick=False):
        out = run("lists", "propose-unfiled", "--year", "2026", "--area", "530502")
    assert out.strip() == "1 entities proposed for the abnormal list"  # the one not listed
