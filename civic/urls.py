from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.static import serve

from civic.core import health
from civic.core import views as core_views

# Each feature app's pages, routed only when the app is installed (the kernel works without any).
FEATURE_APPS = [
    ("initiatives/", "initiatives"),
    ("missions/", "volunteering"),
    ("projects/", "crowdfunding"),
    ("cities/", "participation"),
    ("events/", "events"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Probes and metrics live outside the language prefix; HealthCheckMiddleware answers the probes first.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    # Crawlers: public pages yes; admin, accounts, personal pages and endless search URLs no.
    path("robots.txt", TemplateView.as_view(template_name="core/robots.txt", content_type="text/plain")),
]
if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/floor/", core_views.bench_floor, name="bench_floor")]

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("discover.geojson", core_views.home_geojson, name="home_geojson"),
    path("search/", core_views.search, name="search"),
    path("me/", core_views.my_civic, name="my_civic"),
    path("data/<slug:kind>.geojson", core_views.open_data, name="open_data"),
    path("digest/unsubscribe/<str:token>/", core_views.digest_unsubscribe, name="digest_unsubscribe"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("civic.accounts.urls")),
    path("me/notifications/", include("civic.notifications.urls")),
    path("invitations/", include("civic.organizations.urls")),
    *(path(prefix, include(f"{app}.urls")) for prefix, app in FEATURE_APPS if apps.is_installed(app)),
    prefix_default_language=True,
)

if settings.DEBUG or settings.TESTING or settings.SERVE_MEDIA:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
