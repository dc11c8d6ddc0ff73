"""Credit per question across versions: each quiz's question hashes, the hashes of the
questions an attempt was drawn from, and results carried into a top-up attempt.

Revision ID: 7c2e5b9d4f10
Revises: 1a870989527e
Create Date: 2026-11-29 03:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2e5b9d4f10'
down_revision = '1a870989527e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_hashes', sa.JSON(), nullable=True))
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_hashes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('carried', sa.JSON(), nullable=True))

    bind = op.get_bind()
    hashes_by_quiz = {}
    for quiz_id, key, digest in bind.execute(
        sa.text("SELECT quiz_id, key, content_hash FROM questions")
    ).all():
        hashes_by_quiz.setdefault(quiz_id, {})[key] = digest
    quizzes = {}
    for quiz_id, version_id, key in bind.execute(
        sa.text("SELECT id, version_id, key FROM quizzes")
    ).all():
        hashes = hashes_by_quiz.get(quiz_id, {})
        quizzes[(version_id, key)] = hashes
        bind.execute(
            sa.text("UPDATE quizzes SET question_hashes = :h WHERE id = :id"),
            {"h": json.dumps(hashes), "id": quiz_id},
        )
    for attempt_id, version_id, key, draw in bind.execute(
        sa.text("SELECT id, version_id, quiz_key, draw FROM quiz_attempts")
    ).all():
        draw = json.loads(draw) if isinstance(draw, str) else draw
        hashes = quizzes.get((version_id, key), {})
        drawn = {entry["key"]: hashes.get(entry["key"], "") for entry in draw}
        bind.execute(
            sa.text("UPDATE quiz_attempts SET question_hashes = :h WHERE id = :id"),
            {"h": json.dumps(drawn), "id": attempt_id},
        )
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.alter_column('question_hashes', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('carried')
        batch_op.drop_column('question_hashes')
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('question_hashes')
