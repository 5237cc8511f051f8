"""credit lists

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-03 15:14:24.323258
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credit_list_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_type', sa.Enum('ABNORMAL', 'SERIOUS', name='listtype', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('PROPOSED', 'LISTED', 'REMOVED', 'MOVED', 'REFUSED', name='liststatus', native_enum=False, length=20), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('party_uscc', sa.String(length=18), nullable=False),
    sa.Column('marked_only', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('reason_text', sa.Text(), nullable=True),
    sa.Column('trigger_source', sa.String(length=40), nullable=False),
    sa.Column('trigger_date', sa.Date(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=True),
    sa.Column('moved_from_id', sa.Integer(), nullable=True),
    sa.Column('decision_number', sa.String(length=100), nullable=True),
    sa.Column('listed_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removal_reason', sa.String(length=40), nullable=True),
    sa.Column('removal_text', sa.Text(), nullable=True),
    sa.Column('removal_decision_number', sa.String(length=100), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_credit_list_entry_entity_id_market_entity')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_credit_list_entry_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['moved_from_id'], ['credit_list_entry.id'], name=op.f('fk_credit_list_entry_moved_from_id_credit_list_entry')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_credit_list_entry_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['record_id'], ['disclosure_record.id'], name=op.f('fk_credit_list_entry_record_id_disclosure_record')),
    sa.ForeignKeyConstraint(['source_record_id'], ['disclosure_record.id'], name=op.f('fk_credit_list_entry_source_record_id_disclosure_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_list_entry'))
    )
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.create_index('ix_credit_list_entry_entity', ['entity_id'], unique=False)
        batch_op.create_index('ix_credit_list_entry_type_status_area', ['list_type', 'status', 'area_code'], unique=False)
        batch_op.create_index('ix_credit_list_entry_uscc_status', ['party_uscc', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_list_entry_uscc_status')
        batch_op.drop_index('ix_credit_list_entry_type_status_area')
        batch_op.drop_index('ix_credit_list_entry_entity')

    op.drop_table('credit_list_entry')
