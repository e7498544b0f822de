"""Public pages: no sign-in, no personal data."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from stakeholders import selectors

ESTATES_PER_PAGE = 50


def index(request):
    streets = list(selectors.streets_with_estates())
    street_code = request.GET.get("street", "")
    estates = selectors.public_estates().order_by(
        "community__street__district", "community__street__name", "name", "pk"
    )
    if street_code:
        estates = estates.filter(community__street__code=street_code)
    page = Paginator(estates, ESTATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/index.html",
        {
            "page": page,
            "estates": page.object_list,
            "streets": streets,
            "street_code": street_code,
            "page_query": urlencode({"street": street_code}),
        },
    )
