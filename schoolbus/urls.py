"""URLs of the school bus records (namespace "schoolbus")."""
from django.urls import path

from . import views

app_name = "schoolbus"
urlpatterns = [
    path("", views.VehicleListView.as_view(), name="vehicle_list"),
    path("new/", views.VehicleCreateView.as_view(), name="vehicle_create"),
    path("<int:pk>/", views.VehicleDetailView.as_view(), name="vehicle_detail"),
    path("<int:pk>/edit/", views.VehicleEditView.as_view(), name="vehicle_edit"),
    path("drivers/", views.DriverListView.as_view(), name="driver_list"),
    path("drivers/new/", views.DriverCreateView.as_view(), name="driver_create"),
    path("drivers/<int:pk>/", views.DriverDetailView.as_view(), name="driver_detail"),
    path("drivers/<int:pk>/edit/", views.DriverEditView.as_view(), name="driver_edit"),
    path("escorts/", views.EscortListView.as_view(), name="escort_list"),
    path("escorts/new/", views.EscortCreateView.as_view(), name="escort_create"),
    path("escorts/<int:pk>/", views.EscortDetailView.as_view(), name="escort_detail"),
    path("escorts/<int:pk>/edit/", views.EscortEditView.as_view(), name="escort_edit"),
    path("routes/", views.RouteListView.as_view(), name="route_list"),
    path("routes/new/", views.RouteCreateView.as_view(), name="route_create"),
    path("routes/<int:pk>/", views.RouteDetailView.as_view(), name="route_detail"),
    path("routes/<int:pk>/edit/", views.RouteEditView.as_view(), name="route_edit"),
    path("routes/<int:pk>/stops/", views.StopAddView.as_view(), name="route_stop_add"),
    path("routes/<int:pk>/zones/", views.ZoneAddView.as_view(), name="route_zone_add"),
    path("riders/", views.RiderListView.as_view(), name="rider_list"),
    path("riders/new/", views.RiderCreateView.as_view(), name="rider_create"),
    path("riders/<int:pk>/", views.RiderDetailView.as_view(), name="rider_detail"),
    path("riders/<int:pk>/edit/", views.RiderEditView.as_view(), name="rider_edit"),
    path("riders/<int:pk>/reveal/", views.RiderRevealView.as_view(), name="rider_reveal"),
    path("trips/", views.TripListView.as_view(), name="trip_list"),
    path("trips/new/", views.TripCreateView.as_view(), name="trip_create"),
    path("trips/<int:pk>/", views.TripDetailView.as_view(), name="trip_detail"),
    path("trips/<int:pk>/edit/", views.TripEditView.as_view(), name="trip_edit"),
    path("trips/<int:pk>/track/", views.TrackImportView.as_view(), name="trip_track_import"),
    path("violations/", views.ViolationListView.as_view(), name="violation_list"),
    path("violations/<int:pk>/", views.ViolationDetailView.as_view(), name="violation_detail"),
    path("overview/", views.FleetView.as_view(), name="fleet_overview"),
    path("hires/", views.HireListView.as_view(), name="hire_list"),
    path("hires/new/", views.HireCreateView.as_view(), name="hire_create"),
    path("hires/<int:pk>/", views.HireDetailView.as_view(), name="hire_detail"),
    path("hires/<int:pk>/edit/", views.HireEditView.as_view(), name="hire_edit"),
    path("hires/<int:pk>/coaches/", views.HireCoachAddView.as_view(), name="hire_coach_add"),
    path("hires/<int:pk>/approve/", views.HireApproveView.as_view(), name="hire_approve"),
]
urlpatterns += [
    path("gate/", views.GateDutyListView.as_view(), name="gate_list"),
    path("gate/today/", views.GateTodayView.as_view(), name="gate_today"),
    path("gate/new/", views.GateRosterView.as_view(), name="gate_create"),
    path("gate/<int:pk>/", views.GateDutyDetailView.as_view(), name="gate_detail"),
    path("gate/<int:pk>/sign-in/", views.GateSignInView.as_view(), name="gate_sign_in"),
    path("unlicensed/", views.VehicleReportListView.as_view(), name="report_list"),
    path("unlicensed/new/", views.VehicleReportCreateView.as_view(), name="report_create"),
    path("unlicensed/<int:pk>/", views.VehicleReportDetailView.as_view(), name="report_detail"),
]
urlpatterns += [
    path("fleet/vehicles/import/", views.VehicleImportView.as_view(), name="vehicle_import"),
    path("fleet/drivers/import/", views.DriverImportView.as_view(), name="driver_import"),
    path("fleet/vehicles/export/", views.fleet_export, {"kind": "vehicles"}, name="vehicles_export"),
    path("fleet/drivers/export/", views.fleet_export, {"kind": "drivers"}, name="drivers_export"),
]
