from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    """Placeholder landing page; the crowdfunding issue replaces it with the real list."""
    return render(request, "crowdfunding/index.html")
