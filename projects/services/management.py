"""建管一体 (issue 20): the plan version's management section — who runs the estate after the works,
the service level and fee, where maintenance money comes from — written by the plan's drafters on
a draft version, copied into the next (projects/after_build.py), and required before a version
goes to the owners' vote."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from stakeholders.audit import by_actor
from stakeholders.models import Organization, User

from .. import permissions
from ..after_build import MANAGEMENT_ERRORS, _error  # noqa: F401  (re-exported with the service)
from ..models import PlanManagement, PlanVersion
from .plans import _lock_version


@by_actor
@transaction.atomic
def plan_management_save(
    *,
    version: PlanVersion,
    actor: User,
    operator: str,
    service_level: str,
    fee_per_m2_month: Decimal,
    sources: list[str],
    organization: Organization | None = None,
    notes: str = "",
    contract_years: int | None = None,
) -> PlanManagement:
    """Create or correct the draft version's management section."""
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    errors = {}
    if operator not in PlanManagement.Operator.values:
        errors["operator"] = _error("operator_required")
    if organization is not None and operator != PlanManagement.Operator.PROPERTY:
        errors["organization"] = _error("firm_only_for_property")
    elif organization is not None and (
        organization.kind != Organization.Kind.PROPERTY_MANAGER or not organization.is_active
    ):
        errors["organization"] = _error("firm_kind")
    if not (service_level or "").strip():
        errors["service_level"] = _error("service_level_required")
    if fee_per_m2_month is None or not Decimal("0") <= Decimal(fee_per_m2_month) <= Decimal("100"):
        errors["fee_per_m2_month"] = _error("fee_range")
    if operator != PlanManagement.Operator.PROPERTY:
        contract_years = None  # a term is a firm's contract's
    elif contract_years is not None and not 1 <= contract_years <= 10:
        errors["contract_years"] = _error("term_range")
    chosen = [code for code in PlanManagement.Source.values if code in set(sources or ())]
    if not chosen:
        errors["sources"] = _error("sources_required")
    if errors:
        raise ValidationError(errors)
    management, _created = PlanManagement.objects.update_or_create(
        version=locked,
        defaults={
            "operator": operator,
            "organization": organization,
            "service_level": service_level.strip()[:300],
            "fee_per_m2_month": Decimal(fee_per_m2_month).quantize(Decimal("0.01")),
            "sources": chosen,
            "notes": (notes or "").strip()[:2000],
            "contract_years": contract_years,
        },
    )
    return management
