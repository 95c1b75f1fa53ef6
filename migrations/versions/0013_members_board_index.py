"""an index to find a region's board without reading all its members (board elections, the board electorate)

Revision ID: 0013_members_board_index
Revises: 0012_ballots_in_electorate
Create Date: 2026-11-26 12:10:00

"""
from alembic import op


revision = '0013_members_board_index'
down_revision = '0012_ballots_in_electorate'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_region_board', ['region_id', 'is_board'], unique=False)


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_region_board')
