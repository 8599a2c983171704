from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/start/", views.CampaignStartView.as_view(), name="start"),
    path("<int:pk>/edit/", views.CampaignEditView.as_view(), name="edit"),
    path("<int:pk>/activate/", views.CampaignStepView.as_view(action="activate"), name="activate"),
    path("<int:pk>/close/", views.CampaignStepView.as_view(action="close"), name="close"),
    path("<int:pk>/focus-areas/new/", views.FocusAreaCreateView.as_view(), name="focus_area_create"),
    path("focus-areas/<int:pk>/edit/", views.FocusAreaEditView.as_view(), name="focus_area_edit"),
    path("focus-areas/<int:pk>/items/new/", views.CheckItemCreateView.as_view(), name="check_item_create"),
    path("items/<int:pk>/edit/", views.CheckItemEditView.as_view(), name="check_item_edit"),
    path("<int:pk>/deadlines/new/", views.DeadlineCreateView.as_view(), name="deadline_create"),
    path("deadlines/<int:pk>/edit/", views.DeadlineEditView.as_view(), name="deadline_edit"),
    path("phases/<int:pk>/edit/", views.PhaseEditView.as_view(), name="phase_edit"),
    path("<int:pk>/plan/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("<int:pk>/plans/", views.PlanOverviewView.as_view(), name="plan_overview"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan_review"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity_edit"),
]
