"""Organisations in a tree: each may have a parent; existing organisations become roots

Revision ID: 3c8d2e4f6a1b
Revises: 5e3c1a7d2b90
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8d2e4f6a1b'
down_revision = '5e3c1a7d2b90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisations_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_organisations_parent_id_organisations'),
            'organisations',
            ['parent_id'],
            ['id'],
            ondelete='RESTRICT',
        )


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_organisations_parent_id_organisations'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_organisations_parent_id'))
        batch_op.drop_column('parent_id')
