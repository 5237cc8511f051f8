"""abnormal list: how the entity was told, after the 60-day warning, of the move

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-03 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | Sequence[str] | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warning_told_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('warning_told_how', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('warning_note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.drop_column('warning_note')
        batch_op.drop_column('warning_told_how')
        batch_op.drop_column('warning_told_on')
