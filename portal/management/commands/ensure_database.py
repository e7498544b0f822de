"""Create the configured PostgreSQL database when it does not exist yet (`make run` calls this first).

A newcomer points DATABASE_URL at a server, not at a database someone made by hand: like
`createdb`, this connects to the server's maintenance database ("postgres") with the same
credentials and issues CREATE DATABASE. SQLite needs nothing (the file appears on first use).
"""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql


class Command(BaseCommand):
    help = "Create the default PostgreSQL database if it is missing (SQLite: nothing to do)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(f"ensure_database: {connection.vendor}, nothing to create.")
            return

        params = connection.get_connection_params()
        name = connection.settings_dict["NAME"]
        params.pop("dbname", None)
        params.pop("cursor_factory", None)
        params.pop("context", None)
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if exists:
                    self.stdout.write(f"ensure_database: {name} exists.")
                    return
                admin.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
                )
        except psycopg.OperationalError as exc:
            raise CommandError(f"cannot reach PostgreSQL to create {name!r}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"ensure_database: created database {name}."))
