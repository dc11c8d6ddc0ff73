"""Quiz answers one row each: answers saved at the same moment no longer overwrite each other

Revision ID: 5e1f0a7c2b9d
Revises: b075d96d9ca2
Create Date: 2026-12-06 00:40:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0a7c2b9d'
down_revision = 'b075d96d9ca2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quiz_answers',
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('question_key', sa.String(length=80), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['attempt_id'], ['quiz_attempts.id'],
            name=op.f('fk_quiz_answers_attempt_id_quiz_attempts'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('attempt_id', 'question_key', name=op.f('pk_quiz_answers')),
    )
    # Every answer saved so far becomes its row, dated when its attempt was last touched.
    bind = op.get_bind()
    attempts = sa.table(
        'quiz_attempts',
        sa.column('id', sa.Integer()),
        sa.column('answers', sa.JSON()),
        sa.column('started_at', sa.DateTime(timezone=True)),
        sa.column('submitted_at', sa.DateTime(timezone=True)),
    )
    answers = sa.table(
        'quiz_answers',
        sa.column('attempt_id', sa.Integer()),
        sa.column('question_key', sa.String()),
        sa.column('value', sa.JSON()),
        sa.column('saved_at', sa.DateTime(timezone=True)),
    )
    rows = []
    for attempt in bind.execute(sa.select(attempts)):
        for key, value in (attempt.answers or {}).items():
            rows.append(
                {
                    'attempt_id': attempt.id,
                    'question_key': key,
                    'value': value,
                    'saved_at': attempt.submitted_at or attempt.started_at,
                }
            )
    if rows:
        op.bulk_insert(answers, rows)
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('answers')


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
    bind = op.get_bind()
    attempts = sa.table('quiz_attempts', sa.column('id', sa.Integer()), sa.column('answers', sa.JSON()))
    collected: dict[int, dict] = {}
    for row in bind.execute(sa.text('SELECT attempt_id, question_key, value FROM quiz_answers')):
        value = row.value
        if isinstance(value, str):
            value = json.loads(value)
        collected.setdefault(row.attempt_id, {})[row.question_key] = value
    for attempt_id, values in collected.items():
        bind.execute(sa.update(attempts).where(attempts.c.id == attempt_id).values(answers=values))
    bind.execute(sa.update(attempts).where(attempts.c.answers.is_(None)).values(answers={}))
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.alter_column('answers', existing_type=sa.JSON(), nullable=False)
    op.drop_table('quiz_answers')
