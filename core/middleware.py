"""Input no page can use is refused at the door with a 400, before any view or query sees it."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _


class InvalidCharacter(BadRequest):
    """A 400 whose message a person may read (the project's handler400 shows it in the page's,
    the API's or Open311's own error format)."""

    message = _("The request contains an invalid character.")


class RefuseNulMiddleware:
    """A NUL byte in the query string (`?q=%00`) is never a person's input: PostgreSQL refuses it in
    any text, so it would surface as a server error deep in a query. Form and JSON fields refuse it
    themselves (Django's and DRF's CharField validators): a 400 with the field's message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise InvalidCharacter(InvalidCharacter.message)
        return self.get_response(request)
