"""The portal's URLs plus the two baselines the benchmarks compare against, served by the same
gunicorn: a trivial view (a fixed small response) and a view that inserts one row."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.urls import handler404  # noqa: F401
from portal.urls import urlpatterns as portal_urls

BASELINE_TABLE = "bench_baseline_row"


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
@require_POST
def insert_one(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (owner) VALUES (%s) RETURNING id", [request.POST.get("owner", "0")]
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/insert/", insert_one),
    *portal_urls,
]
