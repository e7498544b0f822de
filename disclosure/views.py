"""Public pages: no sign-in, no personal data."""

from django.shortcuts import render

from stakeholders import selectors


def index(request):
    estates = selectors.public_estates().order_by("community__street__district", "community__street__name", "name")
    return render(request, "disclosure/index.html", {"estates": estates})
