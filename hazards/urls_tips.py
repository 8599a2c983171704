"""Tip triage and Excel ledger import/export URLs, included in the "hazards" namespace."""
urlpatterns = []
