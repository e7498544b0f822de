"""Rate limits for the pages anyone may use to guess something (a receipt code, a survey link) or
to make the portal send something (a registration code): the API's scoped throttles
(core.api.AnonymousThrottle, settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), counted per
address in the shared cache, answered with a plain page and Retry-After."""

from __future__ import annotations

import functools
import math

from django.shortcuts import render

from .api import AnonymousThrottle


class _Scope:
    def __init__(self, scope: str):
        self.throttle_scope = scope


def page_throttle(scope: str, *, when=lambda request: True):
    """Decorate a page view: requests for which `when(request)` holds count against `scope`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if when(request):
                throttle = AnonymousThrottle()
                if not throttle.allow_request(request, _Scope(scope)):
                    seconds = max(1, math.ceil(throttle.wait() or 1))
                    response = render(request, "429.html", {"seconds": seconds}, status=429)
                    response["Retry-After"] = str(seconds)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
