"""Each enrolment's summary of its own rows (lessons completed, seconds on lessons, quiz
attempts, best score), so that reports aggregate enrolments alone

Revision ID: 9b5c7d3e2f4a
Revises: 8a4b6c2d1e3f
Create Date: 2026-12-06 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b5c7d3e2f4a'
down_revision = '8a4b6c2d1e3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lessons_completed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('seconds_on_lessons', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('quiz_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('best_score', sa.Float(), nullable=True))
    op.execute(
        """
        UPDATE enrolments SET
          lessons_completed = (SELECT count(*) FROM lesson_completions c
                               WHERE c.enrolment_id = enrolments.id),
          seconds_on_lessons = (SELECT coalesce(sum(t.seconds), 0) FROM lesson_times t
                                WHERE t.enrolment_id = enrolments.id),
          quiz_attempts = (SELECT count(*) FROM quiz_attempts a
                           WHERE a.enrolment_id = enrolments.id),
          best_score = (SELECT max(a.score) FROM quiz_attempts a
                        WHERE a.enrolment_id = enrolments.id)
        """
    )


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('best_score')
        batch_op.drop_column('quiz_attempts')
        batch_op.drop_column('seconds_on_lessons')
        batch_op.drop_column('lessons_completed')
