"""Managers' weekly digest: who got which week's (report_digests, the claim before sending)
and the opt-out on the profile (users.weekly_digest, on for everyone already there)

Revision ID: b3a7bc32f20b
Revises: 9b5c7d3e2f4a
Create Date: 2026-12-06 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3a7bc32f20b'
down_revision = '9b5c7d3e2f4a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_report_digests_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_digests')),
    sa.UniqueConstraint('user_id', 'organisation_id', 'week', name=op.f('uq_report_digests_user_id_organisation_id_week'))
    )
    with op.batch_alter_table('report_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_digests_organisation_id'), ['organisation_id'], unique=False)

    # A plain ALTER TABLE, on SQLite too: a batch copy of `users` would drop the table and, with
    # foreign keys enforced, delete every row that cascades from it. The default is the string
    # "1" (true to PostgreSQL and SQLite alike), not an expression, for the same reason.
    op.add_column('users', sa.Column('weekly_digest', sa.Boolean(), server_default='1', nullable=False))



def downgrade():
    op.drop_column('users', 'weekly_digest')  # no batch copy: see above (SQLite 3.35 or newer)

    with op.batch_alter_table('report_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_digests_organisation_id'))

    op.drop_table('report_digests')
