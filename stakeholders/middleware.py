"""`request.viewer`: who is asking, derived once per request (stakeholders/viewer.py)."""

from django.utils.functional import SimpleLazyObject

from .viewer import viewer_of


class ViewerMiddleware:
    """After AuthenticationMiddleware: the viewer is made only if a view or template asks for it,
    and it is the same object the permission predicates find on request.user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = SimpleLazyObject(lambda: viewer_of(request.user))
        return self.get_response(request)
