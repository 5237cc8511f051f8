"""work items: the inbox's indexes give a page's ids and counts alone

The candidate index ends with the id: the inbox finds a page of a pool (claimable work,
and its late or due-soon part) from it alone, the ids in due order, then only the page's
rows. Without the id PostgreSQL walked every open item in due order, or fetched every
pool row to sort them. The assignee index keeps held items only: asked for a pool's
unheld items, SQLite chose it over the candidate index and read every unheld item.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0032'
down_revision: str | Sequence[str] | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANDIDATE = ['candidate_org_id', 'status', 'assignee_id', 'due_at', 'candidate_role']
ASSIGNEE = ['assignee_id', 'status', 'due_at']
HELD = sa.text('assignee_id IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_candidate_open')
        batch_op.create_index('ix_work_item_candidate_open', [*CANDIDATE, 'id'], unique=False)
        batch_op.drop_index('ix_work_item_assignee_open')
        batch_op.create_index('ix_work_item_assignee_open', ASSIGNEE, unique=False,
                              sqlite_where=HELD, postgresql_where=HELD)


def downgrade() -> None:
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_assignee_open')
        batch_op.create_index('ix_work_item_assignee_open', ASSIGNEE, unique=False)
        batch_op.drop_index('ix_work_item_candidate_open')
        batch_op.create_index('ix_work_item_candidate_open', CANDIDATE, unique=False)
