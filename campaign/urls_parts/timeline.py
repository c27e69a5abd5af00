from django.urls import path

from ..views import inbox, timeline

urlpatterns = [
    path("", timeline.TimelineView.as_view(), name="timeline"),
    path("timeline/<slug:code>/", timeline.TimelineView.as_view(), name="timeline_campaign"),
    path("timeline/<slug:code>/copy/", timeline.CampaignCopyView.as_view(), name="campaign_copy"),
    path("timeline/milestones/<int:pk>/", timeline.MilestoneOrgsView.as_view(), name="milestone_orgs"),
    path(
        "timeline/milestones/<int:pk>/orgs/<str:org_code>/done/",
        timeline.MilestoneMarkView.as_view(),
        name="milestone_mark",
    ),
    path(
        "timeline/milestones/<int:pk>/orgs/<str:org_code>/undone/",
        timeline.MilestoneMarkView.as_view(unmark=True),
        name="milestone_unmark",
    ),
    path("inbox/", inbox.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/", inbox.InboxOpenView.as_view(), name="inbox_open"),
    path("inbox/read-all/", inbox.InboxReadAllView.as_view(), name="inbox_read_all"),
]
