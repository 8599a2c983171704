"""URLs of the chemicals app (namespace "chemicals")."""
from django.urls import path

from . import views

app_name = "chemicals"
urlpatterns = [
    path("catalogue/", views.ChemicalListView.as_view(), name="chemical_list"),
    path("catalogue/load-list/", views.ChemicalListLoadView.as_view(), name="chemical_list_load"),
    path("rooms/", views.RoomListView.as_view(), name="room_list"),
    path("rooms/new/", views.RoomCreateView.as_view(), name="room_create"),
    path("rooms/<int:pk>/", views.RoomDetailView.as_view(), name="room_detail"),
    path("rooms/<int:pk>/edit/", views.RoomEditView.as_view(), name="room_edit"),
    path("cabinets/", views.CabinetListView.as_view(), name="cabinet_list"),
    path("cabinets/new/", views.CabinetCreateView.as_view(), name="cabinet_create"),
    path("cabinets/<int:pk>/", views.CabinetDetailView.as_view(), name="cabinet_detail"),
    path("cabinets/<int:pk>/edit/", views.CabinetEditView.as_view(), name="cabinet_edit"),
    path("containers/", views.ContainerListView.as_view(), name="container_list"),
    path("containers/new/", views.ContainerCreateView.as_view(), name="container_create"),
    path("containers/<int:pk>/", views.ContainerDetailView.as_view(), name="container_detail"),
    path("containers/<int:pk>/edit/", views.ContainerEditView.as_view(), name="container_edit"),
]
urlpatterns += [
    path("containers/<int:pk>/move/", views.MovementCreateView.as_view(), name="movement_create"),
    path("movements/", views.MovementListView.as_view(), name="movement_list"),
    path("movements/<int:pk>/", views.MovementDetailView.as_view(), name="movement_detail"),
    path("movements/<int:pk>/reverse/", views.MovementReverseView.as_view(), name="movement_reverse"),
    path("ledger/", views.GeneralLedgerView.as_view(), name="general_ledger"),
    path("ledger/detail/", views.DetailLedgerView.as_view(), name="detail_ledger"),
]
urlpatterns += [
    path("training/", views.TrainingListView.as_view(), name="training_list"),
    path("training/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("training/<int:pk>/edit/", views.TrainingEditView.as_view(), name="training_edit"),
    path("controls/", views.ControlListView.as_view(), name="control_list"),
    path("segregation/", views.SegregationView.as_view(), name="segregation"),
    path("controls/new/", views.ControlCreateView.as_view(), name="control_create"),
    path("controls/<int:pk>/remove/", views.ControlRemoveView.as_view(), name="control_remove"),
]
urlpatterns += [
    path("requisitions/", views.RequisitionListView.as_view(), name="requisition_list"),
    path("requisitions/new/", views.RequisitionCreateView.as_view(), name="requisition_create"),
    path("requisitions/<int:pk>/", views.RequisitionDetailView.as_view(), name="requisition_detail"),
    path("requisitions/<int:pk>/print/", views.RequisitionPrintView.as_view(), name="requisition_print"),
    path("requisitions/<int:pk>/step/<slug:action>/", views.RequisitionStepView.as_view(), name="requisition_step"),
]
urlpatterns += [
    path("counts/", views.StockCountListView.as_view(), name="count_list"),
    path("counts/<int:pk>/", views.StockCountDetailView.as_view(), name="count_detail"),
    path("counts/<int:pk>/enter/", views.StockCountEnterView.as_view(), name="count_enter"),
    path("counts/<int:pk>/print/", views.StockCountPrintView.as_view(), name="count_print"),
    path("counts/<int:pk>/step/<slug:action>/", views.StockCountStepView.as_view(), name="count_step"),
    path("cabinets/<int:pk>/count/", views.StockCountStartView.as_view(), name="count_start"),
]
# Printable labels (views_labels.py)
from . import views_labels  # noqa: E402

urlpatterns += [
    path("containers/<int:pk>/label/", views_labels.ContainerLabelView.as_view(), name="container_label"),
    path("cabinets/<int:pk>/label/", views_labels.CabinetLabelView.as_view(), name="cabinet_label"),
    path("cabinets/<int:pk>/labels/", views_labels.CabinetLabelView.as_view(with_containers=True),
         name="cabinet_labels"),
    path("labels/", views_labels.LabelSelectionView.as_view(), name="label_sheet"),
]

# The bureau's view of its schools (views_bureau.py)
from . import views_bureau  # noqa: E402

urlpatterns += [
    path("bureau/", views_bureau.BureauView.as_view(), name="bureau"),
]

# Expiry and disposal (issue 8 §8): views in disposal_views.py
from . import disposal_views as dv  # noqa: E402

urlpatterns += [
    path("disposal/candidates/", dv.DisposalCandidateListView.as_view(), name="disposal_candidates"),
    path("containers/<int:pk>/deteriorated/", dv.ContainerDeteriorateView.as_view(), name="container_deteriorated"),
    path("contractors/", dv.ContractorListView.as_view(), name="contractor_list"),
    path("contractors/new/", dv.ContractorCreateView.as_view(), name="contractor_create"),
    path("contractors/<int:pk>/", dv.ContractorDetailView.as_view(), name="contractor_detail"),
    path("contractors/<int:pk>/edit/", dv.ContractorEditView.as_view(), name="contractor_edit"),
    path("disposal/", dv.DisposalListView.as_view(), name="disposal_list"),
    path("disposal/new/", dv.DisposalCreateView.as_view(), name="disposal_create"),
    path("disposal/<int:pk>/", dv.DisposalDetailView.as_view(), name="disposal_detail"),
    path("disposal/<int:pk>/print/", dv.DisposalPrintView.as_view(), name="disposal_print"),
    path("disposal/<int:pk>/step/<slug:action>/", dv.DisposalStepView.as_view(), name="disposal_step"),
]
