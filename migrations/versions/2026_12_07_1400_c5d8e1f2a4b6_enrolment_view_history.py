"""enrolments: the recent lesson views, so that views written in batches by several workers
add up whatever order they reach the database in (elearn/learning/page_views.py)

Revision ID: c5d8e1f2a4b6
Revises: b8e2d4f6a1c3
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d8e1f2a4b6"
down_revision = "b8e2d4f6a1c3"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE, not a batch: on SQLite a batch would copy enrolments, and
    # dropping the old table would cascade to every row that refers to them. Enrolments
    # opened before start their history from their last view (last_lesson_key).
    op.add_column("enrolments", sa.Column("view_history", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("enrolments", "view_history")
