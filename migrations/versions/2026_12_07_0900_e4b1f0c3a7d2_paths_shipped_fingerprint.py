"""paths (branch paths): the fingerprint of a shipped path, and the shipped paths removed

Revision ID: e4b1f0c3a7d2
Revises: c7d1e5a9b2f6
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b1f0c3a7d2'
down_revision = 'c7d1e5a9b2f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipped_hash', sa.String(length=64), nullable=True))

    op.create_table('removed_shipped_paths',
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('shipped_hash', sa.String(length=64), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_removed_shipped_paths'))
    )


def downgrade():
    op.drop_table('removed_shipped_paths')
    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.drop_column('shipped_hash')
