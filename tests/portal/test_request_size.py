"""Request bodies larger than the attachment limit are refused with 413 before they are read:
a declared length at once, a chunked body as soon as it passes the cap."""

import io

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.hardening import RequestSizeLimitMiddleware

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


class CountingStream(io.BytesIO):
    """A body that records how much of it was read."""

    def __init__(self, size: int):
        super().__init__(b"x" * size)
        self.taken = 0

    def read(self, size=-1):
        data = super().read(size)
        self.taken += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.taken += len(data)
        return data


def test_a_60_mib_upload_is_refused_without_reading_it(contact_client, contact):
    # given a filing POST declaring a 60 MiB body
    body = CountingStream(60 * MIB)
    response = contact_client.generic(
        "POST",
        reverse("tickets:file"),
        b"",
        content_type="multipart/form-data; boundary=X",
        CONTENT_LENGTH=str(60 * MIB),
        **{"wsgi.input": body},
    )
    # then the answer is 413 with the portal's page, and not a byte was read
    assert response.status_code == 413
    assert body.taken == 0
    html = response.content.decode()
    assert "What you sent is too large" in html
    assert "at most 10.0\xa0MB at once" in html


def test_a_body_just_under_the_cap_goes_through_to_the_view(settings):
    factory = RequestFactory()
    request = factory.post("/x/", data=b"a=1", content_type="application/x-www-form-urlencoded")
    reached = []
    middleware = RequestSizeLimitMiddleware(lambda r: reached.append(r) or HttpResponse("ok"))
    assert middleware(request).status_code == 200
    assert reached


def test_a_chunked_body_stops_at_the_cap(settings, client):
    # given a chunked body (no Content-Length) far over the cap
    settings.PORTAL_REQUEST_MAX_BYTES = 1 * MIB
    body = CountingStream(20 * MIB)
    request = RequestFactory().post("/x/", data=b"", content_type="application/octet-stream")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = body

    def view(request):
        return HttpResponse(str(len(request.body)))

    # when the view reads it, the read stops just past the cap with the "too large" error
    from django.core.exceptions import RequestDataTooBig

    with pytest.raises(RequestDataTooBig):
        RequestSizeLimitMiddleware(view)(request)
    assert body.taken <= 1 * MIB + 64 * 1024


def test_the_too_large_error_becomes_the_413_page(rf):
    from portal.errors import bad_request
    from portal.hardening import RequestBodyTooLarge

    response = bad_request(rf.get("/"), RequestBodyTooLarge("x"))
    assert response.status_code == 413
