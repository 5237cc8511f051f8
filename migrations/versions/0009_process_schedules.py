"""process schedules: cases started by timer start events

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'process_schedule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('definition_id', sa.Integer(), nullable=False),
        sa.Column('element', sa.String(length=200), nullable=False),
        sa.Column('next_due_at', sa.DateTime(), nullable=False),
        sa.Column('period_seconds', sa.Integer(), nullable=True),
        sa.Column('cycles_left', sa.Integer(), nullable=True),
        sa.Column('locked_by', sa.String(length=100), nullable=True),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.Column('started', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'],
                                name=op.f('fk_process_schedule_definition_id_process_definition'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_process_schedule')),
        sa.UniqueConstraint('key', name=op.f('uq_process_schedule_key')),
    )
    with op.batch_alter_table('process_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_schedule_definition_id'),
                              ['definition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_schedule_next_due_at'), ['next_due_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_schedule_next_due_at'))
        batch_op.drop_index(batch_op.f('ix_process_schedule_definition_id'))
    op.drop_table('process_schedule')
