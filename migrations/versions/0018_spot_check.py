"""spot checks (双随机、一公开): the item list, officers' qualifications and conflicts,
special pools, plans, tasks, sealed draws and recusals; a risk class on market entities

Follows 0022 (unlicensed cases), the head of main when it was merged.

Revision ID: 0018
Revises: 0022
Create Date: 2026-12-03 15:14:55.229007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('special_pool',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('built_by', sa.String(length=30), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_special_pool_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_pool'))
    )
    with op.batch_alter_table('special_pool', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_pool_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('spot_check_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sub_items', sa.JSON(), nullable=False),
    sa.Column('method', sa.String(length=100), nullable=False),
    sa.Column('qualification', sa.String(length=40), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('target_type', sa.String(length=100), nullable=False),
    sa.Column('ratio_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('frequency', sa.String(length=40), nullable=False),
    sa.Column('key_item', sa.Boolean(), nullable=False),
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_org_id'], ['org_unit.id'], name=op.f('fk_spot_check_item_owner_org_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_item')),
    sa.UniqueConstraint('code', name=op.f('uq_spot_check_item_code'))
    )
    with op.batch_alter_table('spot_check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_item_owner_org_id'), ['owner_org_id'], unique=False)

    op.create_table('spot_check_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('DRAFT', 'FILED', 'APPROVED', 'RETURNED', name='planstate', native_enum=False, length=20), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_spot_check_plan_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_plan')),
    sa.UniqueConstraint('org_unit_id', 'year', name=op.f('uq_spot_check_plan_org_unit_id_year'))
    )
    op.create_table('conflict_of_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=100), nullable=False),
    sa.Column('declared_by', sa.String(length=64), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_conflict_of_interest_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_conflict_of_interest_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_of_interest')),
    sa.UniqueConstraint('user_id', 'entity_id', name=op.f('uq_conflict_of_interest_user_id_entity_id'))
    )
    with op.batch_alter_table('conflict_of_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_of_interest_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_of_interest_user_id'), ['user_id'], unique=False)

    op.create_table('officer_qualification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('granted_by', sa.String(length=64), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_officer_qualification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officer_qualification')),
    sa.UniqueConstraint('user_id', 'tag', name=op.f('uq_officer_qualification_user_id_tag'))
    )
    with op.batch_alter_table('officer_qualification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officer_qualification_user_id'), ['user_id'], unique=False)

    op.create_table('special_pool_member',
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_special_pool_member_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['pool_id'], ['special_pool.id'], name=op.f('fk_special_pool_member_pool_id_special_pool'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pool_id', 'entity_id', name=op.f('pk_special_pool_member'))
    )
    op.create_table('spot_check_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('organiser_org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('targeted', sa.Boolean(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('ratio_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('target_count', sa.Integer(), nullable=True),
    sa.Column('officers_per_target', sa.Integer(), nullable=False),
    sa.Column('yearly_cap', sa.Integer(), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organiser_org_id'], ['org_unit.id'], name=op.f('fk_spot_check_task_organiser_org_id_org_unit')),
    sa.ForeignKeyConstraint(['plan_id'], ['spot_check_plan.id'], name=op.f('fk_spot_check_task_plan_id_spot_check_plan')),
    sa.ForeignKeyConstraint(['pool_id'], ['special_pool.id'], name=op.f('fk_spot_check_task_pool_id_special_pool')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_task')),
    sa.UniqueConstraint('number', name=op.f('uq_spot_check_task_number')),
    sa.UniqueConstraint('organiser_org_id', 'year', 'serial', name=op.f('uq_spot_check_task_organiser_org_id_year_serial'))
    )
    with op.batch_alter_table('spot_check_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_task_organiser_org_id'), ['organiser_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_check_task_plan_id'), ['plan_id'], unique=False)

    op.create_table('spot_check_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('live_task_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('TARGETS', 'RECUSAL', name='drawkind', native_enum=False, length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.String(length=40), nullable=False),
    sa.Column('snapshot', sa.LargeBinary(), nullable=False),
    sa.Column('pool_hash', sa.String(length=64), nullable=False),
    sa.Column('pool_size', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('result_hash', sa.String(length=64), nullable=False),
    sa.Column('drawn_by', sa.String(length=64), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['spot_check_draw.id'], name=op.f('fk_spot_check_draw_parent_id_spot_check_draw')),
    sa.ForeignKeyConstraint(['task_id'], ['spot_check_task.id'], name=op.f('fk_spot_check_draw_task_id_spot_check_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_draw')),
    sa.UniqueConstraint('live_task_id', name=op.f('uq_spot_check_draw_live_task_id'))
    )
    with op.batch_alter_table('spot_check_draw', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_draw_task_id'), ['task_id'], unique=False)

    op.create_table('spot_check_task_item',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['spot_check_item.id'], name=op.f('fk_spot_check_task_item_item_id_spot_check_item')),
    sa.ForeignKeyConstraint(['task_id'], ['spot_check_task.id'], name=op.f('fk_spot_check_task_item_task_id_spot_check_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'item_id', name=op.f('pk_spot_check_task_item'))
    )
    op.create_table('spot_check_task_unit',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_spot_check_task_unit_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['task_id'], ['spot_check_task.id'], name=op.f('fk_spot_check_task_unit_task_id_spot_check_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'org_unit_id', name=op.f('pk_spot_check_task_unit'))
    )
    op.create_table('spot_check_recusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('redraw_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('replacement_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['spot_check_draw.id'], name=op.f('fk_spot_check_recusal_draw_id_spot_check_draw')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_spot_check_recusal_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_spot_check_recusal_officer_id_user_account')),
    sa.ForeignKeyConstraint(['redraw_id'], ['spot_check_draw.id'], name=op.f('fk_spot_check_recusal_redraw_id_spot_check_draw')),
    sa.ForeignKeyConstraint(['replacement_id'], ['user_account.id'], name=op.f('fk_spot_check_recusal_replacement_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_recusal'))
    )
    with op.batch_alter_table('spot_check_recusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_recusal_draw_id'), ['draw_id'], unique=False)

    op.create_table('spot_check_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['spot_check_draw.id'], name=op.f('fk_spot_check_target_draw_id_spot_check_draw')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_spot_check_target_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['task_id'], ['spot_check_task.id'], name=op.f('fk_spot_check_target_task_id_spot_check_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_target'))
    )
    with op.batch_alter_table('spot_check_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_target_draw_id'), ['draw_id'], unique=False)
        batch_op.create_index('ix_spot_check_target_year_entity', ['year', 'entity_id'], unique=False)

    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_class', sa.String(length=1), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.drop_column('risk_class')

    with op.batch_alter_table('spot_check_target', schema=None) as batch_op:
        batch_op.drop_index('ix_spot_check_target_year_entity')
        batch_op.drop_index(batch_op.f('ix_spot_check_target_draw_id'))

    op.drop_table('spot_check_target')
    with op.batch_alter_table('spot_check_recusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_recusal_draw_id'))

    op.drop_table('spot_check_recusal')
    op.drop_table('spot_check_task_unit')
    op.drop_table('spot_check_task_item')
    with op.batch_alter_table('spot_check_draw', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_draw_task_id'))

    op.drop_table('spot_check_draw')
    with op.batch_alter_table('spot_check_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_spot_check_task_organiser_org_id'))

    op.drop_table('spot_check_task')
    op.drop_table('special_pool_member')
    with op.batch_alter_table('officer_qualification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officer_qualification_user_id'))

    op.drop_table('officer_qualification')
    with op.batch_alter_table('conflict_of_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_of_interest_user_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_of_interest_entity_id'))

    op.drop_table('conflict_of_interest')
    op.drop_table('spot_check_plan')
    with op.batch_alter_table('spot_check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_item_owner_org_id'))

    op.drop_table('spot_check_item')
    with op.batch_alter_table('special_pool', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_pool_org_unit_id'))

    op.drop_table('special_pool')
