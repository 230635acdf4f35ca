from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from civic.core.models import Theme


def home(request: HttpRequest) -> HttpResponse:
    """The front door. Feature issues fill it (act near me); for now: what the platform offers."""
    return render(request, "core/home.html", {"themes": Theme.objects.active()})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def bench_floor(request: HttpRequest) -> HttpResponse:
    """A trivial view rendering a small template: the floor that bench/ compares every page to."""
    return render(request, "core/bench_floor.html", {"items": range(10)})
