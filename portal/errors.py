"""The portal's own error pages (400, 403, 404, 500 and a refused form), in the viewer's language.

They show what happened and where to go next, never why in technical terms: no paths, settings,
SQL or exception text. The 400 and 500 pages are rendered without context processors, so they
render even when the database is down or the request is broken (a context processor reads the
session and the user's role from the database).
"""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.html import escape

FALLBACK = "<!doctype html><title>{code}</title><h1>{code}</h1>"


def _bare_page(request, template_name: str, status: int, **extra) -> HttpResponse:
    """The page with no context processors: the request, a CSRF token for the language switch."""
    try:
        context = {"request": request, "csrf_token": get_token(request), **extra}
        body = loader.render_to_string(template_name, context)
    except Exception:  # the last line of defence: never an error while showing an error
        body = FALLBACK.format(code=escape(status))
    return HttpResponse(body, status=status)


def _page(request, template_name: str, status: int) -> HttpResponse:
    """The page with the usual context (the visitor's name and navigation)."""
    return HttpResponse(loader.render_to_string(template_name, request=request), status=status)


def bad_request(request, exception=None):
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    return _bare_page(request, "400.html", 400)


def request_too_large(request, exception=None):
    """413: the body is over the limit (portal.hardening refuses it before reading it)."""
    from django.conf import settings

    return _bare_page(request, "413.html", 413, limit=settings.PORTAL_ATTACHMENT_MAX_BYTES)


def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


def server_error(request):
    return _bare_page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without (or with a stale) token."""
    return _page(request, "403_csrf.html", 403)
