"""a work item shared with the drawn pair; the plan's approval case

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0028'
down_revision: str | Sequence[str] | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('work_item_share',
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_work_item_share_user_id_user_account')),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'],
                            name=op.f('fk_work_item_share_work_item_id_work_item'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('work_item_id', 'user_id', name=op.f('pk_work_item_share'))
    )
    with op.batch_alter_table('work_item_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_item_share_user_id'), ['user_id'],
                              unique=False)
    with op.batch_alter_table('spot_check_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instance_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('return_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_spot_check_plan_instance_id_process_instance'),
            'process_instance', ['instance_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('spot_check_plan', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_spot_check_plan_instance_id_process_instance'), type_='foreignkey')
        batch_op.drop_column('return_reason')
        batch_op.drop_column('instance_id')
    with op.batch_alter_table('work_item_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_share_user_id'))
    op.drop_table('work_item_share')
