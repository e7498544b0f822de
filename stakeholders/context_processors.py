from . import selectors
from .care import care_mode_of


class _UnreadCount:
    """Counted once, and only if a template shows it (the template engine calls callables)."""

    def __init__(self, user):
        self.user, self.value = user, None

    def __call__(self) -> int:
        if self.value is None:
            self.value = selectors.unread_notification_count(self.user)
        return self.value


def notifications(request):
    """The bell's unread count in the header (one indexed query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": _UnreadCount(user)}


def care_mode(request):
    """关怀模式 for the page: the body's class, the header's switch."""
    return {"care_mode": care_mode_of(request)}
