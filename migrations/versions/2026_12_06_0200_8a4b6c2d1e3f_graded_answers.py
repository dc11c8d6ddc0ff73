"""Each quiz answer keeps what it earned when graded (score, correct), for item analysis

Revision ID: 8a4b6c2d1e3f
Revises: 5d1e0a7c3f21
Create Date: 2026-12-06 02:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a4b6c2d1e3f'
down_revision = '5d1e0a7c3f21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('correct', sa.Boolean(), nullable=True))
    # Answers of attempts graded before: from each attempt's stored results.
    bind = op.get_bind()
    answers = sa.table(
        'quiz_answers',
        sa.column('attempt_id', sa.Integer()),
        sa.column('question_key', sa.String()),
        sa.column('score', sa.Float()),
        sa.column('correct', sa.Boolean()),
    )
    graded = bind.execute(
        sa.text('SELECT id, results FROM quiz_attempts WHERE submitted_at IS NOT NULL')
    ).all()
    for attempt_id, results in graded:
        if isinstance(results, str):
            results = json.loads(results)
        for key, result in (results or {}).items():
            bind.execute(
                sa.update(answers)
                .where(answers.c.attempt_id == attempt_id, answers.c.question_key == key)
                .values(score=result.get('score'), correct=result.get('correct'))
            )


def downgrade():
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.drop_column('correct')
        batch_op.drop_column('score')
