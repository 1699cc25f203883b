"""Views (being built)."""

urlpatterns: list = []
