"""unlicensed cases

Revision ID: 0022
Revises: 0025
Create Date: 2026-12-03 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0022'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('unlicensed_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('area_code', sa.String(length=12), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('intake_org_id', sa.Integer(), nullable=False),
    sa.Column('department_org_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('missing', sa.String(length=20), nullable=True),
    sa.Column('licence_item', sa.String(length=60), nullable=True),
    sa.Column('article', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('finding', sa.Text(), nullable=True),
    sa.Column('guidance_due_on', sa.Date(), nullable=True),
    sa.Column('fine_article', sa.Integer(), nullable=True),
    sa.Column('fine_amount', sa.Integer(), nullable=True),
    sa.Column('decision_number', sa.String(length=100), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_org_id'], ['org_unit.id'], name=op.f('fk_unlicensed_case_department_org_id_org_unit')),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_unlicensed_case_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_unlicensed_case_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['intake_org_id'], ['org_unit.id'], name=op.f('fk_unlicensed_case_intake_org_id_org_unit')),
    sa.ForeignKeyConstraint(['lead_id'], ['unlicensed_lead.id'], name=op.f('fk_unlicensed_case_lead_id_unlicensed_lead')),
    sa.ForeignKeyConstraint(['record_id'], ['disclosure_record.id'], name=op.f('fk_unlicensed_case_record_id_disclosure_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unlicensed_case')),
    sa.UniqueConstraint('lead_id', name=op.f('uq_unlicensed_case_lead_id')),
    sa.UniqueConstraint('number', name=op.f('uq_unlicensed_case_number'))
    )
    with op.batch_alter_table('unlicensed_case', schema=None) as batch_op:
        batch_op.create_index('ix_unlicensed_case_department_state', ['department_org_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_unlicensed_case_entity_id'), ['entity_id'], unique=False)

    op.create_table('unlicensed_reporter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('real_name', sa.Boolean(), nullable=False),
    sa.Column('told_at', sa.DateTime(), nullable=True),
    sa.Column('told_text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['unlicensed_case.id'], name=op.f('fk_unlicensed_reporter_case_id_unlicensed_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unlicensed_reporter')),
    sa.UniqueConstraint('case_id', name=op.f('uq_unlicensed_reporter_case_id'))
    )
    op.create_table('unlicensed_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('article', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('sent_by', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=64), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['unlicensed_case.id'], name=op.f('fk_unlicensed_copy_case_id_unlicensed_case')),
    sa.ForeignKeyConstraint(['from_org_id'], ['org_unit.id'], name=op.f('fk_unlicensed_copy_from_org_id_org_unit')),
    sa.ForeignKeyConstraint(['to_org_id'], ['org_unit.id'], name=op.f('fk_unlicensed_copy_to_org_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unlicensed_copy'))
    )
    with op.batch_alter_table('unlicensed_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unlicensed_copy_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unlicensed_copy_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unlicensed_copy_to_org_id'), ['to_org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unlicensed_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unlicensed_copy_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_unlicensed_copy_from_org_id'))
        batch_op.drop_index(batch_op.f('ix_unlicensed_copy_case_id'))
    op.drop_table('unlicensed_copy')
    op.drop_table('unlicensed_reporter')
    with op.batch_alter_table('unlicensed_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unlicensed_case_entity_id'))
        batch_op.drop_index('ix_unlicensed_case_department_state')
    op.drop_table('unlicensed_case')
