"""Collection, household by household (issue 19 item 5), and the public, verifiable shares (item 7):
the community committee or the council records each household's payment or exemption once the
budget is published; a ledger batch of residents' income must equal the payments it names; the
public sees sums per building and shares.json — never names or rooms."""

import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosure import collection, services
from disclosure.models import SharePayment
from projects.models import Project
from projects.shares import allocate
from stakeholders.models import Household
from tests import factories as f
from tests.disclosure.conftest import adopted_project, publish_budget
from tests.disclosure.test_inspections import serving_council
from tests.projects.conftest import owners  # noqa: F401  (fixture)
from tests.stakeholders.test_services import codes

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def published(city):
    p = adopted_project(city)  # the lighting item's residents' part: ¥10,000, by area over the estate
    publish_budget(city, p)
    return p


def pay(city, p, household, actor=None, **kw):
    data = {
        "amount": Decimal("100.00"),
        "paid_on": timezone.localdate(),
        "channel": "wechat",
        "receipt_no": f"R{household.pk}-{SharePayment.objects.count()}",
    }
    data.update(kw)
    return services.payment_record(project=p.project, household=household, actor=actor or city.comm_a1_staff, **data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("admin", True),
        ("council", True),
        ("street_a_staff", False),  # sees the desk, does not collect
        ("comm_a2_staff", False),
        ("owner_a1", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("status", [S.PLAN_ADOPTED, S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION])
def test_who_records_a_payment_and_when(city, owners, published, role, allowed, status):  # noqa: F811
    user = {"owner_a1": city.owner_a1.user}.get(role) or (
        serving_council(city, owners) if role == "council" else getattr(city, role)
    )
    Project.objects.filter(pk=published.project.pk).update(status=status)
    published.project.refresh_from_db()
    ok = allowed and status != S.PLAN_ADOPTED
    from disclosure import permissions

    assert permissions.can_record_collection(user, published.project) is ok
    if ok:
        assert pay(city, published, city.homes_a1[0], actor=user).recorded_by == user
    else:
        with pytest.raises(PermissionDenied):
            pay(city, published, city.homes_a1[0], actor=user)


@pytest.mark.django_db
def test_payments_and_exemptions_are_checked_against_what_is_due(city, published):
    home = city.homes_a1[0]
    due = collection.collection_of(published.project).of(home.pk).due
    assert due > 0
    for kw, code in [
        ({"amount": due + Decimal("0.01")}, "too_much"),
        ({"paid_on": timezone.localdate() + timedelta(days=1)}, "future_date"),
        ({"receipt_no": " "}, "receipt_required"),
        ({"channel": "gold"}, "channel_required"),
    ]:
        with pytest.raises(ValidationError) as error:
            pay(city, published, home, **kw)
        assert codes(error.value) == {code}
    pay(city, published, home, amount=Decimal("40.00"), receipt_no="R-001")
    with pytest.raises(ValidationError) as twice:
        pay(city, published, city.homes_a1[1], receipt_no="R-001")
    assert codes(twice.value) == {"receipt_taken"}
    with pytest.raises(ValidationError) as no_reason:
        services.exemption_record(project=published.project, household=home, reason=" ", actor=city.comm_a1_staff)
    assert codes(no_reason.value) == {"reason_required"}
    exempt = services.exemption_record(
        project=published.project, household=home, reason="低保户，议事会2027年3月2日决定", actor=city.comm_a1_staff
    )
    assert exempt.amount == due - Decimal("40.00")
    assert collection.collection_of(published.project).of(home.pk).remaining == 0
    with pytest.raises(ValidationError):
        pay(city, published, home, amount=Decimal("0.01"))


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_payment_is_recorded_once(city, published):
    home, results = city.homes_a1[2], []

    def submit():
        try:
            results.append(pay(city, published, home, receipt_no="R-777"))
        except ValidationError as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert SharePayment.objects.filter(receipt_no="R-777").count() == 1
    assert sum(isinstance(r, SharePayment) for r in results) == 1
    assert all(codes(r) == {"receipt_taken"} for r in results if isinstance(r, ValidationError))


@pytest.mark.django_db
def test_a_ledger_batch_must_equal_the_payments_it_names(city, published):
    first = pay(city, published, city.homes_a1[0], amount=Decimal("120.00"))
    second = pay(city, published, city.homes_a1[1], amount=Decimal("80.50"))
    record = dict(
        project=published.project,
        actor=city.street_a_staff,
        date=timezone.localdate(),
        kind="income",
        counterparty="居民自筹（第一批，2户）",
        source="residents",
    )
    with pytest.raises(ValidationError) as mismatch:
        services.ledger_record(amount=Decimal("200.00"), payments=[first.pk, second.pk], **record)
    assert codes(mismatch.value) == {"batch_mismatch"}
    assert "200.00" in str(mismatch.value) and "200.50" in str(mismatch.value)
    entry = services.ledger_record(amount=Decimal("200.50"), payments=[first.pk, second.pk], **record)
    assert set(entry.share_payments.values_list("pk", flat=True)) == {first.pk, second.pk}
    with pytest.raises(ValidationError) as again:  # already in the ledger
        services.ledger_record(amount=Decimal("120.00"), payments=[first.pk], **record)
    assert codes(again.value) == {"batch_payments"}
    with pytest.raises(ValidationError) as wrong_source:
        third = pay(city, published, city.homes_a1[3], amount=Decimal("10.00"))
        services.ledger_record(amount=Decimal("10.00"), payments=[third.pk], **(record | {"source": "local_finance"}))
    assert codes(wrong_source.value) == {"batch_source"}
    # Through the ledger page: a mismatch is said next to the amount, and what was typed is kept.
    staff = client_for(city.street_a_staff)
    url = reverse("disclosure:ledger", args=[published.project.code])
    assert 'data-testid="batch-payments"' in staff.get(url).content.decode()
    page = staff.post(
        url,
        {
            "kind": "income",
            "date": timezone.localdate().isoformat(),
            "amount": "9.00",
            "counterparty": "居民自筹（第二批）",
            "source": "residents",
            "payments": [third.pk],
        },
    )
    text = page.content.decode()
    assert page.status_code == 400 and "必须相等" in text and "居民自筹（第二批）" in text


@pytest.mark.django_db
def test_the_public_sees_sums_per_building_and_a_verifiable_document(city, published, django_assert_max_num_queries):
    homes = list(
        Household.objects.filter(building__estate=city.estate_a1).order_by("building__number", "unit", "floor", "room")
    )
    pay(
        city,
        published,
        city.homes_a1[0],
        amount=collection.collection_of(published.project).of(city.homes_a1[0].pk).due,
    )
    services.exemption_record(
        project=published.project, household=city.homes_a1[1], reason="困难户", actor=city.comm_a1_staff
    )
    anyone = Client()
    with django_assert_max_num_queries(12):
        page = anyone.get(reverse("disclosure:shares", args=[published.project.code]))
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="collection-by-building"' in text
    assert city.owner_a1.name not in text and "困难户" not in text
    assert not any(f">{h.room}<" in text for h in homes)  # no room column for the public
    staff = client_for(city.comm_a1_staff)
    assert (
        f">{homes[0].room}<" in staff.get(reverse("disclosure:shares", args=[published.project.code])).content.decode()
    )
    with django_assert_max_num_queries(12):
        raw = anyone.get(reverse("disclosure:shares_json", args=[published.project.code]))
    doc = json.loads(raw.content)
    assert raw["Content-Type"].startswith("application/json")
    (lighting,) = [i for i in doc["items"] if i["households"]]
    assert lighting["scope"] == {"kind": "estate", "building": None, "entrance": None}
    assert lighting["method"] == "area" and lighting["coefficients"] is None and lighting["compensation"] is None
    assert lighting["total"] == "10000.00"
    assert [h["area"] for h in lighting["households"]] == [f"{h.area_m2:.2f}" for h in homes]
    # Anyone can check the shares from the document alone (docs/shares.md's verifier).
    weights = [Decimal(h["weight"]) for h in lighting["households"]]
    assert [Decimal(h["share"]) for h in lighting["households"]] == allocate(Decimal(lighting["total"]), weights)
    assert set(lighting["households"][0]) == {"building", "entrance", "floor", "area", "weight", "share"}
    assert doc["collection"]["exempt"] != "0.00" and Decimal(doc["collection"]["paid"]) > 0
    assert city.owner_a1.name not in raw.content.decode()


@pytest.mark.django_db
def test_the_desk_and_the_owners_receipt(city, published, django_assert_max_num_queries):
    desk = reverse("disclosure:collection", args=[published.project.code])
    staff = client_for(city.comm_a1_staff)
    with django_assert_max_num_queries(16):
        page = staff.get(desk)
    assert page.status_code == 200 and 'data-testid="record-payment"' in page.content.decode()
    home = city.homes_a1[0]
    bad = staff.post(
        desk,
        {
            "household": home.pk,
            "action": "pay",
            f"h{home.pk}-amount": "99999",
            f"h{home.pk}-paid_on": timezone.localdate().isoformat(),
            f"h{home.pk}-channel": "cash",
            f"h{home.pk}-receipt_no": "收据0001",
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and "最多只能登记这么多" in text and "收据0001" in text
    due = collection.collection_of(published.project).of(home.pk).due
    ok = staff.post(
        desk,
        {
            "household": home.pk,
            "action": "pay",
            f"h{home.pk}-amount": str(due),
            f"h{home.pk}-paid_on": timezone.localdate().isoformat(),
            f"h{home.pk}-channel": "cash",
            f"h{home.pk}-receipt_no": "收据0001",
        },
    )
    assert ok.status_code == 302
    payment = SharePayment.objects.get()
    owner = client_for(city.owner_a1.user)  # owns homes_a1[0]
    budget_page = owner.get(reverse("disclosure:budget", args=[published.project.code])).content.decode()
    assert reverse("disclosure:payment_receipt", args=[payment.pk]) in budget_page
    home = owner.get("/").content.decode()  # the home page says it too
    assert 'data-testid="my-shares"' in home and f"已缴 ¥{due:,.2f}" in home
    with django_assert_max_num_queries(8):
        receipt = owner.get(reverse("disclosure:payment_receipt", args=[payment.pk]))
    assert receipt.status_code == 200 and "收据0001" in receipt.content.decode()
    assert (
        client_for(f.verified_owner(city.homes_a1[3]).user)
        .get(reverse("disclosure:payment_receipt", args=[payment.pk]))
        .status_code
        == 404
    )
    assert client_for(city.owner_a1.user).get(desk).status_code == 403
    assert client_for(city.comm_b1_staff).get(desk).status_code == 404


@pytest.mark.django_db
def test_the_documented_verifier_checks_a_real_document(city, published, capsys):
    """docs/shares.md's copy-paste verifier, run as written on this portal's shares.json."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "shares.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    doc = json.loads(Client().get(reverse("disclosure:shares_json", args=[published.project.code])).content)
    code = code.replace(
        'json.load(urllib.request.urlopen("https://<portal>/disclosure/projects/<code>/shares.json"))', "DOC"
    )
    exec(code, {"DOC": doc})  # noqa: S102 - the documentation's own snippet
    assert "every share checks out" in capsys.readouterr().out


@pytest.mark.django_db
def test_hostile_input_on_the_desk_gets_a_clear_answer_never_a_500(city, published):
    desk = reverse("disclosure:collection", args=[published.project.code])
    staff = client_for(city.comm_a1_staff)
    home = city.homes_a1[0]
    base = {"household": home.pk, "action": "pay", f"h{home.pk}-paid_on": "2026-01-01", f"h{home.pk}-channel": "cash"}
    for amount in ("99999999999999999999", "1e400", "NaN", "-1"):
        response = staff.post(desk, base | {f"h{home.pk}-amount": amount, f"h{home.pk}-receipt_no": "R1"})
        assert response.status_code == 400, amount
    assert staff.post(desk, base | {"household": "99999999999999999999"}).status_code == 404
    assert (
        staff.post(desk, {"household": home.pk, "action": "exempt", f"h{home.pk}-reason": "x" * 5000}).status_code
        == 400
    )
    assert SharePayment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed", [("comm_a1_staff", True), ("council", True), ("street_a_staff", False), ("owner_a1", False)]
)
@pytest.mark.parametrize("status", [S.PLAN_ADOPTED, S.BUDGET_APPROVED, S.COMPLETED])
def test_who_records_an_exemption_and_when(city, owners, published, role, allowed, status):  # noqa: F811
    user = {"owner_a1": city.owner_a1.user}.get(role) or (
        serving_council(city, owners) if role == "council" else getattr(city, role)
    )
    Project.objects.filter(pk=published.project.pk).update(status=status)
    published.project.refresh_from_db()
    record = dict(project=published.project, household=city.homes_a1[5], reason="困难户", actor=user)
    if allowed and status != S.PLAN_ADOPTED:
        assert services.exemption_record(**record).kind == "exemption"
    else:
        with pytest.raises(PermissionDenied):
            services.exemption_record(**record)
