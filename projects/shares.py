"""Fair shares (issue 19): who pays what of a plan item's residents' part.

Each item's residents' part has a scope — the estate, one building, or one entrance (单元) — and a
method: `area` (Civil Code art. 283: by the floor area of each exclusive unit, where the owners
agreed nothing else), `floor` (agreed floor coefficients × area, as for an added elevator),
`equal` (per household), or `agreed` (a weight for each household, as the owners decided — art.
283's 有约定的，按照约定 — adopted with the version's vote). One rule turns a total into whole fen:

    exact share = total × weight ÷ Σ weights over the households in scope
    (weight: area; coefficient(floor) × area; 1; the agreed weight)

each exact share is floored to the fen, and the fen left over go one each to the households with
the largest remainders, ties broken by (building, entrance, floor, room) order — so an item's
shares add up to its total exactly. Integer arithmetic throughout: weights are scaled to whole
numbers (areas and coefficients have two decimals), so each remainder is an exact integer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Household

from .models import FundingSource, PlanItem

FEN = Decimal("0.01")
WEIGHT_PLACES = Decimal("0.0001")  # area (2 places) × coefficient (2 places)


class Method:
    AREA, FLOOR, EQUAL, AGREED = "area", "floor", "equal", "agreed"


REST = ("其余", "其他", "others", "*")  # the agreed weight of every household not named


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` (CNY, whole fen) over `weights` (≥ 0, at most 4 decimals, not all 0), in the
    order given (the tie order). Returns whole-fen shares that sum to `total` exactly."""
    total_fen = int((Decimal(total) / FEN).to_integral_exact())
    scaled = [int((Decimal(w) / WEIGHT_PLACES).to_integral_exact()) for w in weights]
    if any(w < 0 for w in scaled) or total_fen < 0:
        raise ValueError("weights and total must not be negative")
    whole = sum(scaled)
    if whole == 0:
        raise ValueError("at least one weight must be positive")
    floors, remainders = [], []
    for w in scaled:
        quotient, remainder = divmod(total_fen * w, whole)
        floors.append(quotient)
        remainders.append(remainder)
    leftover = total_fen - sum(floors)  # 0 ≤ leftover < number of households
    # Largest remainder first; among equal remainders, the earlier household (the given order).
    for index in sorted(range(len(scaled)), key=lambda i: (-remainders[i], i))[:leftover]:
        floors[index] += 1
    return [Decimal(f) * FEN for f in floors]


def weight(household: Household, method: str, coefficients: dict[str, Decimal] | None, agreed=None) -> Decimal:
    if method == Method.EQUAL:
        return Decimal("1")
    if method == Method.AGREED:
        return Decimal((agreed or {}).get(str(household.pk), "0")).quantize(WEIGHT_PLACES)
    area = Decimal(household.area_m2)
    if method == Method.FLOOR:
        return (Decimal((coefficients or {})[str(household.floor)]) * area).quantize(WEIGHT_PLACES)
    return area.quantize(WEIGHT_PLACES)


def parse_coefficients(text: str) -> dict[str, Decimal]:
    """ "1:0, 2:0.5, 3:0.8" (also with ：, ＝, = or new lines) → {"1": Decimal("0.00"), …}; raises
    ValueError with what is wrong."""
    found: dict[str, Decimal] = {}
    for part in (text or "").replace("，", ",").replace("\n", ",").replace("；", ",").split(","):
        part = part.strip()
        if not part:
            continue
        for sep in ("：", ":", "＝", "="):
            if sep in part:
                floor, value = (p.strip() for p in part.split(sep, 1))
                break
        else:
            raise ValueError(part)
        if not floor.lstrip("-").isdigit():
            raise ValueError(part)
        found[str(int(floor))] = _number(value, part)
    return found


def _number(value: str, part: str) -> Decimal:
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValueError(part) from None
    if not number.is_finite() or number < 0 or number > 100 or number != number.quantize(FEN):
        raise ValueError(part)
    return number.quantize(FEN)


