"""The ledger is append-only in the database itself: UPDATE and DELETE on disclosure_ledgerentry
raise an error, whoever sends them (the portal, an admin with psql, a buggy migration).
TRUNCATE (used by test database flushes) is a different statement and is not refused."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION disclosure_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'disclosure_ledgerentry is append-only: % refused (record a reversal entry instead)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER disclosure_ledger_append_only
    BEFORE UPDATE OR DELETE ON disclosure_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION disclosure_ledger_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS disclosure_ledger_append_only ON disclosure_ledgerentry;
DROP FUNCTION IF EXISTS disclosure_ledger_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER disclosure_ledger_no_update BEFORE UPDATE ON disclosure_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'disclosure_ledgerentry is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER disclosure_ledger_no_delete BEFORE DELETE ON disclosure_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'disclosure_ledgerentry is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS disclosure_ledger_no_update;",
    "DROP TRIGGER IF EXISTS disclosure_ledger_no_delete;",
]


def up(apps, schema_editor):
    statements = {"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


def down(apps, schema_editor):
    statements = {"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_money_and_work")]
    operations = [migrations.RunPython(up, down)]
