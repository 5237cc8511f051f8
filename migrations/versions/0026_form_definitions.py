"""form definitions: versioned forms, and the versions each process version uses

Revision ID: 0026
Revises: 0029
Create Date: 2026-12-03 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

# revision identifiers, used by Alembic.
revision: str = '0026'
down_revision: str | Sequence[str] | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('form_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('saved_by', sa.String(length=64), nullable=False),
    sa.Column('saved_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_version')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_form_version_key_version'))
    )
    with op.batch_alter_table('form_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_version_key'), ['key'], unique=False)

    op.create_table('process_form',
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=100), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'],
                            name=op.f('fk_process_form_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_version.id'],
                            name=op.f('fk_process_form_form_version_id_form_version')),
    sa.PrimaryKeyConstraint('definition_id', 'form_key', name=op.f('pk_process_form'))
    )
    with op.batch_alter_table('process_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_form_form_version_id'), ['form_version_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_form_form_version_id'))
    op.drop_table('process_form')
    with op.batch_alter_table('form_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_version_key'))
    op.drop_table('form_version')
