"""The two database roles (docs/deployment.md): migrations run as the owner; the portal runs as a
role that owns nothing and may only SELECT and INSERT the ledger. TRUNCATE is refused to both —
the owner by the trigger (migration 0006), the portal's role by its grants and the trigger.

The suite's own connection is the owner here (a superuser, which the trigger lets through for the
test flushes). Roles are created inside the test's transaction, so they vanish with its rollback;
`SET ROLE` makes the same connection act as each role, pages and services included."""

import re
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from disclosure.models import LedgerCheckpoint, LedgerEntry
from tests.factories import PASSWORD, login

from .conftest import income

pytestmark = pytest.mark.postgres


@pytest.fixture
def roles(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    suffix = uuid.uuid4().hex[:8]
    app, owner = f"portal_app_{suffix}", f"portal_owner_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {app} LOGIN")
        cursor.execute(f"CREATE ROLE {owner} LOGIN")
    call_command("grant_portal_role", app, verbosity=0)
    yield app, owner
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _refused(statement, params=()):
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(error.value)


def _as(role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")


@pytest.mark.django_db
def test_the_portal_role_may_read_and_append_the_ledger_and_nothing_more(city, contracted, roles, client):
    app, _owner = roles
    first = income(city, contracted, amount="40000.00")
    _as(app)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
        assert cursor.fetchone() == (app, False)
    # The portal works as this role: a street clerk records an entry through the page, the public reads it.
    assert login(client, city.street_a_staff.username, PASSWORD)
    url = reverse("disclosure:ledger", args=[contracted.project.code])
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)
    recorded = client.post(
        url,
        {
            "date": str(first.date),
            "kind": "income",
            "amount": "500.00",
            "counterparty": "南宁市财政局",
            "source": "local_finance",
            "memo": "",
            "submission_key": key,
        },
    )
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    assert LedgerEntry.objects.filter(project=contracted.project).count() == 2
    page = client.get(url).content.decode()
    assert "40,000.00" in page and "500.00" in page
    # What it may not do to the ledger, whichever way it tries.
    assert "permission denied" in _refused("TRUNCATE disclosure_ledgerentry")
    assert "permission denied" in _refused("TRUNCATE projects_project CASCADE")
    assert "permission denied" in _refused("UPDATE disclosure_ledgerentry SET amount = 1 WHERE id = %s", [first.pk])
    assert "permission denied" in _refused("DELETE FROM disclosure_ledgerentry WHERE id = %s", [first.pk])
    assert "permission denied" in _refused("DELETE FROM disclosure_ledgercheckpoint")
    assert "permission denied" in _refused("UPDATE disclosure_headsdigest SET prev = ''")
    assert LedgerCheckpoint.objects.filter(project=contracted.project).count() == 2  # the page's entry checkpointed
    assert "must be owner" in _refused(
        "ALTER TABLE disclosure_ledgerentry DISABLE TRIGGER disclosure_ledger_append_only"
    )
    assert "permission denied" in _refused("DELETE FROM django_migrations")
    assert "permission denied" in _refused(
        "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"
    )
    _as("NONE")  # RESET ROLE
    assert LedgerEntry.objects.get(pk=first.pk).amount == Decimal("40000.00")


@pytest.mark.django_db
def test_truncate_is_refused_to_the_owner_too(city, contracted, roles):
    """The owner may TRUNCATE any table it owns — except the ledger (the trigger), also when a
    cascade from another table reaches it."""
    _app, owner = roles
    income(city, contracted)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE disclosure_ledgerentry OWNER TO {owner}")
        cursor.execute(f"ALTER TABLE projects_project OWNER TO {owner}")
        # Every table a cascade from the ledger reaches (foreign keys to it, and to those, …).
        cursor.execute(
            "WITH RECURSIVE reached(rel) AS (SELECT 'disclosure_ledgerentry'::regclass::oid "
            "UNION SELECT c.conrelid FROM pg_constraint c JOIN reached r ON c.confrelid = r.rel "
            "WHERE c.contype = 'f') SELECT rel::regclass::text FROM reached"
        )
        referencing = [row[0] for row in cursor.fetchall()]
        assert {"disclosure_sharepayment", "disclosure_pointsredemption", "disclosure_maintenancephoto"} <= set(
            referencing
        )
        for table in referencing:
            cursor.execute(f"ALTER TABLE {table} OWNER TO {owner}")
    _as(owner)
    # Plain: refused (the household payments' foreign key stops it even before the trigger does).
    plain = _refused("TRUNCATE disclosure_ledgerentry")
    assert "TRUNCATE refused" in plain or "referenced in a foreign key constraint" in plain
    assert "TRUNCATE refused" in _refused("TRUNCATE disclosure_ledgerentry CASCADE")
    _as("NONE")
    assert LedgerEntry.objects.filter(project=contracted.project).count() == 1


@pytest.mark.django_db
def test_the_command_refuses_the_owner_as_the_portal_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    with pytest.raises(CommandError, match="owner"):
        call_command("grant_portal_role", connection.settings_dict["USER"])
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_portal_role", f"missing_{uuid.uuid4().hex[:8]}")
