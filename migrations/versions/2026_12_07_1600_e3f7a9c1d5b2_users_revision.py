"""users: a revision that every change of the person or their roles bumps, so that each
worker may keep the signed-in person between requests and check one number per request
(elearn/accounts/login.py)

The triggers bump it whatever writes the row (the ORM, a bulk UPDATE, a script), so no
writer can forget to; tests/accounts/test_people_cache.py proves each one on both databases.

Revision ID: e3f7a9c1d5b2
Revises: c5d8e1f2a4b6
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3f7a9c1d5b2"
down_revision = "c5d8e1f2a4b6"
branch_labels = None
depends_on = None

POSTGRESQL = (
    """
CREATE OR REPLACE FUNCTION users_next_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$
""",
    "CREATE TRIGGER users_revision BEFORE UPDATE ON users "
    "FOR EACH ROW EXECUTE FUNCTION users_next_revision()",
    """
CREATE OR REPLACE FUNCTION role_assignments_bump_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END
$$
""",
    "CREATE TRIGGER role_assignments_revision AFTER INSERT OR UPDATE OR DELETE "
    "ON role_assignments FOR EACH ROW EXECUTE FUNCTION role_assignments_bump_user()",
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS role_assignments_revision ON role_assignments",
    "DROP FUNCTION IF EXISTS role_assignments_bump_user()",
    "DROP TRIGGER IF EXISTS users_revision ON users",
    "DROP FUNCTION IF EXISTS users_next_revision()",
)
# SQLite cannot change NEW in a BEFORE trigger: an AFTER trigger writes the next revision,
# and its WHEN keeps it from acting on its own write.
SQLITE = (
    "CREATE TRIGGER users_revision AFTER UPDATE ON users FOR EACH ROW "
    "WHEN NEW.revision = OLD.revision "
    "BEGIN UPDATE users SET revision = OLD.revision + 1 WHERE id = NEW.id; END",
    "CREATE TRIGGER role_assignments_revision_insert AFTER INSERT ON role_assignments "
    "BEGIN UPDATE users SET revision = revision + 1 WHERE id = NEW.user_id; END",
    "CREATE TRIGGER role_assignments_revision_update AFTER UPDATE ON role_assignments "
    "BEGIN UPDATE users SET revision = revision + 1 WHERE id IN (OLD.user_id, NEW.user_id); END",
    "CREATE TRIGGER role_assignments_revision_delete AFTER DELETE ON role_assignments "
    "BEGIN UPDATE users SET revision = revision + 1 WHERE id = OLD.user_id; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS role_assignments_revision_delete",
    "DROP TRIGGER IF EXISTS role_assignments_revision_update",
    "DROP TRIGGER IF EXISTS role_assignments_revision_insert",
    "DROP TRIGGER IF EXISTS users_revision",
)


def _statements(postgresql, sqlite):
    return postgresql if op.get_bind().dialect.name == "postgresql" else sqlite


def upgrade():
    # A plain ALTER TABLE, not a batch: on SQLite a batch would copy users, and dropping the
    # old table would cascade to every row that refers to them.
    op.add_column("users", sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
    for statement in _statements(POSTGRESQL, SQLITE):
        op.execute(statement)


def downgrade():
    for statement in _statements(POSTGRESQL_DROP, SQLITE_DROP):
        op.execute(statement)
    op.drop_column("users", "revision")
