"""`{% load complaints %}`: the pages mark a complaint overdue by feedback.lifecycle's one rule."""

from django import template
from django.utils import timezone

from feedback import lifecycle

register = template.Library()


@register.filter
def acknowledgement_overdue(complaint) -> bool:
    return lifecycle.acknowledgement_overdue(complaint, timezone.now())


@register.filter
def resolution_overdue(complaint) -> bool:
    return lifecycle.resolution_overdue(complaint, timezone.now())
