"""credit check: the joint punishment catalogue in versions, the checks and their hits

Revision ID: 0021
Revises: 0025
Create Date: 2026-12-03 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | Sequence[str] | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credit_catalogue_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_catalogue_version')),
    sa.UniqueConstraint('number', name=op.f('uq_credit_catalogue_version_number'))
    )
    op.create_table('credit_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('list_type', sa.Enum('ABNORMAL', 'SERIOUS', name='listtype', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('basis_document', sa.String(length=300), nullable=False),
    sa.Column('basis_clause', sa.String(length=100), nullable=False),
    sa.Column('initiating_department', sa.String(length=40), nullable=False),
    sa.Column('implementing_departments', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('period_years', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['credit_catalogue_version.id'], name=op.f('fk_credit_measure_version_id_credit_catalogue_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_measure')),
    sa.UniqueConstraint('version_id', 'code', name=op.f('uq_credit_measure_version_id_code'))
    )
    with op.batch_alter_table('credit_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_measure_version_id'), ['version_id'], unique=False)

    op.create_table('credit_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('checked_by', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('restricted', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_credit_check_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['version_id'], ['credit_catalogue_version.id'], name=op.f('fk_credit_check_version_id_credit_catalogue_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_check'))
    )
    with op.batch_alter_table('credit_check', schema=None) as batch_op:
        batch_op.create_index('ix_credit_check_checked_at', ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_check_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('credit_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('feedback', sa.Enum('RESTRICTED', 'NOT_APPLICABLE', name='feedbackoutcome', native_enum=False, length=20), nullable=True),
    sa.Column('feedback_reason', sa.Text(), nullable=True),
    sa.Column('feedback_by', sa.String(length=64), nullable=True),
    sa.Column('feedback_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['credit_check.id'], name=op.f('fk_credit_hit_check_id_credit_check')),
    sa.ForeignKeyConstraint(['entry_id'], ['credit_list_entry.id'], name=op.f('fk_credit_hit_entry_id_credit_list_entry')),
    sa.ForeignKeyConstraint(['measure_id'], ['credit_measure.id'], name=op.f('fk_credit_hit_measure_id_credit_measure')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_credit_hit_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_hit'))
    )
    with op.batch_alter_table('credit_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_hit_check_id'), ['check_id'], unique=False)
        batch_op.create_index('ix_credit_hit_unit_feedback', ['org_unit_id', 'feedback_at'], unique=False)


def downgrade() -> None:
    op.drop_table('credit_hit')
    op.drop_table('credit_check')
    op.drop_table('credit_measure')
    op.drop_table('credit_catalogue_version')
