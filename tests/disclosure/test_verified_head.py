"""Incremental ledger verification (issue 23 item 2): a full verification (the periodic job,
verify_ledger) stores the head it confirmed; a page then hashes only the entries after it, still
checks every number and link, and verifies everything when the head no longer matches. A change to
an older entry is found by the next full verification, which clears the trust, and the page shows it."""

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from disclosure import ledger, selectors
from disclosure.models import Budget
from disclosure.services.checkpoints import ledger_verify_all

from .conftest import expense, income
from .test_ledger import _tamper, _vectors


def test_a_trusted_head_spares_the_hashes_up_to_it_and_only_those():
    entries = _vectors()
    head = (3, entries[2]["hash"])
    entries[1]["amount"] = "9.99"  # an older entry changed (its stored hash kept)
    assert not ledger.verify_chain(entries).ok  # the full check finds it
    assert ledger.verify_chain(entries, head).ok  # up to the verified head: numbers and links only
    assert not ledger.verify_chain(entries, (3, "0" * 64)).ok  # the head does not match: all verified
    newer = _vectors()
    newer[2]["memo"] = "改"  # after the trusted head: hashed again, found
    assert ledger.verify_chain(newer, (2, newer[1]["hash"])).reason == "hash"
    linked = _vectors()
    linked[1]["prev_hash"] = "f" * 64  # a link is checked whatever is trusted
    assert ledger.verify_chain(linked, (3, linked[2]["hash"])).reason == "link"


@pytest.mark.django_db
def test_the_job_moves_the_head_and_the_page_hashes_only_what_came_since(client, city, contracted, monkeypatch):
    income(city, contracted)
    target = expense(city, contracted, amount="12000.00")
    assert ledger_verify_all() == {"checked": 1, "broken": []}
    budget = Budget.objects.get(project=contracted.project)
    documents = selectors.ledger_documents(contracted.project)
    assert (budget.verified_seq, budget.verified_hash) == (2, documents[-1]["hash"])
    expense(city, contracted, amount="3000.00")  # after the verified head
    hashed = []
    real = ledger.entry_hash
    monkeypatch.setattr(ledger, "entry_hash", lambda d: hashed.append(d["seq"]) or real(d))
    cache.clear()
    page = client.get(reverse("disclosure:project", args=[contracted.project.code])).content.decode()
    assert 'data-chain="ok"' in page
    assert hashed == [3]  # only the entry since the verified head
    monkeypatch.undo()
    _tamper("UPDATE disclosure_ledgerentry SET amount = 1200 WHERE id = %s", [target.pk])
    result = ledger_verify_all()
    assert result["broken"] == [f"{contracted.project.code}: hash at 2"]
    assert Budget.objects.get(project=contracted.project).verified_seq == 0  # nothing trusted now
    cache.clear()
    caches["near"].clear()  # the process's own copy of the page, too
    page = client.get(reverse("disclosure:project", args=[contracted.project.code])).content.decode()
    assert 'data-chain="broken" data-broken-seq="2"' in page
