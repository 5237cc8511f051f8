"""enterprise information: an index of the records by party (USCC)

A bulk entry's "already entered" check reads the department's records of a batch's parties
in the category; without this index it read every record of the department, batch after
batch (an import slowed as the department's records grew).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0031'
down_revision: str | Sequence[str] | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('disclosure_record', schema=None) as batch_op:
        batch_op.create_index('ix_disclosure_record_party',
                              ['party_uscc', 'source_org_id', 'category'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('disclosure_record', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosure_record_party')
