"""Tip triage and Excel ledger import/export URLs, included in the "hazards" namespace."""
from django.urls import path

from . import views_ledger, views_tips

urlpatterns = [
    path("tips/", views_tips.TipListView.as_view(), name="tip_list"),
    path("tips/<int:pk>/", views_tips.TipDetailView.as_view(), name="tip_detail"),
    path("tips/<int:pk>/accept/", views_tips.TipStepView.as_view(action="accept"), name="tip_accept"),
    path("tips/<int:pk>/reject/", views_tips.TipStepView.as_view(action="reject"), name="tip_reject"),
    path("ledger/import/", views_ledger.LedgerImportView.as_view(), name="ledger_import"),
    path("ledger/export/", views_ledger.ledger_export, name="ledger_export"),
]
