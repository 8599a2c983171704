"""URLs of the monthly reports (namespace "reports")."""
from django.urls import path

from . import dashboards, views, views_circular, views_workbook

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("open/", views.ReportOpenView.as_view(), name="report_open"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("workbook/", views_workbook.WorkbookStartView.as_view(), name="workbook_start"),
    path("workbook/<uuid:pk>/", views_workbook.WorkbookJobView.as_view(), name="workbook_job"),
    path("workbook/<uuid:pk>/download/", views_workbook.WorkbookDownloadView.as_view(), name="workbook_download"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("<int:pk>/step/<slug:action>/", views.ReportStepView.as_view(), name="report_step"),
    path("<int:pk>/items/new/", views.ItemCreateView.as_view(), name="item_create"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/circular/", views.ItemCircularView.as_view(), name="item_circular"),
    path("screenings/", views.ScreeningListView.as_view(), name="screening_list"),
    path("screenings/new/", views.ScreeningCreateView.as_view(), name="screening_create"),
    path("screenings/<int:pk>/", views.ScreeningDetailView.as_view(), name="screening_detail"),
    path("screenings/<int:pk>/edit/", views.ScreeningEditView.as_view(), name="screening_edit"),
    path("summaries/", views.SummaryListView.as_view(), name="summary_list"),
    path("summaries/new/", views.SummaryCreateView.as_view(), name="summary_create"),
    path("summaries/overview/", views.SummaryOverviewView.as_view(), name="summary_overview"),
    path("summaries/<int:pk>/", views.SummaryDetailView.as_view(), name="summary_detail"),
    path("summaries/<int:pk>/edit/", views.SummaryEditView.as_view(), name="summary_edit"),
    path("circulars/", views_circular.CircularListView.as_view(), name="circular_list"),
    path("circulars/draft/", views_circular.CircularDraftView.as_view(), name="circular_draft"),
    path("circulars/<int:pk>/", views_circular.CircularDetailView.as_view(), name="circular_detail"),
    path("circulars/<int:pk>/edit/", views_circular.CircularEditView.as_view(), name="circular_edit"),
    path("circulars/<int:pk>/step/<slug:action>/", views_circular.CircularStepView.as_view(), name="circular_step"),
    path("circulars/<int:pk>/document/", views_circular.CircularDocumentView.as_view(), name="circular_document"),
    # Dashboards (reports/dashboards.py)
    path("dashboard/", dashboards.BureauDashboardView.as_view(), name="dashboard"),
    path("dashboard/school/<int:pk>/", dashboards.SchoolDashboardView.as_view(), name="school_dashboard"),
]
