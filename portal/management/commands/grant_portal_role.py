"""manage.py grant_portal_role ROLE [--create]: let the role the portal runs as do what the portal
does, and no more. Run it as the owner role, after every `migrate` (new tables get their grants).

Two database roles (docs/deployment.md): the owner runs migrations and owns every table; the
portal's role owns nothing, may read and write the ordinary tables, may only SELECT and INSERT the
ledger and its witnesses (no UPDATE, DELETE or TRUNCATE: the append-only triggers refuse those too) and only read the
migration history. Owning nothing, it can neither drop a trigger nor alter a table.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

# Tables the portal appends to and reads, never changes.
APPEND_ONLY = ["disclosure_ledgerentry", "disclosure_ledgercheckpoint", "disclosure_headsdigest"]
# Tables the portal only reads.
READ_ONLY = ["django_migrations"]


class Command(BaseCommand):
    help = "Grant the portal's database role what it needs (run as the owner, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role in the portal's DATABASE_URL")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (LOGIN, password from PORTAL_DB_PASSWORD) when it does not exist",
        )

    def handle(self, *args, role, create, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_portal_role is for PostgreSQL.")
        owner = connection.settings_dict["USER"]
        if role == owner:
            raise CommandError("the portal's role must not be the owner role that runs migrations.")
        name = sql.Identifier(role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                if not create:
                    raise CommandError(f"no role {role}: create it, or pass --create")
                password = os.environ.get("PORTAL_DB_PASSWORD")
                statement = sql.SQL("CREATE ROLE {} LOGIN").format(name)
                if password:
                    statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(name, sql.Literal(password))
                cursor.execute(statement)
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone()[0]:
                raise CommandError(f"{role} is a superuser: the portal must run as an ordinary role.")
            cursor.execute("SELECT current_database()")
            database = sql.Identifier(cursor.fetchone()[0])
            tables = sql.SQL(", ").join(sql.Identifier(t) for t in APPEND_ONLY + READ_ONLY)
            for statement in (
                "GRANT CONNECT ON DATABASE {database} TO {role}",
                "GRANT USAGE ON SCHEMA public TO {role}",
                "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                "REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role}",
            ):
                cursor.execute(sql.SQL(statement).format(database=database, role=name, tables=tables))
            cursor.execute(
                sql.SQL("REVOKE INSERT ON {tables} FROM {role}").format(
                    tables=sql.SQL(", ").join(sql.Identifier(t) for t in READ_ONLY), role=name
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{role}: read and write on the portal's tables; SELECT, INSERT only on {', '.join(APPEND_ONLY)}; "
                f"SELECT only on {', '.join(READ_ONLY)}; owns nothing."
            )
        )
