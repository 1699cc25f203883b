"""Customer admins manage their organisation's contacts (being built)."""

app_name = "contacts"
urlpatterns: list = []
