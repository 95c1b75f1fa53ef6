"""Federation, regions whole: a region founded from another's template remembers it; a split's new
region may start with a provisional board (in office until its first board election); inventory
items and facility units may name their locality, so a split can take them along

Revision ID: 0019_region_templates
Revises: 0018_mail
Create Date: 2026-11-26 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_region_templates'
down_revision = '0018_mail'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite rebuilds `regions` to add its foreign key: the rows that point at it are checked at
        # COMMIT, when the table is back.
        op.execute("PRAGMA defer_foreign_keys = ON")
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('board_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_regions_template_id_regions'), 'regions', ['template_id'], ['id'])
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locality', sa.String(length=100), nullable=False, server_default=''))
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locality', sa.String(length=100), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_column('locality')
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.drop_column('locality')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_regions_template_id_regions'), type_='foreignkey')
        batch_op.drop_column('board_provisional')
        batch_op.drop_column('template_id')
