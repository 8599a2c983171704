"""URLs of the hazards app (namespace "hazards").

views.py (inspections, register, accountability) and urls_tips.py (tip triage, ledger
import/export) are kept apart; the public tip pages are in urls_public.py (namespace "tips_public")."""
from django.urls import path  # noqa: F401

from .urls_tips import urlpatterns as tip_patterns

app_name = "hazards"
urlpatterns = [] + tip_patterns
