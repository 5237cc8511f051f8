"""inspections: one row per drawn target of a spot check and its case; abnormal-list
requests waiting for the lists procedure

Revision ID: 0019
Revises: 0025
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0019'
down_revision: str | Sequence[str] | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('task_number', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('officer_ids', sa.JSON(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('confirmations', sa.JSON(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('result_code', sa.String(length=30), nullable=True),
    sa.Column('follow_up', sa.String(length=20), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('publication_late_days', sa.Integer(), nullable=True),
    sa.Column('objected_at', sa.DateTime(), nullable=True),
    sa.Column('objection', sa.Text(), nullable=True),
    sa.Column('recheck_outcome', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['org_unit.id'], name=op.f('fk_inspection_department_id_org_unit')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_inspection_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_inspection_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['record_id'], ['disclosure_record.id'], name=op.f('fk_inspection_record_id_disclosure_record')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_inspection_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_department_id'), ['department_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_instance_id'), ['instance_id'],
                              unique=False)
    op.create_table('abnormal_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=2), nullable=False),
    sa.Column('state', sa.String(length=60), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['org_unit.id'], name=op.f('fk_abnormal_request_department_id_org_unit')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_abnormal_request_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_abnormal_request_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_abnormal_request'))
    )
    with op.batch_alter_table('abnormal_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abnormal_request_inspection_id'), ['inspection_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('abnormal_request')
    op.drop_table('inspection')
