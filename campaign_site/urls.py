from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from campaign_site.generic.site_views import home

admin.site.site_header = "校园安全隐患管理系统 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("campaign_site.accounts.urls")),
    path("campaigns/", include("campaign_site.campaigns.urls")),
    path("notices/", include("campaign_site.notifications.urls")),
    path("system/", include("campaign_site.generic.urls")),
    path("hazards/", include("hazards.urls")),
    path("chemicals/", include("chemicals.urls")),
    path("tips/", include("hazards.urls_public")),
    path("schoolbus/", include("schoolbus.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True)),
]
