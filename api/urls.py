"""The REST API under /api/: the schema, its docs page, and the endpoints."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import actions, conversation, reports, tickets

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", reports.MeView.as_view(), name="me"),
    path("components/", reports.ComponentsView.as_view(), name="components"),
    path("staff/", reports.StaffView.as_view(), name="staff"),
    path("tickets/", tickets.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<int:pk>/", tickets.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/sla/", tickets.TicketSlaView.as_view(), name="ticket-sla"),
    path("tickets/<int:pk>/comments/", conversation.CommentsView.as_view(), name="comments"),
    path(
        "tickets/<int:pk>/attachments/",
        conversation.AttachmentsView.as_view(),
        name="attachments",
    ),
    *[
        path(f"tickets/<int:pk>/{name}/", actions.action_view(name), name=f"ticket-{name}")
        for name in actions.ACTIONS
    ],
    path(
        "attachments/<int:pk>/",
        conversation.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("queue/", reports.QueueView.as_view(), name="queue"),
    path("dashboard/", reports.DashboardView.as_view(), name="dashboard"),
    path("quota/", reports.QuotaView.as_view(), name="quota"),
    # Anything else under /api/ is a JSON 404 too (say /api/tickets/-1/), not the portal's page.
    re_path(r"^[\s\S]*$", reports.not_found, name="not-found"),
]
