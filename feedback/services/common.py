"""What the feedback services share: coded errors, the members of an organization, local times."""

from __future__ import annotations

from django.utils import formats, timezone

from stakeholders.models import Membership


def _member_ids(*organization_ids) -> list[int]:
    return list(
        Membership.objects.filter(organization_id__in=[o for o in organization_ids if o]).values_list(
            "user_id", flat=True
        )
    )


def _local(dt) -> str:
    return formats.date_format(timezone.localtime(dt), "Y-m-d H:i")
