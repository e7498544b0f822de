"""The ledger's hash chain (architecture §6), its append-only table, and concurrent recording."""

import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from disclosure import ledger, selectors, services
from disclosure.models import ZERO_HASH, LedgerEntry

from .conftest import award, expense, income, publish_budget

# Fixed vectors: the bytes an outside verifier hashes. Changing the format breaks them on purpose.
V1 = {
    "project": "demo-2026",
    "seq": 1,
    "date": "2026-03-01",
    "kind": "income",
    "amount": "40000.00",
    "counterparty": "南宁市财政局",
    "category": "central_subsidy",
    "memo": "第一笔中央补助",
    "reverses": None,
    "prev_hash": ZERO_HASH,
}
H1 = "d1c8199466057830c7163dd811bfeca3a1a1703405657583814f370a0ccd5041"
H2 = "7bddf8244fcba45c67c701d0bf67ade6e3d58abf9eee7df8580746407dddf71a"
H3 = "244d2ae4e9c10fa9544ee24c71837bc0b5e4f453ef01131375c8383ce0af7188"


def _vectors():
    e1 = {**V1, "hash": H1}
    e2 = {
        "project": "demo-2026",
        "seq": 2,
        "date": "2026-03-05",
        "kind": "expense",
        "amount": "12000.50",
        "counterparty": "施工公司",
        "category": "roof",
        "memo": "",
        "reverses": None,
        "prev_hash": H1,
        "hash": H2,
    }
    e3 = {
        "project": "demo-2026",
        "seq": 3,
        "date": "2026-03-06",
        "kind": "reversal",
        "amount": "12000.50",
        "counterparty": "施工公司",
        "category": "roof",
        "memo": "金额录错",
        "reverses": 2,
        "prev_hash": H2,
        "hash": H3,
    }
    return [e1, e2, e3]


def test_fixed_vectors():
    from datetime import date

    document = ledger.entry_document(
        project="demo-2026",
        seq=1,
        date=date(2026, 3, 1),
        kind="income",
        amount=Decimal("40000"),
        counterparty="南宁市财政局",
        category="central_subsidy",
        memo="第一笔中央补助",
        reverses=None,
        prev_hash=ZERO_HASH,
    )
    assert document == V1
    assert ledger.entry_hash(document) == H1
    assert ledger.verify_chain(_vectors()) == ledger.ChainCheck(True, 3)
    assert ledger.totals(_vectors()) == {"income": "40000.00", "expense": "0.00", "balance": "40000.00"}


@pytest.mark.parametrize(
    "seq, change, reason",
    [
        (2, {"amount": "1200.50"}, "hash"),
        (3, {"prev_hash": H1}, "link"),
        (2, {"seq": 5}, "sequence"),
        (1, {"memo": "x"}, "hash"),
    ],
)
def test_first_broken_entry_is_named(seq, change, reason):
    entries = _vectors()
    entries[seq - 1].update(change)
    check = ledger.verify_chain(entries)
    assert (check.ok, check.reason) == (False, reason)
    assert check.broken_seq == (5 if "seq" in change else seq)


def test_empty_ledger_head_is_zeros():
    assert ledger.ledger_document("x", [])["head"] == ZERO_HASH


@pytest.mark.django_db
def test_ledger_json_is_the_documented_format(client, city, contracted):
    income(city, contracted)
    spent = expense(city, contracted, amount="12000.50")
    services.ledger_reverse(entry=spent, actor=city.street_a_staff, memo="金额录错")
    response = client.get(reverse("disclosure:ledger_json", args=[contracted.project.code]))
    document = response.json()
    assert set(document) == {"project", "currency", "entries", "head", "totals"}
    entries = document["entries"]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert set(entries[0]) == {
        "project",
        "seq",
        "date",
        "kind",
        "amount",
        "counterparty",
        "category",
        "memo",
        "reverses",
        "prev_hash",
        "hash",
    }
    assert entries[0]["prev_hash"] == ZERO_HASH and entries[1]["prev_hash"] == entries[0]["hash"]
    assert entries[2]["reverses"] == 2 and entries[2]["kind"] == "reversal"
    assert entries[1]["category"] == "roof" and entries[0]["category"] == "central_subsidy"
    assert document["head"] == entries[-1]["hash"]
    assert document["totals"] == {"income": "40000.00", "expense": "0.00", "balance": "40000.00"}
    assert ledger.verify_chain(entries).ok
    # The canonical bytes: what a verifier re-hashes.
    assert response.content.startswith(b'{"currency":"CNY","entries":[{"amount":"40000.00"')


