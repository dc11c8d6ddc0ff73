"""events: the calendar file's SEQUENCE, raised each time an event's published details change

Revision ID: 5e1c2a9b7d30
Revises: 9166f4d85908
Create Date: 2026-12-06 16:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e1c2a9b7d30"
down_revision = "9166f4d85908"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN with a server default: no batch copy of the table on SQLite.
    op.add_column(
        "events",
        sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("calendar_sequence")
