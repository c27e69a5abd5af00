"""URLs of implementation plans, public commitments and the organizations' public pages."""

from django.urls import path

from ..views import commitments, plans, public

urlpatterns = [
    path("plans/", plans.PlanListView.as_view(), name="plan_list"),
    path("plans/new/<str:code>/", plans.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/submit/", plans.PlanSubmitView.as_view(), name="plan_submit"),
    path("plans/<int:pk>/approve/", plans.PlanApproveView.as_view(), name="plan_approve"),
    path("plans/<int:pk>/return/", plans.PlanReturnView.as_view(), name="plan_return"),
    path("plans/<int:pk>/publish/", plans.PlanPublishView.as_view(), name="plan_publish"),
    path("plans/<int:pk>/compare/", plans.PlanCompareView.as_view(), name="plan_compare"),
    path("commitments/", commitments.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/new/", commitments.CommitmentCreateView.as_view(), name="commitment_create"),
    path("commitments/<int:pk>/", commitments.CommitmentDetailView.as_view(), name="commitment_detail"),
    path("commitments/<int:pk>/edit/", commitments.CommitmentEditView.as_view(), name="commitment_edit"),
    path("commitments/<int:pk>/publish/", commitments.CommitmentPublishView.as_view(), name="commitment_publish"),
    path("commitments/<int:pk>/fulfil/", commitments.FulfilmentCreateView.as_view(), name="commitment_fulfil"),
    path("public/org/<str:code>/", public.PublicOrgView.as_view(), name="public_org"),
]
