from django.shortcuts import render

from . import dashboards


def home(request):
    """Anonymous visitors get the landing page; everyone else their role dashboard."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    return render(request, "portal/dashboard.html", dashboards.build(request.user))
