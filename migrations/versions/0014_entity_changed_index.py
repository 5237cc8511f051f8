"""market entity changes feed: an index on (updated_at, id); rows without a change time get
their creation time

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-03 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The feed never shows a row whose updated_at is NULL: give such rows their creation time.
    entity = sa.table('market_entity', sa.column('updated_at', sa.DateTime),
                      sa.column('created_at', sa.DateTime))
    op.execute(entity.update().where(entity.c.updated_at.is_(None))
               .values(updated_at=entity.c.created_at))
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.create_index('ix_market_entity_changed', ['updated_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.drop_index('ix_market_entity_changed')
