"""The ledger's witnesses (issue 16, item 3b): a checkpoint of the head at every entry, published in
heads.json; the city's daily digest of every head; and what they catch that the chain alone cannot —
a removed tail, an emptied ledger, a history rewritten by someone who could switch every trigger off."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from disclosure import ledger, selectors, services
from disclosure.models import ZERO_HASH, LedgerCheckpoint, LedgerEntry
from projects.canonical import H

from .conftest import expense, income


def _superuser_sql(*statements, tables=("disclosure_ledgerentry",)):
    """What someone with the owner's or a superuser's rights could do: every trigger off, then SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for sql, params in statements:
                cursor.execute(sql, params)
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in cursor.fetchall():
                if any(name.startswith(t) for t in tables) or name.startswith("disclosure_ledger_no_"):
                    cursor.execute(f"DROP TRIGGER {name}")
            for sql, params in statements:
                cursor.execute(sql, params)


def _mark(client, project) -> str:
    cache.clear()
    html = client.get(reverse("disclosure:project", args=[project.code])).content.decode()
    start = html.index('data-testid="chain-status"')
    return html[start : html.index("</span>", start)]


@pytest.mark.django_db
def test_every_entry_checkpoints_the_head_and_heads_json_publishes_them(client, city, contracted):
    entries = [income(city, contracted), expense(city, contracted, amount="1200.00"), income(city, contracted)]
    points = list(LedgerCheckpoint.objects.filter(project=contracted.project).values_list("seq", "hash"))
    assert points == [(e.seq, e.hash) for e in entries]
    document = client.get(reverse("disclosure:project_heads", args=[contracted.project.code])).json()
    assert document["head"]["seq"] == 3 and document["head"]["hash"] == entries[-1].hash
    assert [(c["seq"], c["hash"]) for c in document["checkpoints"]] == points
    assert document["ledger"].endswith(f"/disclosure/projects/{contracted.project.code}/ledger.json")
    assert 'data-chain="ok"' in _mark(client, contracted.project)
    # The witnesses are append-only too.
    for sql in ("UPDATE disclosure_ledgercheckpoint SET seq = 9", "DELETE FROM disclosure_ledgercheckpoint"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.django_db
def test_a_removed_tail_and_an_emptied_ledger_are_caught_by_the_command_and_the_mark(client, city, contracted):
    income(city, contracted)
    expense(city, contracted, amount="1200.00")
    last = expense(city, contracted, amount="300.00")
    code = contracted.project.code
    call_command("verify_ledger", code)
    _superuser_sql(("DELETE FROM disclosure_ledgerentry WHERE id = %s", [last.pk]))
    assert ledger.verify_chain(
        ledger_docs := selectors.ledger_documents(contracted.project)
    ).ok  # the chain alone sees nothing
    assert len(ledger_docs) == 2
    with pytest.raises(
        CommandError, match=rf"{code}: entries from 3 on are missing \(a published head reached entry 3;"
    ):
        call_command("verify_ledger")
    mark = _mark(client, contracted.project)
    assert 'data-chain="missing"' in mark and "第 3 条起的记录缺失" in mark
    _superuser_sql(("DELETE FROM disclosure_ledgerentry WHERE project_id = %s", [contracted.project.pk]))
    assert not LedgerEntry.objects.filter(project=contracted.project).exists()
    with pytest.raises(CommandError, match=rf"{code}: entries from 1 on are missing .*0 left"):
        call_command("verify_ledger")  # an emptied ledger is still checked: its checkpoints say it had entries
    assert 'data-chain="missing"' in _mark(client, contracted.project)


@pytest.mark.django_db
def test_the_city_digest_chains_every_head_day_by_day(client, city, contracted):
    income(city, contracted)
    second = income(city, contracted)
    now = timezone.now()
    assert services.heads_digest_build(now=now) == []  # today is not over
    made = services.heads_digest_build(now=now + timedelta(days=3))
    assert [d.date for d in made] == [timezone.localdate(now) + timedelta(days=i) for i in range(3)]
    assert services.heads_digest_build(now=now + timedelta(days=3)) == []  # idempotent
    first = made[0]
    assert first.prev == ZERO_HASH and [d.prev for d in made[1:]] == [d.digest for d in made[:-1]]
    assert first.heads == {contracted.project.code: {"seq": 2, "hash": second.hash}}
    listed = client.get(reverse("disclosure:heads")).json()["digests"]
    assert [d["digest"] for d in listed] == [d.digest for d in reversed(made)]
    day = client.get(listed[-1]["url"]).json()
    assert H({k: day[k] for k in ("date", "heads", "prev")}) == day["digest"] == first.digest
    assert client.get(reverse("disclosure:heads_day", args=["2001-13-40"])).status_code == 404
    call_command("verify_ledger")
    # A rewritten digest (its heads changed to match a rewritten ledger) no longer hashes right.
    _superuser_sql(
        ("UPDATE disclosure_headsdigest SET heads = %s WHERE id = %s", [json.dumps({}), first.pk]),
        tables=("disclosure_headsdigest",),
    )
    with pytest.raises(CommandError, match="digest of .*: its hash does not match its heads"):
        call_command("verify_ledger")


@pytest.mark.django_db
def test_an_outsider_holding_an_earlier_heads_file_catches_a_wipe_of_everything(client, city, contracted, tmp_path):
    income(city, contracted)
    income(city, contracted)
    code = contracted.project.code
    kept = tmp_path / f"{code}-heads.json"
    kept.write_bytes(client.get(reverse("disclosure:project_heads", args=[code])).content)
    services.heads_digest_build(now=timezone.now() + timedelta(days=1))
    digest = tmp_path / "digest.json"
    digest.write_bytes(client.get(client.get(reverse("disclosure:heads")).json()["digests"][0]["url"]).content)
    # Everything the portal holds about the ledger is wiped by someone with every right.
    _superuser_sql(
        ("DELETE FROM disclosure_ledgerentry", []),
        ("DELETE FROM disclosure_ledgercheckpoint", []),
        ("DELETE FROM disclosure_headsdigest", []),
        tables=("disclosure_ledgerentry", "disclosure_ledgercheckpoint", "disclosure_headsdigest"),
    )
    call_command("verify_ledger")  # the portal alone has nothing left to compare with
    for path in (kept, digest):
        with pytest.raises(CommandError, match=rf"{code}: entries from 1 on are missing"):
            call_command("verify_ledger", "--checkpoint", str(path))
    with pytest.raises(CommandError, match="neither a project's heads.json nor a daily digest"):
        other = tmp_path / "x.json"
        other.write_text("{}")
        call_command("verify_ledger", "--checkpoint", str(other))
