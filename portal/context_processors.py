"""Role flags for the navigation, computed once per request."""

from packages.roles import role_of


def roles(request) -> dict:
    return {"role": role_of(getattr(request, "user", None))}
