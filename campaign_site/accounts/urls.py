from django.contrib.auth import views as auth_views
from django.urls import path

from . import sessions, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("session/ping/", sessions.session_ping, name="session_ping"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("switch/", views.switch_membership, name="switch_membership"),
    # organisations and departments
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisations/import/", views.SchoolImportView.as_view(), name="school_import"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_edit"),
    path("organisations/<int:pk>/departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/<int:pk>/edit/", views.DepartmentEditView.as_view(), name="department_edit"),
    # staff
    path("staff/", views.PersonListView.as_view(), name="person_list"),
    path("staff/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("staff/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("staff/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    # users
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/import/", views.UserImportView.as_view(), name="user_import"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/roles/add/", views.MembershipAddView.as_view(), name="membership_add"),
    path("users/<int:pk>/roles/<int:membership>/remove/", views.MembershipRemoveView.as_view(),
         name="membership_remove"),
    path("users/<int:pk>/active/", views.UserSetActiveView.as_view(), name="user_set_active"),
    path("users/<int:pk>/password/", views.UserPasswordResetView.as_view(), name="user_password_reset"),
    path("users/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user_unlock"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
]
