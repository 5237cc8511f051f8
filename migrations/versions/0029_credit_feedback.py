"""credit feedback: one row per implementing department and triggered restriction

Revision ID: 0029
Revises: 0018
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credit_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hit_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('RESTRICTED', 'NOT_APPLICABLE', name='feedbackoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('given_by', sa.String(length=64), nullable=False),
    sa.Column('given_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hit_id'], ['credit_hit.id'], name=op.f('fk_credit_feedback_hit_id_credit_hit')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_credit_feedback_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_feedback')),
    sa.UniqueConstraint('hit_id', 'org_unit_id', name=op.f('uq_credit_feedback_hit_id_org_unit_id'))
    )
    with op.batch_alter_table('credit_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_feedback_org_unit_id'), ['org_unit_id'], unique=False)
    # The checking department's feedback so far becomes its row.
    op.execute("INSERT INTO credit_feedback (hit_id, org_unit_id, outcome, reason, given_by, given_at) "
               "SELECT id, org_unit_id, feedback, feedback_reason, feedback_by, feedback_at "
               "FROM credit_hit WHERE feedback_at IS NOT NULL AND org_unit_id IS NOT NULL")
    with op.batch_alter_table('credit_hit', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_hit_unit_feedback')
        batch_op.create_index('ix_credit_hit_measure_checked_at', ['measure_id', 'checked_at'], unique=False)
        batch_op.drop_column('feedback_at')
        batch_op.drop_column('feedback_by')
        batch_op.drop_column('feedback_reason')
        batch_op.drop_column('feedback')


def downgrade() -> None:
    with op.batch_alter_table('credit_hit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback', sa.Enum('RESTRICTED', 'NOT_APPLICABLE', name='feedbackoutcome', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('feedback_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('feedback_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('feedback_at', sa.DateTime(), nullable=True))
        batch_op.drop_index('ix_credit_hit_measure_checked_at')
        batch_op.create_index('ix_credit_hit_unit_feedback', ['org_unit_id', 'feedback_at'], unique=False)
    op.execute("UPDATE credit_hit SET feedback = (SELECT outcome FROM credit_feedback f "
               "WHERE f.hit_id = credit_hit.id AND f.org_unit_id = credit_hit.org_unit_id), "
               "feedback_reason = (SELECT reason FROM credit_feedback f "
               "WHERE f.hit_id = credit_hit.id AND f.org_unit_id = credit_hit.org_unit_id), "
               "feedback_by = (SELECT given_by FROM credit_feedback f "
               "WHERE f.hit_id = credit_hit.id AND f.org_unit_id = credit_hit.org_unit_id), "
               "feedback_at = (SELECT given_at FROM credit_feedback f "
               "WHERE f.hit_id = credit_hit.id AND f.org_unit_id = credit_hit.org_unit_id)")
    with op.batch_alter_table('credit_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_feedback_org_unit_id'))
    op.drop_table('credit_feedback')
