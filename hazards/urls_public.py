"""Public pages (no login): report a hazard, follow a tip by its code. Mounted at /tips/."""
from django.urls import path

from . import views_tips

app_name = "tips_public"
urlpatterns = [
    path("", views_tips.tip_create, name="create"),
    path("thanks/", views_tips.tip_done, name="done"),
    path("status/", views_tips.tip_status, name="status"),
]
