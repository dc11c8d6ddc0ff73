"""certificates: whether a certificate states the course's hours (only when the holder's
recorded time on the lessons reached the course's share of its duration)

Revision ID: 9d4e2b7c1a58
Revises: 7b2dd082dd13
Create Date: 2026-12-07 12:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9d4e2b7c1a58"
down_revision = "7b2dd082dd13"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE, not a batch: on SQLite a batch copies certificates, and dropping
    # the old table would cascade to their reminders. Certificates issued before the rule
    # keep stating their hours.
    op.add_column(
        "certificates",
        sa.Column("states_hours", sa.Boolean(), server_default="1", nullable=False),
    )


def downgrade():
    op.drop_column("certificates", "states_hours")
