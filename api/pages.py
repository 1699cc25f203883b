"""The portal's API tokens page: a user lists, creates and revokes their own tokens.

A new token is shown once, in the answer to the POST that made it (never stored in the
session or a cookie, and the page is not cached). Another user's token is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import TokenCreateForm
from api.selectors.tokens import token_for_user, tokens_of
from api.services import api_token_create, api_token_revoke


def _page(request, form, *, created=None, status=200):
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens_of(request.user),
            "created": created,
            "api_base": request.build_absolute_uri(reverse("api:ticket-list")),
        },
        status=status,
    )


@never_cache
@login_required
def token_list(request):
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = api_token_create(
                user=request.user, name=form.cleaned_data["name"], now=timezone.now()
            )
        except ValidationError as exc:
            for field, errors in (
                exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            ).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _page(request, TokenCreateForm(), created={"token": token, "text": text})
    return _page(request, form, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = token_for_user(request.user, pk)
    api_token_revoke(token=token, by=request.user, now=timezone.now())
    messages.success(
        request, _("“%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens:list")


app_name = "api_tokens"
urlpatterns = [
    path("", token_list, name="list"),
    path("<int:pk>/revoke/", token_revoke, name="revoke"),
]
