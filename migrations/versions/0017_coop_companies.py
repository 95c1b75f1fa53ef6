"""co-op-owned companies run for real: invited wages kept, productivity on payslips, last payrolls,
equipment grants and the outside purchases that spend them, supplier payouts, the monthly surplus
sweep, facility maintenance and operating costs paid, acquisition managers

Revision ID: 0017_coop_companies
Revises: 0016_tokens
Create Date: 2026-11-26 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_coop_companies'
down_revision = '0016_tokens'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite rebuilds a table to add a foreign key: the rows that point at it (workers at their
        # company, statement lines at their payout) are checked at COMMIT, when the table is back.
        op.execute("PRAGMA defer_foreign_keys = ON")
    op.create_table('surplus_sweeps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('balance_minor', sa.BigInteger(), nullable=False),
    sa.Column('monthly_payroll_minor', sa.BigInteger(), nullable=False),
    sa.Column('reserve_months', sa.Integer(), nullable=False),
    sa.Column('earmarked_minor', sa.BigInteger(), nullable=False),
    sa.Column('surplus_minor', sa.BigInteger(), nullable=False),
    sa.Column('share', sa.String(length=20), nullable=False),
    sa.Column('swept_minor', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_surplus_sweeps_company_id_companies')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_surplus_sweeps_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_surplus_sweeps_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surplus_sweeps')),
    sa.UniqueConstraint('company_id', 'month', name='uq_surplus_sweeps_company_month')
    )
    with op.batch_alter_table('surplus_sweeps', schema=None) as batch_op:
        batch_op.create_index('ix_surplus_sweeps_region', ['region_id', 'id'], unique=False)

    op.create_table('equipment_grants',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('cash_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_equipment_grants_company_id_companies')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_items.id'], name=op.f('fk_equipment_grants_item_id_inventory_items')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_equipment_grants_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_equipment_grants'))
    )
    with op.batch_alter_table('equipment_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_grants_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_grants_item_id'), ['item_id'], unique=False)

    op.create_table('outside_purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('grant_proposal_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('payout_id', sa.Integer(), nullable=False),
    sa.Column('bought_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['bought_by'], ['members.id'], name=op.f('fk_outside_purchases_bought_by_members')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_outside_purchases_company_id_companies')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_outside_purchases_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['grant_proposal_id'], ['proposals.id'], name=op.f('fk_outside_purchases_grant_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['payout_id'], ['usd_payouts.id'], name=op.f('fk_outside_purchases_payout_id_usd_payouts')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_outside_purchases_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outside_purchases'))
    )
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.create_index('ix_outside_purchases_company', ['company_id', 'id'], unique=False)
        batch_op.create_index('ix_outside_purchases_grant', ['grant_proposal_id'], unique=False)

    op.create_table('maintenance_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('supplier', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_maintenance_payments_company_id_companies')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_maintenance_payments_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_maintenance_payments_facility_id_facilities')),
    sa.ForeignKeyConstraint(['payout_id'], ['usd_payouts.id'], name=op.f('fk_maintenance_payments_payout_id_usd_payouts')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_maintenance_payments_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_payments')),
    sa.UniqueConstraint('facility_id', 'month', name='uq_maintenance_payments_facility_month')
    )
    with op.batch_alter_table('maintenance_payments', schema=None) as batch_op:
        batch_op.create_index('ix_maintenance_payments_region_month', ['region_id', 'month'], unique=False)

    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('returned_entry_id', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_companies_returned_entry_id_ledger_entries'), 'ledger_entries', ['returned_entry_id'], ['id'])

    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('maintainer_company_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('maintainer_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('maintainer_pay_to', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('maintenance_next_month', sa.String(length=7), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_facilities_maintainer_company_id_companies'), 'companies', ['maintainer_company_id'], ['id'])

    with op.batch_alter_table('facility_operating_costs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('supplier', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('entry_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('payout_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_facility_operating_costs_company_id_companies'), 'companies', ['company_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_facility_operating_costs_entry_id_ledger_entries'), 'ledger_entries', ['entry_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_facility_operating_costs_payout_id_usd_payouts'), 'usd_payouts', ['payout_id'], ['id'])

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manager', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('payroll_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('paid_share', sa.String(length=20), nullable=False, server_default='1'))

    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_rate_minor', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('productivity', sa.String(length=10), nullable=True))

    with op.batch_alter_table('usd_payouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payee', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('pay_to', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('memo', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('company_id', sa.Integer(), nullable=True))
        batch_op.alter_column('member_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('conversion_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_usd_payouts_company_id_companies'), 'companies', ['company_id'], ['id'])

    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_wage_minor', sa.BigInteger(), nullable=True))

    # An invitation not accepted yet is "open", as the API says (it was stored as "pending").
    op.execute("UPDATE invitations SET status = 'open' WHERE status = 'pending'")
    # Employees who joined through an invitation keep the wage they were invited at.
    op.execute("UPDATE workers SET kept_wage_minor = (SELECT i.hourly_wage_minor FROM invitations i "
               "WHERE i.company_id = workers.company_id AND i.member_id = workers.member_id "
               "AND i.status = 'accepted') WHERE EXISTS (SELECT 1 FROM invitations i "
               "WHERE i.company_id = workers.company_id AND i.member_id = workers.member_id AND i.status = 'accepted')")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("UPDATE invitations SET status = 'pending' WHERE status = 'open'")
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_column('kept_wage_minor')

    with op.batch_alter_table('usd_payouts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_usd_payouts_company_id_companies'), type_='foreignkey')
        batch_op.alter_column('conversion_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('member_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('company_id')
        batch_op.drop_column('memo')
        batch_op.drop_column('pay_to')
        batch_op.drop_column('payee')

    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.drop_column('productivity')
        batch_op.drop_column('base_rate_minor')

    with op.batch_alter_table('payroll_runs', schema=None) as batch_op:
        batch_op.drop_column('paid_share')
        batch_op.drop_column('final')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('manager')

    with op.batch_alter_table('facility_operating_costs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_facility_operating_costs_payout_id_usd_payouts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_facility_operating_costs_entry_id_ledger_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_facility_operating_costs_company_id_companies'), type_='foreignkey')
        batch_op.drop_column('payout_id')
        batch_op.drop_column('entry_id')
        batch_op.drop_column('supplier')
        batch_op.drop_column('company_id')

    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_facilities_maintainer_company_id_companies'), type_='foreignkey')
        batch_op.drop_column('maintenance_next_month')
        batch_op.drop_column('maintainer_pay_to')
        batch_op.drop_column('maintainer_name')
        batch_op.drop_column('maintainer_company_id')

    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_companies_returned_entry_id_ledger_entries'), type_='foreignkey')
        batch_op.drop_column('returned_entry_id')
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('maintenance_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_maintenance_payments_region_month')

    op.drop_table('maintenance_payments')
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_outside_purchases_grant')
        batch_op.drop_index('ix_outside_purchases_company')

    op.drop_table('outside_purchases')
    with op.batch_alter_table('equipment_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_grants_item_id'))
        batch_op.drop_index(batch_op.f('ix_equipment_grants_company_id'))

    op.drop_table('equipment_grants')
    with op.batch_alter_table('surplus_sweeps', schema=None) as batch_op:
        batch_op.drop_index('ix_surplus_sweeps_region')

    op.drop_table('surplus_sweeps')
