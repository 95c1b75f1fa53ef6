"""ballots belong to the electorate: a foreign key from each ballot to its voter's electorate row

Revision ID: 0012_ballots_in_electorate
Revises: 0011_facilities
Create Date: 2026-11-26 12:05:00

Before this, a ballot that raced its voter's leaving could stay behind, and every count joined
the ballots to the electorate to leave it out. The key makes such a ballot impossible (and a
voter leaving the electorate takes their ballot along), so counts read the ballots alone.
Ballots left behind earlier were never counted nor published; they are removed first.
"""
from alembic import op


revision = '0012_ballots_in_electorate'
down_revision = '0011_facilities'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "DELETE FROM ballots WHERE NOT EXISTS (SELECT 1 FROM electorate_members e "
        "WHERE e.proposal_id = ballots.proposal_id AND e.member_id = ballots.member_id)"
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_ballots_electorate_voter', 'electorate_members',
                                    ['proposal_id', 'member_id'], ['proposal_id', 'member_id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ballots_electorate_voter', type_='foreignkey')
