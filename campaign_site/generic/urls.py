from django.urls import path

from . import site_views, twoperson_views
from .views import ImportJobView

app_name = "generic"
urlpatterns = [
    path("attachments/<int:pk>/", site_views.attachment_download, name="attachment"),
    path("attachments/upload/<int:ct>/<int:pk>/", site_views.attachment_upload, name="attachment_upload"),
    path("imports/<uuid:pk>/", ImportJobView.as_view(), name="import_job"),
    path("health/", site_views.health, name="health"),
    path("confirmations/", twoperson_views.pending_list, name="pending_list"),
    path("confirmations/<int:pk>/", twoperson_views.pending_detail, name="pending_detail"),
    path("confirmations/<int:pk>/cancel/", twoperson_views.pending_cancel, name="pending_cancel"),
]
