"""Ticket URLs; each view module declares its own ``urlpatterns``."""

from tickets.views import customer, dashboard, staff

app_name = "tickets"
urlpatterns = [*customer.urlpatterns, *staff.urlpatterns, *dashboard.urlpatterns]
