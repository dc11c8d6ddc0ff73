"""Personal access tokens for the read-only API, and the organisations each reaches

Revision ID: 4f2a9c1e7b3d
Revises: b3a7bc32f20b
Create Date: 2026-12-06 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f2a9c1e7b3d'
down_revision = 'b3a7bc32f20b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('hint', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_tokens_secret_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)
    op.create_table(
        'api_token_organisations',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['organisation_id'], ['organisations.id'],
            name=op.f('fk_api_token_organisations_organisation_id_organisations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['token_id'], ['api_tokens.id'],
            name=op.f('fk_api_token_organisations_token_id_api_tokens'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'token_id', 'organisation_id', name=op.f('pk_api_token_organisations')
        ),
    )
    with op.batch_alter_table('api_token_organisations', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_api_token_organisations_organisation_id'),
            ['organisation_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('api_token_organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_organisations_organisation_id'))
    op.drop_table('api_token_organisations')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
