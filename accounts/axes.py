"""How django-axes names the account an attempt was for: the username as typed, trimmed and
in lower case, so "Anna@Acme.example" and "anna@acme.example" count as one account."""


def username_of(request, credentials) -> str:
    value = (credentials or {}).get("username")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username")
    return (value or "").strip().lower()
