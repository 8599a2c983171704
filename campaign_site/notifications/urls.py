from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("<int:pk>/", views.notice_open, name="open"),
    path("read-all/", views.notice_read_all, name="read_all"),
]