@pytest.mark.django_db
def test_database_refuses_update_and_delete(city, contracted):
    entry = income(city, contracted)
    for sql in (
        "UPDATE disclosure_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM disclosure_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(memo="changed")
    entry.refresh_from_db()
    assert entry.amount == Decimal("40000.00")


def _tamper(sql: str, params) -> None:
    """What an attacker with database access could do: switch the trigger off, edit, switch it on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE needs no pending FK checks
            cursor.execute("ALTER TABLE disclosure_ledgerentry DISABLE TRIGGER disclosure_ledger_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE disclosure_ledgerentry ENABLE TRIGGER disclosure_ledger_append_only")
        else:
            cursor.execute("DROP TRIGGER disclosure_ledger_no_update")
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_tampering_is_reported_by_the_command_and_the_page(client, city, contracted):
    income(city, contracted)
    target = expense(city, contracted, amount="12000.00")
    expense(city, contracted, amount="3000.00")
    call_command("verify_ledger", contracted.project.code)  # intact: no error
    _tamper("UPDATE disclosure_ledgerentry SET amount = 1200 WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=rf"{contracted.project.code}: chain broken at entry 2 \(hash\)") as error:
        call_command("verify_ledger")
    assert error.value.returncode == 1
    cache.clear()
    html = client.get(reverse("disclosure:project", args=[contracted.project.code])).content.decode()
    assert 'data-chain="broken" data-broken-seq="2"' in html
    assert (
        'data-broken-seq="2"'
        in client.get(reverse("disclosure:ledger", args=[contracted.project.code])).content.decode()
    )


@pytest.mark.django_db
def test_verify_ledger_names_unknown_projects(city):
    with pytest.raises(CommandError, match="no such project: nope"):
        call_command("verify_ledger", "nope")


@pytest.mark.django_db(transaction=True)
def test_concurrent_entries_get_a_gapless_chain(city, adopted):
    publish_budget(city, adopted)
    award(city, adopted)
    workers, per_worker = 6, 3
    barrier = threading.Barrier(workers)
    errors = []

    def record(n):
        try:
            barrier.wait()
            for i in range(per_worker):
                services.ledger_record(
                    project=adopted.project,
                    actor=city.street_a_staff,
                    date=timezone.localdate(),
                    kind="income",
                    amount=Decimal(f"{n + 1}.{i:02d}"),
                    counterparty="南宁市财政局",
                    source="local_finance",
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    documents = ledger.ledger_document(adopted.project.code, selectors.ledger_documents(adopted.project))
    assert [e["seq"] for e in documents["entries"]] == list(range(1, workers * per_worker + 1))
    assert ledger.verify_chain(documents["entries"]).ok
    expected = sum(Decimal(f"{n + 1}.{i:02d}") for n in range(workers) for i in range(per_worker))
    assert Decimal(documents["totals"]["income"]) == expected


@pytest.mark.django_db
def test_budget_keeps_the_ledger_totals_of_entries_and_reversals(city, contracted):
    """The totals the city index adds up are the ledger's own: every entry and reversal moves them
    in its transaction, and a recomputation from the entries gives the same figures."""
    from disclosure.models import Budget

    first = income(city, contracted, amount="50000.00")
    income(city, contracted, amount="1234.56", source="local_finance")
    spent = expense(city, contracted, amount="12000.00")
    expense(city, contracted, amount="700.25")
    services.ledger_reverse(entry=first, actor=city.street_a_staff, memo="重复入账")
    services.ledger_reverse(entry=spent, actor=city.street_a_staff, memo="录错金额")
    budget = Budget.objects.get(project=contracted.project)
    documents = selectors.ledger_documents(contracted.project)
    figures = ledger.totals(documents)
    assert (budget.ledger_income, budget.ledger_spent) == (Decimal("1234.56"), Decimal("700.25"))
    assert (budget.ledger_income, budget.ledger_spent) == (Decimal(figures["income"]), Decimal(figures["expense"]))
    Budget.objects.filter(pk=budget.pk).update(ledger_income=0, ledger_spent=0)
    assert services.ledger_totals_refresh(project_ids=[contracted.project.pk]) == 1
    budget.refresh_from_db()
    assert (budget.ledger_income, budget.ledger_spent) == (Decimal("1234.56"), Decimal("700.25"))
    row = selectors.projects_with_money(type(contracted.project).objects.filter(pk=contracted.project.pk)).get()
    assert (row.income, row.spent) == (Decimal("1234.56"), Decimal("700.25"))
    totals = selectors.city_totals(type(contracted.project).objects.filter(pk=contracted.project.pk))
    assert (totals["income"], totals["spent"], totals["budget"]) == (
        Decimal("1234.56"),
        Decimal("700.25"),
        budget.total,
    )
