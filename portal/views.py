"""The landing page sends each role where its work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from packages.roles import Role, role_of


@login_required
def home(request):
    return render(request, "portal/home.html", {"role": role_of(request.user), "Role": Role})
