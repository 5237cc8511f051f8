"""routing drafts

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 15:44:45.831246
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0025'
down_revision: str | Sequence[str] | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rule_draft',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('based_on', sa.Integer(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('samples', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rule_draft'))
    )
    with op.batch_alter_table('decision_table', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.String(length=500), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('decision_table', schema=None) as batch_op:
        batch_op.drop_column('comment')

    op.drop_table('rule_draft')
