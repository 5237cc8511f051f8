"""work item indexes: the candidate index covers the role; late work by status and due date

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANDIDATE = ['candidate_org_id', 'status', 'assignee_id', 'due_at']


def upgrade() -> None:
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_candidate_open')
        batch_op.create_index('ix_work_item_candidate_open', [*CANDIDATE, 'candidate_role'],
                              unique=False)
        batch_op.create_index('ix_work_item_status_due', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_status_due')
        batch_op.drop_index('ix_work_item_candidate_open')
        batch_op.create_index('ix_work_item_candidate_open', CANDIDATE, unique=False)
