"""wages: occupations, industries, the wage table's history

Revision ID: 0003_wages
Revises: 0002_proposals
Create Date: 2026-11-26 09:38:08.954229

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_wages'
down_revision = '0002_proposals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('industries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('need', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_industries_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industries')),
    sa.UniqueConstraint('region_id', 'name', name='uq_industries_region_name')
    )
    op.create_table('occupations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('need', sa.String(length=20), nullable=False),
    sa.Column('skill', sa.String(length=20), nullable=False),
    sa.Column('stress', sa.String(length=20), nullable=False),
    sa.Column('danger', sa.String(length=20), nullable=False),
    sa.Column('industry_weight', sa.String(length=20), nullable=False),
    sa.Column('productivity_range', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_occupations_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occupations')),
    sa.UniqueConstraint('region_id', 'name', name='uq_occupations_region_name')
    )
    op.create_table('wage_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('occupation', sa.String(length=30), nullable=False),
    sa.Column('industry', sa.String(length=30), nullable=True),
    sa.Column('hourly_wage_minor', sa.BigInteger(), nullable=False),
    sa.Column('effective_from', sa.DateTime(), nullable=False),
    sa.Column('reduction_delay_days', sa.Integer(), nullable=False),
    sa.Column('reduction_decay_days', sa.Integer(), nullable=False),
    sa.Column('cause_type', sa.String(length=40), nullable=False),
    sa.Column('cause_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['region_id', 'industry'], ['industries.region_id', 'industries.name'], name='fk_wage_rates_industry'),
    sa.ForeignKeyConstraint(['region_id', 'occupation'], ['occupations.region_id', 'occupations.name'], name='fk_wage_rates_occupation'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_wage_rates_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wage_rates'))
    )
    with op.batch_alter_table('wage_rates', schema=None) as batch_op:
        batch_op.create_index('ix_wage_rates_current', ['region_id', 'occupation', 'industry', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('wage_rates', schema=None) as batch_op:
        batch_op.drop_index('ix_wage_rates_current')

    op.drop_table('wage_rates')
    op.drop_table('occupations')
    op.drop_table('industries')
