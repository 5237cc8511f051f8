"""waiting events: the messages and signals instances wait for

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'waiting_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                                name=op.f('fk_waiting_event_instance_id_process_instance'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_event')),
        sa.UniqueConstraint('instance_id', 'task_id', 'kind', 'name',
                            name=op.f('uq_waiting_event_instance_id_task_id_kind_name')),
    )
    with op.batch_alter_table('waiting_event', schema=None) as batch_op:
        batch_op.create_index('ix_waiting_event_name', ['kind', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_event_instance_id'), ['instance_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('waiting_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_event_instance_id'))
        batch_op.drop_index('ix_waiting_event_name')
    op.drop_table('waiting_event')
