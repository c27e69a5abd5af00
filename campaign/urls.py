"""The campaign app's URLs: one list per area (its prefix written once), mounted by urlpatterns in order."""

from django.urls import include, path

from .views import (
    activities,
    attachments,
    badges,
    bulletins,
    commitments,
    groups,
    guidance,
    inbox,
    instructors,
    plans,
    public,
    publicity,
    reports,
    supervision,
    timeline,
)

app_name = "campaign"

timeline_patterns = [
    path("<slug:code>/", timeline.TimelineView.as_view(), name="timeline_campaign"),
    path("<slug:code>/copy/", timeline.CampaignCopyView.as_view(), name="campaign_copy"),
    path("milestones/<int:pk>/", timeline.MilestoneOrgsView.as_view(), name="milestone_orgs"),
    path("milestones/<int:pk>/orgs/<str:org_code>/done/", timeline.MilestoneMarkView.as_view(), name="milestone_mark"),
    path(
        "milestones/<int:pk>/orgs/<str:org_code>/undone/",
        timeline.MilestoneMarkView.as_view(unmark=True),
        name="milestone_unmark",
    ),
]

inbox_patterns = [
    path("", inbox.InboxView.as_view(), name="inbox"),
    path("<int:pk>/", inbox.InboxOpenView.as_view(), name="inbox_open"),
    path("read-all/", inbox.InboxReadAllView.as_view(), name="inbox_read_all"),
]

