"""HTTP hardening that is not a library's: a cap on request bodies, Permissions-Policy, and
``Cache-Control: no-store`` on what a logged-in user sees.

**Body cap.** A body larger than ``PORTAL_REQUEST_MAX_BYTES`` is refused with 413 before a
byte of it is read: a declared Content-Length over the cap at once; a chunked body (no
length) through a stream that gives up as soon as the cap is passed. Django's own
DATA_UPLOAD_MAX_MEMORY_SIZE (form fields) answers with the same page.

**no-store.** Ticket pages, downloads and every other page of a logged-in user carry
``Cache-Control: no-store`` (plus Django's never-cache headers), so neither the browser nor a
proxy keeps a copy once the user logs out. Responses that set their own Cache-Control (static
files) keep it.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.cache import add_never_cache_headers, patch_cache_control

from portal.errors import request_too_large


class RequestBodyTooLarge(RequestDataTooBig):
    """A body of unknown length went past the cap while being read (SuspiciousOperation:
    Django's handler sends it to handler400, which answers 413 for it)."""


class CappedStream:
    """Reads from ``stream`` until more than ``limit`` bytes came, then raises."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_so_far = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise RequestBodyTooLarge("request body over PORTAL_REQUEST_MAX_BYTES")
        return data

    def read(self, size: int = -1) -> bytes:
        wanted = self.limit + 1 - self.read_so_far if size is None or size < 0 else size
        return self._count(self.stream.read(max(0, min(wanted, self.limit + 1))))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.stream.readline(self.limit + 1 if size < 0 else size))

    def __iter__(self):
        while line := self.readline():
            yield line

    def close(self) -> None:
        """The server owns the socket's stream; there is nothing of ours to close."""


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.PORTAL_REQUEST_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        try:
            length = int(declared) if declared else None
        except ValueError:
            length = None
        if length is not None and length > limit:
            return request_too_large(request)
        if length is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            source = request.META.get("wsgi.input")
            if source is not None:
                request._stream = CappedStream(source, limit)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PORTAL_PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PORTAL_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _private(response):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def _private(response) -> bool:
    """Downloads are never cached, whoever asked (an attachment is always access-checked)."""
    return response.get("Content-Disposition", "").startswith("attachment")
