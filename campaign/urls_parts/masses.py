"""URLs of serving the masses (党员联系户, 干群恳谈会, 矛盾纠纷), 党建工作指导员, 大学生村官, information bulletins
and exhibitions of achievements; mounted at /campaign/ in the "campaign" namespace."""

from django.urls import path

from ..views import bulletins, masses

urlpatterns = [
    path("masses/", masses.MassesHomeView.as_view(), name="masses"),
    path("masses/households/", masses.HouseholdListView.as_view(), name="household_list"),
    path("masses/households/new/", masses.HouseholdCreateView.as_view(), name="household_create"),
    path("masses/households/no-contact/", masses.NoContactView.as_view(), name="household_no_contact"),
    path("masses/households/<int:pk>/", masses.HouseholdDetailView.as_view(), name="household_detail"),
    path("masses/households/<int:pk>/edit/", masses.HouseholdEditView.as_view(), name="household_edit"),
    path("masses/households/<int:pk>/services/", masses.ServiceCreateView.as_view(), name="household_service"),
    path("masses/meetings/", masses.MeetingListView.as_view(), name="meeting_list"),
    path("masses/meetings/new/", masses.MeetingCreateView.as_view(), name="meeting_create"),
    path("masses/meetings/<int:pk>/", masses.MeetingDetailView.as_view(), name="meeting_detail"),
    path("masses/disputes/", masses.DisputeListView.as_view(), name="dispute_list"),
    path("masses/disputes/new/", masses.DisputeCreateView.as_view(), name="dispute_create"),
    path("masses/disputes/stats/", masses.DisputeStatsView.as_view(), name="dispute_stats"),
    path("masses/disputes/<int:pk>/", masses.DisputeDetailView.as_view(), name="dispute_detail"),
    path("masses/disputes/<int:pk>/steps/", masses.DisputeStepView.as_view(), name="dispute_step"),
    path("masses/disputes/<int:pk>/outcome/", masses.DisputeOutcomeView.as_view(), name="dispute_outcome"),
    path("instructors/", masses.InstructorListView.as_view(), name="instructor_list"),
    path("instructors/mine/", masses.InstructorHomeView.as_view(), name="instructor_home"),
    path("instructors/<int:pk>/remove/", masses.InstructorRemoveView.as_view(), name="instructor_remove"),
    path("college-officials/", masses.CollegeOfficialListView.as_view(), name="college_official_list"),
    path("bulletins/", bulletins.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/new/", bulletins.BulletinCreateView.as_view(), name="bulletin_create"),
    path("bulletins/<int:pk>/", bulletins.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", bulletins.BulletinEditView.as_view(), name="bulletin_edit"),
    path("bulletins/<int:pk>/issue/", bulletins.BulletinIssueView.as_view(), name="bulletin_issue"),
    path("bulletins/<int:pk>/delete/", bulletins.BulletinDeleteView.as_view(), name="bulletin_delete"),
    path("bulletins/<int:pk>/items/<int:item>/move/", bulletins.BulletinMoveView.as_view(), name="bulletin_move"),
    path("bulletins/<int:pk>/pdf/", bulletins.BulletinPdfView.as_view(), name="bulletin_pdf"),
    path("exhibitions/", bulletins.ExhibitionHomeView.as_view(), name="exhibition_home"),
    path("exhibitions/<str:code>/", bulletins.ExhibitionView.as_view(), name="exhibition"),
    path("exhibitions/<str:code>/edit/", bulletins.ExhibitionEditView.as_view(), name="exhibition_edit"),
    path("exhibitions/<str:code>/photos/", bulletins.ExhibitionPhotosView.as_view(), name="exhibition_photos"),
    path("exhibitions/<str:code>/items/<int:pk>/", bulletins.ExhibitionItemView.as_view(), name="exhibition_item"),
    path("public/exhibition/<str:code>/", bulletins.PublicExhibitionView.as_view(), name="public_exhibition"),
    path(
        "public/exhibition/<str:code>/photos/<int:pk>/",
        bulletins.PublicExhibitionPhotoView.as_view(),
        name="public_exhibition_photo",
    ),
]
