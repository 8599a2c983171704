"""Public pages (no login): report a hazard, follow a tip by its code."""
app_name = "tips_public"
urlpatterns = []
