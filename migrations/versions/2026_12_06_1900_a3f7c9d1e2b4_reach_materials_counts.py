"""reach: the copies of materials handed out, kept on each session and event

The reach figures summed session_materials and event_materials per row and joined them to a
million sessions (about 300 ms of a second on PostgreSQL, docs/performance.md). The writers
(elearn/resources/handed_out.py) now keep the total on the row itself.

Revision ID: a3f7c9d1e2b4
Revises: 5e1c2a9b7d30
Create Date: 2026-12-06 19:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a3f7c9d1e2b4"
down_revision = "5e1c2a9b7d30"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs with a server default: no batch copy of the tables on SQLite.
    op.add_column(
        "delivered_sessions",
        sa.Column("materials_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "events",
        sa.Column("materials_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(
        "UPDATE delivered_sessions SET materials_count = (SELECT COALESCE(SUM(quantity), 0)"
        " FROM session_materials WHERE session_materials.session_id = delivered_sessions.id)"
        " WHERE id IN (SELECT session_id FROM session_materials)"
    )
    op.execute(
        "UPDATE events SET materials_count = (SELECT COALESCE(SUM(quantity), 0)"
        " FROM event_materials WHERE event_materials.event_id = events.id)"
        " WHERE id IN (SELECT event_id FROM event_materials)"
    )


def downgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("materials_count")
    with op.batch_alter_table("delivered_sessions") as batch_op:
        batch_op.drop_column("materials_count")
