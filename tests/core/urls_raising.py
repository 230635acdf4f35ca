"""The site's URLs plus views that fail, to see the error pages as a visitor would."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from civic.urls import urlpatterns as site_urlpatterns


def server_error(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def bad_request(request):
    raise SuspiciousOperation("a forged value")


urlpatterns = [
    path("boom/500/", server_error),
    path("boom/403/", forbidden),
    path("boom/400/", bad_request),
    *site_urlpatterns,
]
