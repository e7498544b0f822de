"""`{% load willingness %}{% estate_willingness estate %}`: an estate's latest willingness survey
result, where residents decide whether to petition (the petition page and form). A template tag,
because projects sits below feedback in the house and may not import it."""

from django import template
from django.conf import settings

from feedback import willingness

register = template.Library()


@register.inclusion_tag("feedback/_willingness_estate.html")
def estate_willingness(estate):
    """Four queries when the estate was asked, one when not."""
    found = willingness.latest_for_estate(estate)
    survey, result = found if found else (None, None)
    return {"survey": survey, "r": result, "min_shown": settings.SURVEY_MIN_RESPONSES, "estate": estate}
