"""TRUNCATE of the ledger is refused too (0002 covers UPDATE and DELETE, row by row; TRUNCATE is a
statement of its own, also reached through `TRUNCATE … CASCADE` on a table the ledger points at).

Only a database superuser passes: it could drop the trigger anyway, and the test suite's flushes
run as one. The portal itself runs as a role that owns nothing and was never granted TRUNCATE
(manage.py grant_portal_role, docs/deployment.md), so it is refused twice."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION disclosure_ledger_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'disclosure_ledgerentry is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER disclosure_ledger_no_truncate
    BEFORE TRUNCATE ON disclosure_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION disclosure_ledger_refuse_truncate();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS disclosure_ledger_no_truncate ON disclosure_ledgerentry;
DROP FUNCTION IF EXISTS disclosure_ledger_refuse_truncate();
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite has no TRUNCATE
        schema_editor.execute(POSTGRES_UP, params=None)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0005_ledger_submission_key")]
    operations = [migrations.RunPython(up, down)]
