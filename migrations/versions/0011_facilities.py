"""facilities and housing at cost; the group health plan

Revision ID: 0011_facilities
Revises: 0010_ledger_balance_trigger
Create Date: 2026-11-26 11:52:49.944507

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_facilities'
down_revision = '0010_ledger_balance_trigger'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('health_enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('enrolled_key', sa.Integer(), nullable=True),
    sa.Column('inside_share', sa.String(length=20), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(), nullable=False),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_health_enrollments_member_id_members')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_health_enrollments_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_enrollments')),
    sa.UniqueConstraint('enrolled_key', name=op.f('uq_health_enrollments_enrolled_key'))
    )
    with op.batch_alter_table('health_enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_enrollments_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_health_enrollments_region_status', ['region_id', 'status', 'id'], unique=False)

    op.create_table('health_premiums',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('premium_minor', sa.BigInteger(), nullable=False),
    sa.Column('member_part_minor', sa.BigInteger(), nullable=False),
    sa.Column('pool_part_minor', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['enrollment_id'], ['health_enrollments.id'], name=op.f('fk_health_premiums_enrollment_id_health_enrollments')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_health_premiums_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_health_premiums_member_id_members')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_health_premiums_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_premiums')),
    sa.UniqueConstraint('member_id', 'month', name='uq_health_premiums_member_month')
    )
    with op.batch_alter_table('health_premiums', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_premiums_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index('ix_health_premiums_status', ['status', 'id'], unique=False)

    op.create_table('facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('inventory_item_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('purchase_minor', sa.BigInteger(), nullable=False),
    sa.Column('maintenance_minor', sa.BigInteger(), nullable=False),
    sa.Column('market_rate_minor', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['members.id'], name=op.f('fk_facilities_created_by_members')),
    sa.ForeignKeyConstraint(['inventory_item_id'], ['inventory_items.id'], name=op.f('fk_facilities_inventory_item_id_inventory_items')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_facilities_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities'))
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilities_inventory_item_id'), ['inventory_item_id'], unique=False)
        batch_op.create_index('ix_facilities_region_status', ['region_id', 'status', 'id'], unique=False)

    op.create_table('facility_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('pending_key', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_facility_applications_company_id_companies')),
    sa.ForeignKeyConstraint(['decided_by'], ['members.id'], name=op.f('fk_facility_applications_decided_by_members')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_facility_applications_facility_id_facilities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_facility_applications_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility_applications')),
    sa.UniqueConstraint('pending_key', name=op.f('uq_facility_applications_pending_key'))
    )
    with op.batch_alter_table('facility_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facility_applications_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_facility_applications_queue', ['facility_id', 'status', 'created_at', 'id'], unique=False)

    op.create_table('facility_operating_costs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_facility_operating_costs_facility_id_facilities')),
    sa.ForeignKeyConstraint(['recorded_by'], ['members.id'], name=op.f('fk_facility_operating_costs_recorded_by_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility_operating_costs'))
    )
    with op.batch_alter_table('facility_operating_costs', schema=None) as batch_op:
        batch_op.create_index('ix_facility_operating_costs_month', ['facility_id', 'month'], unique=False)

    op.create_table('tenancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('tenant_type', sa.String(length=10), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('start_month', sa.String(length=7), nullable=False),
    sa.Column('end_month', sa.String(length=7), nullable=True),
    sa.Column('next_month_due', sa.String(length=7), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('occupied_key', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['facility_applications.id'], name=op.f('fk_tenancies_application_id_facility_applications')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_tenancies_company_id_companies')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_tenancies_facility_id_facilities')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_tenancies_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenancies')),
    sa.UniqueConstraint('occupied_key', name=op.f('uq_tenancies_occupied_key'))
    )
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenancies_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_tenancies_due', ['next_month_due', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenancies_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenancies_member_id'), ['member_id'], unique=False)

    op.create_table('rent_charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenancy_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amortisation_minor', sa.BigInteger(), nullable=False),
    sa.Column('maintenance_minor', sa.BigInteger(), nullable=False),
    sa.Column('operating_minor', sa.BigInteger(), nullable=False),
    sa.Column('cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.String(length=10), nullable=False),
    sa.Column('subsidy_rate', sa.String(length=20), nullable=False),
    sa.Column('rent_minor', sa.BigInteger(), nullable=False),
    sa.Column('subsidy_minor', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_rent_charges_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_rent_charges_facility_id_facilities')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_rent_charges_region_id_regions')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancies.id'], name=op.f('fk_rent_charges_tenancy_id_tenancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rent_charges')),
    sa.UniqueConstraint('tenancy_id', 'month', name='uq_rent_charges_tenancy_month')
    )
    with op.batch_alter_table('rent_charges', schema=None) as batch_op:
        batch_op.create_index('ix_rent_charges_facility_month', ['facility_id', 'month'], unique=False)
        batch_op.create_index('ix_rent_charges_status', ['status', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('rent_charges', schema=None) as batch_op:
        batch_op.drop_index('ix_rent_charges_status')
        batch_op.drop_index('ix_rent_charges_facility_month')

    op.drop_table('rent_charges')
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenancies_member_id'))
        batch_op.drop_index(batch_op.f('ix_tenancies_facility_id'))
        batch_op.drop_index('ix_tenancies_due')
        batch_op.drop_index(batch_op.f('ix_tenancies_company_id'))

    op.drop_table('tenancies')
    with op.batch_alter_table('facility_operating_costs', schema=None) as batch_op:
        batch_op.drop_index('ix_facility_operating_costs_month')

    op.drop_table('facility_operating_costs')
    with op.batch_alter_table('facility_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_facility_applications_queue')
        batch_op.drop_index(batch_op.f('ix_facility_applications_member_id'))

    op.drop_table('facility_applications')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index('ix_facilities_region_status')
        batch_op.drop_index(batch_op.f('ix_facilities_inventory_item_id'))

    op.drop_table('facilities')
    with op.batch_alter_table('health_premiums', schema=None) as batch_op:
        batch_op.drop_index('ix_health_premiums_status')
        batch_op.drop_index(batch_op.f('ix_health_premiums_enrollment_id'))

    op.drop_table('health_premiums')
    with op.batch_alter_table('health_enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_health_enrollments_region_status')
        batch_op.drop_index(batch_op.f('ix_health_enrollments_member_id'))

    op.drop_table('health_enrollments')
