"""the treasury: deposits confirmed against the bank, bank statements and their lines, the region's bank
details, members' payout accounts, and payouts settled with a bank reference

Revision ID: 0015_treasury
Revises: 0013_members_board_index
Create Date: 2026-11-26 12:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_treasury'
down_revision = '0013_members_board_index'
branch_labels = None
depends_on = None


def upgrade():
    # First, while nothing references usd_payouts yet (SQLite rebuilds the table to add the
    # foreign key): the bank's reference of the transfer that paid a payout, and who paid it.
    with op.batch_alter_table('usd_payouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_reference', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('paid_by', sa.Integer(), nullable=True))
        batch_op.create_index('ix_usd_payouts_region_status', ['region_id', 'status', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_usd_payouts_paid_by_members'), 'members', ['paid_by'], ['id'])

    op.create_table('bank_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('new_line_count', sa.Integer(), nullable=False),
    sa.Column('matched_count', sa.Integer(), nullable=False),
    sa.Column('statement_date', sa.Date(), nullable=True),
    sa.Column('closing_balance_minor', sa.BigInteger(), nullable=True),
    sa.Column('usd_reserve_minor', sa.BigInteger(), nullable=False),
    sa.Column('payouts_owed_minor', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by'], ['members.id'], name=op.f('fk_bank_statements_imported_by_members')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_bank_statements_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements'))
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index('ix_bank_statements_region', ['region_id', 'id'], unique=False)

    op.create_table('payout_accounts',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_payout_accounts_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_payout_accounts'))
    )
    op.create_table('region_bank_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_region_bank_details_region_id_regions')),
    sa.ForeignKeyConstraint(['set_by'], ['members.id'], name=op.f('fk_region_bank_details_set_by_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_bank_details'))
    )
    with op.batch_alter_table('region_bank_details', schema=None) as batch_op:
        batch_op.create_index('ix_region_bank_details_region', ['region_id', 'id'], unique=False)

    op.create_table('deposits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('rate', sa.String(length=40), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('bank_reference', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('credited_minor', sa.BigInteger(), nullable=True),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('conversion_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_deposits_company_id_companies')),
    sa.ForeignKeyConstraint(['conversion_id'], ['conversions.id'], name=op.f('fk_deposits_conversion_id_conversions')),
    sa.ForeignKeyConstraint(['decided_by'], ['members.id'], name=op.f('fk_deposits_decided_by_members')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_deposits_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_deposits_member_id_members')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_deposits_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposits')),
    sa.UniqueConstraint('reference', name=op.f('uq_deposits_reference'))
    )
    with op.batch_alter_table('deposits', schema=None) as batch_op:
        batch_op.create_index('ix_deposits_company', ['company_id', 'id'], unique=False)
        batch_op.create_index('ix_deposits_member', ['member_id', 'id'], unique=False)
        batch_op.create_index('ix_deposits_region_status', ['region_id', 'status', 'id'], unique=False)

    op.create_table('bank_statement_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('line_hash', sa.String(length=64), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.Column('bank_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('deposit_id', sa.Integer(), nullable=True),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposits.id'], name=op.f('fk_bank_statement_lines_deposit_id_deposits')),
    sa.ForeignKeyConstraint(['payout_id'], ['usd_payouts.id'], name=op.f('fk_bank_statement_lines_payout_id_usd_payouts')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_bank_statement_lines_region_id_regions')),
    sa.ForeignKeyConstraint(['resolved_by'], ['members.id'], name=op.f('fk_bank_statement_lines_resolved_by_members')),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_bank_statement_lines_statement_id_bank_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement_lines')),
    sa.UniqueConstraint('region_id', 'line_hash', name='uq_bank_statement_lines_region_hash')
    )
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.create_index('ix_bank_statement_lines_region_status', ['region_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_bank_statement_lines_statement', ['statement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_statement_lines_statement')
        batch_op.drop_index('ix_bank_statement_lines_region_status')

    op.drop_table('bank_statement_lines')
    with op.batch_alter_table('deposits', schema=None) as batch_op:
        batch_op.drop_index('ix_deposits_region_status')
        batch_op.drop_index('ix_deposits_member')
        batch_op.drop_index('ix_deposits_company')

    op.drop_table('deposits')
    with op.batch_alter_table('region_bank_details', schema=None) as batch_op:
        batch_op.drop_index('ix_region_bank_details_region')

    op.drop_table('region_bank_details')
    op.drop_table('payout_accounts')
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_statements_region')

    op.drop_table('bank_statements')

    with op.batch_alter_table('usd_payouts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_usd_payouts_paid_by_members'), type_='foreignkey')
        batch_op.drop_index('ix_usd_payouts_region_status')
        batch_op.drop_column('paid_by')
        batch_op.drop_column('bank_reference')
