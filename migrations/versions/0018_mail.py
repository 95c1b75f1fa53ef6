"""Mail and the member's own settings: the outbox (mail queued in the database, sent by the
scheduler), each member's mail switches and daily digest, their time zone, and a topic on
notifications so that a reminder can be cleared when it is answered

Revision ID: 0018_mail
Revises: 0017_coop_companies
Create Date: 2026-11-26 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_mail'
down_revision = '0017_coop_companies'
branch_labels = None
depends_on = None

MEMBER_SWITCHES = ('mail_reminders', 'mail_results', 'mail_deposits', 'mail_payouts')


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='UTC'))
        for name in MEMBER_SWITCHES:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('mail_digest', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=60), nullable=False, server_default=''))
        batch_op.create_index('ix_notifications_member_topic', ['member_id', 'topic'], unique=False)
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=120), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('digest_id', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.Column('stored_as', sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_outbox_member_id_members')),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_outbox_region_id_regions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_dedupe_key')),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outbox_region_id', ['region_id', 'id'], unique=False)
        batch_op.create_index('ix_outbox_member_status', ['member_id', 'status'], unique=False)


def downgrade():
    op.drop_table('outbox')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_member_topic')
        batch_op.drop_column('topic')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('mail_digest')
        for name in reversed(MEMBER_SWITCHES):
            batch_op.drop_column(name)
        batch_op.drop_column('time_zone')
