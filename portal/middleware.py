from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.views import not_found


class ChineseFirstLocaleMiddleware:
    """Chinese unless the visitor chose another language with the switcher (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a government portal for
    Chinese residents shows Chinese first, whatever language a borrowed phone or browser is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PortalNotFoundMiddleware:
    """Under `make run` (DEBUG on, for tracebacks) a 404 is still the portal's own page.

    With DEBUG, Django answers an unknown URL or a view's Http404 with its English technical page
    that lists every URL pattern; a resident trying the demo should see what production shows.
    Only local settings install this; production has DEBUG off and uses handler404 directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No resolver match: the URL itself is unknown (a slash redirect would be a 301, not a 404).
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return self._page(request)
        return response

    def process_exception(self, request, exception):

        if isinstance(exception, Http404):
            return self._page(request, exception)
        return None

    @staticmethod
    def _page(request, exception=None):

        return not_found(request, exception)


class LazyActorAuditlogMiddleware(AuditlogMiddleware):
    """auditlog's middleware, handing it the lazy `request.user` (issue 23): auditlog names the actor
    when it writes a log entry (its pre_save checks the actor is a user), so a request that changes
    nothing never loads its user — the signed-in trivial view sends no query."""

    @staticmethod
    def _get_actor(request):
        return getattr(request, "user", None)
