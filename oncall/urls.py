"""On duty and staff notifications: /oncall/…"""

from django.urls import path

from oncall import registration, views

app_name = "oncall"
urlpatterns = [
    path("rota/", views.rota, name="rota"),
    path("rota/shifts/", views.shift_add, name="shift_add"),
    path("rota/shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path("rota/changes/", views.change_add, name="change_add"),
    path("rota/changes/<int:pk>/delete/", views.change_delete, name="change_delete"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/read/", views.event_read, name="event_read"),
    path("events/read-all/", views.events_read_all, name="events_read_all"),
    path("preferences/", views.preferences_edit, name="preferences"),
    path("register/", registration.register, name="register"),
]
