"""operations: where timers and incidents wait

Revision ID: 0024
Revises: 0017
Create Date: 2026-12-03 15:33:43.706958
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0024'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('element', sa.String(length=200), nullable=True))

    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('element', sa.String(length=200), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_column('element')

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('element')

