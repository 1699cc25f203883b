"""Top-level URLs: accounts, language switch, admin, and each app's pages."""

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.views")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tickets.urls")),
    path("contacts/", include("packages.views")),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include("api.pages")),
    path("webhooks/", include("webhooks.pages")),
    path("oncall/", include("oncall.urls")),
    path("statements/", include("statements.views")),
]

# The portal's own error pages (portal/errors.py); CSRF_FAILURE_VIEW in settings is the sixth.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
