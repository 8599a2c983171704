from django.urls import path

from . import site_views

app_name = "generic"
urlpatterns = [
    path("attachments/<int:pk>/", site_views.attachment_download, name="attachment"),
    path("attachments/upload/<int:ct>/<int:pk>/", site_views.attachment_upload, name="attachment_upload"),
    path("health/", site_views.health, name="health"),
]
