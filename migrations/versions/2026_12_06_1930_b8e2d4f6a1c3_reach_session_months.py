"""reach: the ledger summed by month (reach_session_months) for the network-wide figures

Counting a million delivered sessions takes about a second however the statement is written
(docs/performance.md); the summary has at most one row per month and combination of course,
profession, county, audience, age band, setting and whether the session has an organisation.
elearn/reach/tally.py keeps it in step; this migration fills it from the ledger.

Revision ID: b8e2d4f6a1c3
Revises: a3f7c9d1e2b4
Create Date: 2026-12-06 19:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b8e2d4f6a1c3"
down_revision = "a3f7c9d1e2b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reach_session_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("profession", sa.String(length=32), nullable=False),
        sa.Column("county", sa.String(length=8), nullable=False),
        sa.Column("audience", sa.String(length=24), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("setting", sa.String(length=24), nullable=False),
        sa.Column("organised", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("declared", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("materials", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reach_session_months")),
        sa.UniqueConstraint(
            "month",
            "course_id",
            "profession",
            "county",
            "audience",
            "age_band",
            "setting",
            "organised",
            name=op.f("uq_reach_session_months_key"),
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        month = "to_char(delivered_on, 'YYYY-MM')"
    else:
        month = "strftime('%Y-%m', delivered_on)"
    key = (
        f"{month}, COALESCE(course_id, 0), profession, county, audience,"
        " COALESCE(age_band, ''), setting,"
        " CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END"
    )
    op.execute(
        "INSERT INTO reach_session_months (month, course_id, profession, county, audience,"  # noqa: S608 - our own SQL
        " age_band, setting, organised, sessions, declared, confirmed, materials)"
        f" SELECT {key}, COUNT(*), SUM(declared_count), SUM(confirmed_count),"
        " SUM(materials_count) FROM delivered_sessions WHERE replaced_by_id IS NULL"
        f" GROUP BY {key}"
    )


def downgrade():
    op.drop_table("reach_session_months")