def parse_weights(text: str) -> dict[str, Decimal]:
    """The agreed weights as typed, one household a line: "1-1-301: 1.2" (building-entrance-room;
    the end of it is enough where it names one household in scope, e.g. "301") and "其余: 1" for
    every household not named → {"1-1-301": Decimal("1.20"), "*": Decimal("1.00")}; raises
    ValueError with the part that is wrong."""
    found: dict[str, Decimal] = {}
    for part in (text or "").replace("，", ",").replace("；", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        for sep in ("：", ":", "＝", "="):
            if sep in part:
                key, value = (p.strip() for p in part.split(sep, 1))
                break
        else:
            key, _space, value = part.rpartition(" ")
        key = key.strip().replace("—", "-").replace("－", "-")
        if not key:
            raise ValueError(part)
        found["*" if key.lower() in REST else key] = _number(value.strip(), part)
    return found


def household_label(household: Household) -> str:
    """building-entrance-room, as the agreed weights name a household (staff forms only)."""
    return f"{household.building.number}-{household.unit}-{household.room}"


def agreed_weights(homes: list[Household], given: dict[str, Decimal]) -> tuple[dict[str, str], dict]:
    """({household id: weight} for every household in scope, {field: error}) from the weights as
    typed (parse_weights): each name must be one household in scope; the rest take "其余"."""
    labels = {h.pk: household_label(h) for h in homes}
    weights: dict[str, str] = {}
    unknown, ambiguous = [], []
    for key, value in given.items():
        if key == "*":
            continue
        matches = [pk for pk, label in labels.items() if label == key or label.endswith("-" + key)]
        if len(matches) == 1:
            weights[str(matches[0])] = str(value)
        else:
            (ambiguous if matches else unknown).append(key)
    if unknown or ambiguous:
        code = "weights_unknown" if unknown else "weights_ambiguous"
        return {}, {"share_weights": _share_error(code, names="、".join((unknown or ambiguous)[:5]))}
    missing = [labels[h.pk] for h in homes if str(h.pk) not in weights]
    if missing and "*" not in given:
        return {}, {"share_weights": _share_error("weights_missing", n=len(missing), names="、".join(missing[:5]))}
    for pk in labels:
        weights.setdefault(str(pk), str(given.get("*", "0")))
    if all(Decimal(w) == 0 for w in weights.values()):
        return {}, {"share_weights": _share_error("all_zero")}
    return weights, {}


def scope_households(item: PlanItem, estate_id: int):
    """The households that share the item, in the tie order (building, entrance, floor, room)."""
    households = Household.objects.filter(building__estate_id=estate_id)
    if item.share_scope in ("building", "entrance"):
        households = households.filter(building_id=item.share_building_id)
    if item.share_scope == "entrance":
        households = households.filter(unit=item.share_entrance)
    return households.select_related("building").order_by("building__number", "unit", "floor", "room", "id")


@dataclass
class HouseholdShare:
    household: Household
    weight: Decimal
    share: Decimal


@dataclass
class ItemShares:
    item: PlanItem
    total: Decimal
    households: list[HouseholdShare] = field(default_factory=list)

    def of(self, household_id: int) -> HouseholdShare | None:
        return next((h for h in self.households if h.household.pk == household_id), None)


def residents_part(item: PlanItem) -> Decimal:
    """The item's residents' funding line (0 when residents pay nothing)."""
    lines = getattr(item, "_prefetched_objects_cache", {}).get("funding")
    if lines is None:
        lines = item.funding.all()
    shared = (FundingSource.RESIDENTS, FundingSource.COMPENSATION)
    return sum((line.amount for line in lines if line.source in shared), Decimal("0"))


def compensated(item: PlanItem, households) -> list[Household]:
    """The households of the item's compensated floors (底层住户), who are paid the compensation."""
    floors = set(item.compensation_floors or ())
    return [h for h in households if h.floor in floors] if item.compensation_per_household else []


def item_shares(item: PlanItem, estate_id: int, households=None) -> ItemShares:
    """Every household's share of the item's residents' part (households: the scope's, if loaded)."""
    total = residents_part(item)
    result = ItemShares(item=item, total=total)
    homes = list(households if households is not None else scope_households(item, estate_id))
    if total == 0 or not homes:
        return result
    coefficients = {k: Decimal(v) for k, v in (item.share_coefficients or {}).items()}
    weights = [weight(h, item.share_method, coefficients, item.share_weights) for h in homes]
    for home, w, share in zip(homes, weights, allocate(total, weights)):
        result.households.append(HouseholdShare(household=home, weight=w, share=share))
    return result


def estate_area(estate_id: int) -> Decimal:
    area = Household.objects.filter(building__estate_id=estate_id).aggregate(a=Sum("area_m2"))["a"]
    return Decimal(area or 0).quantize(FEN)


SHARE_ERRORS = {
    "building_required": _("Choose the building whose households share it."),
    "entrance_required": _("Choose the entrance (单元) whose households share it."),
    "no_households": _("No household of this estate is in that scope."),
    "coefficients_required": _(
        "Give a coefficient for every floor in scope (e.g. 1:0, 2:0.5, 3:0.8): missing %(floors)s."
    ),
    "no_coefficients": _("Coefficients are only for the floor method."),
    "all_zero": _("At least one household in scope must pay something: the weights are all 0."),
    "agreement_required": _("Say what the owners agreed, in words: it is shown with the plan they vote on."),
    "weights_required": _("Give each household's agreed weight (e.g. 1-1-301: 1.2, and 其余: 1 for the rest)."),
    "weights_unknown": _("No household in scope is %(names)s: write building-entrance-room, e.g. 1-1-301."),
    "weights_ambiguous": _("%(names)s names more than one household in scope: write building-entrance-room."),
    "weights_missing": _("%(n)s households in scope have no weight (%(names)s…): name them or add 其余: 1."),
    "no_weights": _("Household weights are only for the agreed method."),
    "compensation_floor_method": _("A ground-floor compensation goes with the floor method (an elevator's)."),
    "compensation_incomplete": _("Give both the compensation per household and the floors it is paid to."),
    "compensation_no_households": _("No household in scope lives on those floors."),
    "compensation_line": _(
        "The ground-floor compensation fund line must be ¥%(per)s × %(n)s households = ¥%(expected)s."
    ),
}


def check_sharing(
    estate_id: int,
    *,
    scope: str,
    building,
    entrance: str,
    method: str,
    coefficients: dict | None,
    compensation: Decimal | None = None,
    compensation_floors: list[int] | None = None,
    compensation_line: Decimal = Decimal("0"),
    agreement: str = "",
    weights: dict | None = None,
) -> tuple[dict, dict[str, str] | None]:
    """The sharing of an item, checked: ({field: ValidationError} for what is wrong, empty when
    right; the agreed weights by household id, for the agreed method). `compensation_line`: the
    item's compensation funding line, which must be exactly `compensation` × the households of
    `compensation_floors` in scope; `weights`: as typed (parse_weights)."""
    errors = {}
    if scope in ("building", "entrance") and (building is None or building.estate_id != estate_id):
        errors["share_building"] = _share_error("building_required")
    if scope == "entrance" and not (entrance or "").strip():
        errors["share_entrance"] = _share_error("entrance_required")
    if errors:
        return errors, None
    item = PlanItem(share_scope=scope, share_building=building, share_entrance=(entrance or "").strip())
    homes = list(scope_households(item, estate_id))
    if not homes:
        return {"share_entrance" if scope == "entrance" else "share_scope": _share_error("no_households")}, None
    if method != Method.FLOOR and (compensation or compensation_line):
        return {"compensation_per_household": _share_error("compensation_floor_method")}, None
    if method != Method.FLOOR and coefficients:
        return {"share_coefficients": _share_error("no_coefficients")}, None
    if method != Method.AGREED and weights:
        return {"share_weights": _share_error("no_weights")}, None
    if method == Method.AGREED:
        return _check_agreed(homes, agreement, weights)
    if method != Method.FLOOR:
        return {}, None
    missing = sorted({h.floor for h in homes if str(h.floor) not in (coefficients or {})})
    if missing:
        floors = "、".join(map(str, missing))
        return {"share_coefficients": _share_error("coefficients_required", floors=floors)}, None
    if all(weight(h, method, coefficients) == 0 for h in homes):
        return {"share_coefficients": _share_error("all_zero")}, None
    return _check_compensation(homes, compensation, compensation_floors, compensation_line), None


def _check_agreed(homes, agreement: str, weights: dict | None) -> tuple[dict, dict[str, str] | None]:
    errors = {}
    if not (agreement or "").strip():
        errors["share_agreement"] = _share_error("agreement_required")
    if not weights:
        return errors | {"share_weights": _share_error("weights_required")}, None
    resolved, problems = agreed_weights(homes, weights)
    return errors | problems, resolved


def _check_compensation(homes, per_household, floors, line) -> dict:
    if not per_household and not line:
        return {}
    if not per_household or not floors:
        return {"compensation_per_household": _share_error("compensation_incomplete")}
    paid = [h for h in homes if h.floor in set(floors)]
    if not paid:
        return {"compensation_floors": _share_error("compensation_no_households")}
    expected = (Decimal(per_household) * len(paid)).quantize(FEN)
    if Decimal(line) != expected:
        return {
            "fund_compensation": _share_error(
                "compensation_line", per=f"{Decimal(per_household):,.2f}", n=len(paid), expected=f"{expected:,.2f}"
            )
        }
    return {}


def _share_error(code: str, **params):
    return ValidationError(SHARE_ERRORS[code], code=code, params=params or None)


# --- what each owner pays (the budget page, the vote's notice) ------------------------------------


def estate_shares(items: list[PlanItem], estate_id: int) -> list[ItemShares]:
    """Every item's shares, reading the estate's households once (two queries whatever the number
    of items: the households, and the items' funding if not prefetched)."""
    homes = list(
        Household.objects.filter(building__estate_id=estate_id)
        .select_related("building")
        .order_by("building__number", "unit", "floor", "room", "id")
    )
    result = []
    for item in items:
        if item.share_scope == PlanItem.ShareScope.ESTATE:
            scoped = homes
        else:
            scoped = [h for h in homes if h.building_id == item.share_building_id]
            if item.share_scope == PlanItem.ShareScope.ENTRANCE:
                scoped = [h for h in scoped if h.unit == item.share_entrance]
        result.append(item_shares(item, estate_id, households=scoped))
    return result


@dataclass
class ItemFigure:
    """One item's part of one household's figure, with what it was computed from."""

    item: PlanItem
    total: Decimal  # the item's residents' part
    weight: Decimal  # this household's
    weights: Decimal  # of every household in scope
    households: int  # in scope
    share: Decimal
    coefficient: Decimal | None = None
    receives: Decimal = Decimal("0.00")  # the ground-floor compensation paid to this household


@dataclass
class HouseholdFigure:
    household: Household
    items: list[ItemFigure] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((i.share for i in self.items), Decimal("0.00"))


def figures(shares: list[ItemShares], household_ids: list[int]) -> list[HouseholdFigure]:
    """Each of these households' figure: every item whose residents' part it shares."""
    found: dict[int, HouseholdFigure] = {}
    for item in shares:
        weights = sum((h.weight for h in item.households), Decimal("0"))
        for pk in household_ids:
            mine = item.of(pk)
            if mine is None:
                continue
            figure = found.setdefault(pk, HouseholdFigure(household=mine.household))
            coefficient = (item.item.share_coefficients or {}).get(str(mine.household.floor))
            paid = mine.household.floor in set(item.item.compensation_floors or ())
            figure.items.append(
                ItemFigure(
                    item=item.item,
                    total=item.total,
                    weight=mine.weight,
                    weights=weights,
                    households=len(item.households),
                    share=mine.share,
                    coefficient=Decimal(coefficient) if coefficient is not None else None,
                    receives=item.item.compensation_per_household if paid else Decimal("0.00"),
                )
            )
    return [found[pk] for pk in household_ids if pk in found]


# --- the public document (GET /disclosure/projects/<code>/shares.json) ------------------------------


def _scope_document(item: PlanItem) -> dict:
    building = item.share_building.number if item.share_building_id else None
    return {"kind": item.share_scope, "building": building, "entrance": item.share_entrance or None}


def shares_document(project, computed: list[ItemShares], collection: dict) -> dict:
    """The contract of issue 19 item 7: codes, not labels; no names, no room numbers; money as
    strings with two decimals, weights with four; households in (building, entrance, floor, room)
    order (rooms only order them)."""
    items = []
    for shares_of_item in computed:
        item = shares_of_item.item
        compensation = None
        if item.compensation_per_household:
            compensation = {
                "per_household": f"{item.compensation_per_household:.2f}",
                "floors": sorted(item.compensation_floors or ()),
            }
        coefficients = None
        if item.share_method == Method.FLOOR:
            coefficients = {k: f"{Decimal(v):.2f}" for k, v in (item.share_coefficients or {}).items()}
        items.append(
            {
                "item": item.pk,
                "title": item.description,
                "scope": _scope_document(item),
                "method": item.share_method,
                "total": f"{shares_of_item.total:.2f}",
                "coefficients": coefficients,
                "compensation": compensation,
                "households": [
                    {
                        "building": h.household.building.number,
                        "entrance": h.household.unit,
                        "floor": h.household.floor,
                        "area": f"{h.household.area_m2:.2f}",
                        "weight": f"{h.weight:.4f}",
                        "share": f"{h.share:.2f}",
                    }
                    for h in shares_of_item.households
                ],
            }
        )
    return {"project": project.code, "items": items, "collection": collection}
