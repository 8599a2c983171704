"""URLs of the chemicals app (namespace "chemicals")."""
from django.urls import path

from . import views

app_name = "chemicals"
urlpatterns = [
    path("catalogue/", views.ChemicalListView.as_view(), name="chemical_list"),
    path("catalogue/load-list/", views.ChemicalListLoadView.as_view(), name="chemical_list_load"),
]
