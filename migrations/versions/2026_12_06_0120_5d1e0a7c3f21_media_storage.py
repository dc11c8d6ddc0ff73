"""Course files in the media storage: blobs get a storage key and may keep no bytes

Revision ID: 5d1e0a7c3f21
Revises: 3c8d2e4f6a1b
Create Date: 2026-12-06 00:30:00

Rows made before keep their bytes in ``data`` and stay readable; `elearn courses move-media`
moves them into the storage.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e0a7c3f21'
down_revision = '3c8d2e4f6a1b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage_key', sa.String(length=200), nullable=True))
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # Only possible while every row still has its bytes (before `elearn courses move-media`).
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('storage_key')
