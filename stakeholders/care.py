"""关怀模式 (care mode, 适老化): larger text, higher contrast, bigger tap targets and a simple home
page for older residents. Kept on the account for people who sign in, in a cookie for visitors."""

CARE_COOKIE = "portal_care"
CARE_COOKIE_AGE = 365 * 24 * 3600


def care_mode_of(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(getattr(user, "care_mode", False))
    return request.COOKIES.get(CARE_COOKIE) == "1"


def visitor_chose_care(request) -> bool:
    """A visitor whose pages differ from everyone else's (cached whole pages must not serve them)."""
    return request.COOKIES.get(CARE_COOKIE) == "1"
