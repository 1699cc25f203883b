"""The portal's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from portal import urls as portal_urls

# What a careless page would show: a path, a setting, SQL. None of it may reach the visitor.
SECRET_DETAIL = "/srv/portal/settings.py DJANGO_SECRET_KEY SELECT * FROM auth_user"


def refuse(request):
    raise PermissionDenied(SECRET_DETAIL)


def suspicious(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def crash(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("test-errors/400/", suspicious),
    path("test-errors/403/", refuse),
    path("test-errors/500/", crash),
    *portal_urls.urlpatterns,
]
handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
