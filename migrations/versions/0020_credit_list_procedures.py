"""credit list procedures: applications against list entries, decision number sequences,
annual reports; when an abnormal entry was warned of its three years

Revision ID: 0020
Revises: 0021
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0020'
down_revision: str | Sequence[str] | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warned_on', sa.Date(), nullable=True))
    op.create_table('credit_list_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['credit_list_entry.id'], name=op.f('fk_credit_list_application_entry_id_credit_list_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_list_application'))
    )
    with op.batch_alter_table('credit_list_application', schema=None) as batch_op:
        batch_op.create_index('ix_credit_list_application_entry', ['entry_id'], unique=False)
    op.create_table('decision_sequence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_decision_sequence_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_sequence')),
    sa.UniqueConstraint('org_unit_id', 'kind', 'year', name='uq_decision_sequence_unit_kind_year')
    )
    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], name=op.f('fk_annual_report_entity_id_market_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('entity_id', 'year', name='uq_annual_report_entity_year')
    )


def downgrade() -> None:
    op.drop_table('annual_report')
    op.drop_table('decision_sequence')
    with op.batch_alter_table('credit_list_application', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_list_application_entry')
    op.drop_table('credit_list_application')
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.drop_column('warned_on')