plans_patterns = [
    path("", plans.PlanListView.as_view(), name="plan_list"),
    path("new/<str:code>/", plans.PlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", plans.PlanEditView.as_view(), name="plan_edit"),
    path("<int:pk>/submit/", plans.PlanSubmitView.as_view(), name="plan_submit"),
    path("<int:pk>/approve/", plans.PlanApproveView.as_view(), name="plan_approve"),
    path("<int:pk>/return/", plans.PlanReturnView.as_view(), name="plan_return"),
    path("<int:pk>/publish/", plans.PlanPublishView.as_view(), name="plan_publish"),
    path("<int:pk>/compare/", plans.PlanCompareView.as_view(), name="plan_compare"),
]

commitments_patterns = [
    path("", commitments.CommitmentListView.as_view(), name="commitment_list"),
    path("new/", commitments.CommitmentCreateView.as_view(), name="commitment_create"),
    path("<int:pk>/", commitments.CommitmentDetailView.as_view(), name="commitment_detail"),
    path("<int:pk>/edit/", commitments.CommitmentEditView.as_view(), name="commitment_edit"),
    path("<int:pk>/publish/", commitments.CommitmentPublishView.as_view(), name="commitment_publish"),
    path("<int:pk>/fulfil/", commitments.FulfilmentCreateView.as_view(), name="commitment_fulfil"),
]

activities_patterns = [
    path("", activities.ActivityListView.as_view(), name="activity_list"),
    path("new/", activities.ActivityCreateView.as_view(), name="activity_create"),
    path("<int:pk>/", activities.ActivityDetailView.as_view(), name="activity_detail"),
    path("<int:pk>/edit/", activities.ActivityEditView.as_view(), name="activity_edit"),
    path("<int:pk>/delete/", activities.ActivityDeleteView.as_view(), name="activity_delete"),
]

reports_patterns = [
    path("", reports.ReportListView.as_view(), name="report_list"),
    # the register of 省直 reporting bodies (before <code>/, which would take "units")
    path("units/", reports.ReportingBodyListView.as_view(), name="report_units"),
    path("units/system/", reports.RegisterSystemCommitteesView.as_view(), name="report_units_system"),
    path("units/<int:pk>/delete/", reports.ReportingBodyDeleteView.as_view(), name="report_unit_delete"),
    path("<str:code>/", reports.ReportDetailView.as_view(), name="report_detail"),
]

supervision_patterns = [
    path("", supervision.SupervisionView.as_view(), name="supervision"),
    path("inspections/", supervision.InspectionListView.as_view(), name="supervision_inspection_list"),
    path("inspections/new/", supervision.InspectionCreateView.as_view(), name="supervision_inspection_create"),
    path("inspections/<int:pk>/", supervision.InspectionDetailView.as_view(), name="supervision_inspection_detail"),
    path("remarks/", supervision.RemarkListView.as_view(), name="supervision_remark_list"),
    path("remarks/new/", supervision.RemarkCreateView.as_view(), name="supervision_remark_create"),
    path("remarks/<int:pk>/", supervision.RemarkDetailView.as_view(), name="supervision_remark_detail"),
    path("orders/", supervision.OrderListView.as_view(), name="supervision_order_list"),
    path("orders/new/", supervision.OrderCreateView.as_view(), name="supervision_order_create"),
    path("orders/<int:pk>/", supervision.OrderDetailView.as_view(), name="supervision_order_detail"),
    path("orders/<int:pk>/respond/", supervision.OrderRespondView.as_view(), name="supervision_order_respond"),
    path("orders/<int:pk>/verify/", supervision.OrderVerifyView.as_view(), name="supervision_order_verify"),
    path("groups/", groups.GroupListView.as_view(), name="supervision_group_list"),
    path("groups/new/", groups.GroupCreateView.as_view(), name="supervision_group_create"),
    path("groups/<int:pk>/", groups.GroupDetailView.as_view(), name="supervision_group_detail"),
    path("groups/<int:pk>/edit/", groups.GroupEditView.as_view(), name="supervision_group_edit"),
    path(
        "groups/<int:pk>/members/new/", groups.GroupMemberCreateView.as_view(), name="supervision_group_member_create"
    ),
    path("group-members/<int:pk>/edit/", groups.GroupMemberEditView.as_view(), name="supervision_group_member_edit"),
    path(
        "group-members/<int:pk>/delete/", groups.GroupMemberDeleteView.as_view(), name="supervision_group_member_delete"
    ),
    path("groups/<int:pk>/points/new/", groups.PointCreateView.as_view(), name="supervision_point_create"),
    path("points/", groups.PointListView.as_view(), name="supervision_point_list"),
    path("points/<int:pk>/", groups.PointDetailView.as_view(), name="supervision_point_detail"),
    path("points/<int:pk>/delete/", groups.PointDeleteView.as_view(), name="supervision_point_delete"),
    path("sector/", groups.SectorView.as_view(), name="supervision_sector"),
]

guidance_patterns = [
    path("", guidance.GuidanceListView.as_view(), name="guidance_list"),
    path("new/", guidance.GuidanceCreateView.as_view(), name="guidance_create"),
    path("<int:pk>/", guidance.GuidanceDetailView.as_view(), name="guidance_detail"),
    path("<int:pk>/edit/", guidance.GuidanceEditView.as_view(), name="guidance_edit"),
    path("<int:pk>/members/new/", guidance.GuidanceMemberCreateView.as_view(), name="guidance_member_create"),
    path("members/<int:pk>/edit/", guidance.GuidanceMemberEditView.as_view(), name="guidance_member_edit"),
    path("members/<int:pk>/delete/", guidance.GuidanceMemberDeleteView.as_view(), name="guidance_member_delete"),
    path("<int:pk>/points/new/", guidance.GuidancePointCreateView.as_view(), name="guidance_point_create"),
    path("points/<int:pk>/delete/", guidance.GuidancePointDeleteView.as_view(), name="guidance_point_delete"),
]

stories_patterns = [
    path("", publicity.StoryListView.as_view(), name="story_list"),
    path("new/", publicity.StoryCreateView.as_view(), name="story_create"),
    path("<int:pk>/", publicity.StoryDetailView.as_view(), name="story_detail"),
    path("<int:pk>/edit/", publicity.StoryEditView.as_view(), name="story_edit"),
    path("<int:pk>/<slug:action>/", publicity.StoryActionView.as_view(), name="story_action"),
]

public_story_patterns = [
    path("stories/", publicity.PublicStoryListView.as_view(), name="public_story_list"),
    path("stories/<int:pk>/", publicity.PublicStoryDetailView.as_view(), name="public_story_detail"),
    path("stories/<int:pk>/cover/", publicity.PublicStoryCoverView.as_view(), name="public_story_cover"),
]

instructors_patterns = [
    path("", instructors.InstructorListView.as_view(), name="instructor_list"),
    path("mine/", instructors.InstructorHomeView.as_view(), name="instructor_home"),
    path("<int:pk>/remove/", instructors.InstructorRemoveView.as_view(), name="instructor_remove"),
]

bulletins_patterns = [
    path("", bulletins.BulletinListView.as_view(), name="bulletin_list"),
    path("new/", bulletins.BulletinCreateView.as_view(), name="bulletin_create"),
    path("<int:pk>/", bulletins.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("<int:pk>/edit/", bulletins.BulletinEditView.as_view(), name="bulletin_edit"),
    path("<int:pk>/issue/", bulletins.BulletinIssueView.as_view(), name="bulletin_issue"),
    path("<int:pk>/delete/", bulletins.BulletinDeleteView.as_view(), name="bulletin_delete"),
    path("<int:pk>/items/<int:item>/move/", bulletins.BulletinMoveView.as_view(), name="bulletin_move"),
    path("<int:pk>/pdf/", bulletins.BulletinPdfView.as_view(), name="bulletin_pdf"),
]

exhibitions_patterns = [
    path("", bulletins.ExhibitionHomeView.as_view(), name="exhibition_home"),
    path("<str:code>/", bulletins.ExhibitionView.as_view(), name="exhibition"),
    path("<str:code>/edit/", bulletins.ExhibitionEditView.as_view(), name="exhibition_edit"),
    path("<str:code>/photos/", bulletins.ExhibitionPhotosView.as_view(), name="exhibition_photos"),
    path("<str:code>/items/<int:pk>/", bulletins.ExhibitionItemView.as_view(), name="exhibition_item"),
]

badges_patterns = [
    path("", badges.BadgeListView.as_view(), name="badge_list"),
    path("export/", badges.BadgeExportView.as_view(), name="badge_export"),
    path("new/", badges.BadgeCreateView.as_view(), name="badge_create"),
    path("<int:pk>/", badges.BadgeDetailView.as_view(), name="badge_detail"),
    path("<int:pk>/edit/", badges.BadgeEditView.as_view(), name="badge_edit"),
    path("<int:pk>/end/", badges.BadgeEndView.as_view(), name="badge_end"),
    path("wearing/", badges.WearingListView.as_view(), name="badge_wearing"),
    path("wearing/new/", badges.WearingRecordView.as_view(), name="badge_wearing_record"),
]

urlpatterns = [
    path("files/<int:pk>/", attachments.AttachmentDownloadView.as_view(), name="attachment"),
    path("", timeline.TimelineView.as_view(), name="timeline"),
    path("timeline/", include(timeline_patterns)),
    path("inbox/", include(inbox_patterns)),
    path("plans/", include(plans_patterns)),
    path("commitments/", include(commitments_patterns)),
    path("public/org/<str:code>/", public.PublicOrgView.as_view(), name="public_org"),
    path("activities/", include(activities_patterns)),
    path("reports/", include(reports_patterns)),
    path("supervision/", include(supervision_patterns)),
    path("guidance/", include(guidance_patterns)),
    path("stories/", include(stories_patterns)),
    path("public/", include(public_story_patterns)),
    path("instructors/", include(instructors_patterns)),
    path("college-officials/", instructors.CollegeOfficialListView.as_view(), name="college_official_list"),
    path("bulletins/", include(bulletins_patterns)),
    path("exhibitions/", include(exhibitions_patterns)),
    path("public/exhibition/<str:code>/", bulletins.PublicExhibitionView.as_view(), name="public_exhibition"),
    path(
        "public/exhibition/<str:code>/photos/<int:pk>/",
        bulletins.PublicExhibitionPhotoView.as_view(),
        name="public_exhibition_photo",
    ),
    path("badges/", include(badges_patterns)),
]
