"""URLs of the branch's work on its members and the member's own self-assessment."""

from django.urls import path

from ..views import members

urlpatterns = [
    path("my/assessment/", members.MyAssessmentView.as_view(), name="my_assessment"),
    path("branch/<str:org_code>/members/", members.BranchMembersView.as_view(), name="branch_members"),
    path(
        "branch/<str:org_code>/members/release/",
        members.BranchReleaseView.as_view(),
        name="branch_members_release",
    ),
    path(
        "branch/<str:org_code>/members/<int:member_id>/rating/",
        members.MemberRatingView.as_view(),
        name="member_rating",
    ),
    path(
        "reports/participation/<str:org_code>/",
        members.ParticipationView.as_view(),
        name="report_participation",
    ),
    path(
        "reports/participation/remove/<int:pk>/",
        members.ParticipationRemoveView.as_view(),
        name="report_participation_remove",
    ),
]
