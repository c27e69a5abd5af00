"""Supervision (督促检查) URLs, mounted at /campaign/ in the "campaign" namespace."""

from django.urls import path

from ..views import supervision as views

urlpatterns = [
    path("supervision/", views.SupervisionView.as_view(), name="supervision"),
    path("supervision/inspections/", views.InspectionListView.as_view(), name="supervision_inspection_list"),
    path("supervision/inspections/new/", views.InspectionCreateView.as_view(), name="supervision_inspection_create"),
    path(
        "supervision/inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="supervision_inspection_detail"
    ),
    path("supervision/remarks/", views.RemarkListView.as_view(), name="supervision_remark_list"),
    path("supervision/remarks/new/", views.RemarkCreateView.as_view(), name="supervision_remark_create"),
    path("supervision/remarks/<int:pk>/", views.RemarkDetailView.as_view(), name="supervision_remark_detail"),
    path("supervision/orders/", views.OrderListView.as_view(), name="supervision_order_list"),
    path("supervision/orders/new/", views.OrderCreateView.as_view(), name="supervision_order_create"),
    path("supervision/orders/<int:pk>/", views.OrderDetailView.as_view(), name="supervision_order_detail"),
    path("supervision/orders/<int:pk>/respond/", views.OrderRespondView.as_view(), name="supervision_order_respond"),
    path("supervision/orders/<int:pk>/verify/", views.OrderVerifyView.as_view(), name="supervision_order_verify"),
    path("supervision/groups/", views.GroupListView.as_view(), name="supervision_group_list"),
    path("supervision/groups/new/", views.GroupCreateView.as_view(), name="supervision_group_create"),
    path("supervision/groups/<int:pk>/", views.GroupDetailView.as_view(), name="supervision_group_detail"),
    path("supervision/groups/<int:pk>/edit/", views.GroupEditView.as_view(), name="supervision_group_edit"),
    path(
        "supervision/groups/<int:pk>/members/new/",
        views.GroupMemberCreateView.as_view(),
        name="supervision_group_member_create",
    ),
    path(
        "supervision/group-members/<int:pk>/edit/",
        views.GroupMemberEditView.as_view(),
        name="supervision_group_member_edit",
    ),
    path(
        "supervision/group-members/<int:pk>/delete/",
        views.GroupMemberDeleteView.as_view(),
        name="supervision_group_member_delete",
    ),
    path("supervision/groups/<int:pk>/points/new/", views.PointCreateView.as_view(), name="supervision_point_create"),
    path("supervision/points/", views.PointListView.as_view(), name="supervision_point_list"),
    path("supervision/points/<int:pk>/", views.PointDetailView.as_view(), name="supervision_point_detail"),
    path("supervision/points/<int:pk>/delete/", views.PointDeleteView.as_view(), name="supervision_point_delete"),
    path("supervision/sector/", views.SectorView.as_view(), name="supervision_sector"),
]
