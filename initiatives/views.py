from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    """Placeholder landing page; the initiatives issue replaces it with the real list."""
    return render(request, "initiatives/index.html")
