"""Database triggers that make the audit log append-only, whatever code runs against it.

The migration that creates the table installs a copy of these statements (migrations never
import application code); ``elearn purge`` relies on them to apply the retention period, the
one deletion allowed.
"""

# PostgreSQL: UPDATE, DELETE and TRUNCATE raise, unless the transaction has set
# elearn.audit_retention (only `elearn purge` does) and the operation removes rows.
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('elearn.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END
$$
"""
POSTGRESQL_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)

# SQLite has no session settings: purge drops the delete trigger inside its transaction,
# deletes, and creates it again before committing.
SQLITE_NO_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)
SQLITE_NO_DELETE = (
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)
