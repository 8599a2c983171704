"""URLs of the hazards app (namespace "hazards").

views.py (inspections, register, accountability) and urls_tips.py (tip triage, ledger
import/export) are kept apart; the public tip pages are in urls_public.py (namespace "tips_public")."""
from django.urls import path

from . import views
from .urls_tips import urlpatterns as tip_patterns

app_name = "hazards"
urlpatterns = [
    path("", views.HazardListView.as_view(), name="hazard_list"),
    path("new/", views.HazardCreateView.as_view(), name="hazard_create"),
    path("<int:pk>/", views.HazardDetailView.as_view(), name="hazard_detail"),
    path("<int:pk>/edit/", views.HazardEditView.as_view(), name="hazard_edit"),
    path("<int:pk>/step/<slug:action>/", views.HazardStepView.as_view(), name="hazard_action"),
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/<slug:action>/", views.InspectionStepView.as_view(), name="inspection_action"),
    path("schedules/", views.ScheduleListView.as_view(), name="schedule_list"),
    path("schedules/new/", views.ScheduleCreateView.as_view(), name="schedule_create"),
    path("schedules/<int:pk>/", views.ScheduleDetailView.as_view(), name="schedule_detail"),
    path("schedules/<int:pk>/toggle/", views.ScheduleToggleView.as_view(), name="schedule_toggle"),
    path("accountability/", views.AccountabilityListView.as_view(), name="accountability_list"),
    path("accountability/new/", views.AccountabilityCreateView.as_view(), name="accountability_create"),
    path("accountability/<int:pk>/", views.AccountabilityDetailView.as_view(), name="accountability_detail"),
    path("accountability/<int:pk>/edit/", views.AccountabilityEditView.as_view(), name="accountability_edit"),
] + tip_patterns
