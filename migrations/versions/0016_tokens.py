"""API tokens: when each was last used and a label, so a member can tell their tokens apart and revoke them

Revision ID: 0016_tokens
Revises: 0015_treasury
Create Date: 2026-11-26 12:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_tokens'
down_revision = '0015_treasury'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('label', sa.String(length=100), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('label')
        batch_op.drop_column('last_used_at')
