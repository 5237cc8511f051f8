"""records bulk: uploads of record files beside registration files; a department's
direct-publication setting

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registry_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='registry',
                                      nullable=False))
        batch_op.add_column(sa.Column('category', sa.String(length=30), nullable=True))
        batch_op.create_index(batch_op.f('ix_registry_upload_kind'), ['kind'], unique=False)
    op.create_table('disclosure_setting',
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('direct_publication', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_disclosure_setting_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('org_unit_id', name=op.f('pk_disclosure_setting'))
    )


def downgrade() -> None:
    op.drop_table('disclosure_setting')
    with op.batch_alter_table('registry_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_upload_kind'))
        batch_op.drop_column('category')
        batch_op.drop_column('kind')
