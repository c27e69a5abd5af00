"""The workbench (/workbench/) and 我的创先争优 (/me/), mounted at the site root in the "workbench" namespace."""

from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("workbench/", views.WorkbenchIndexView.as_view(), name="index"),
    path("workbench/department/", views.DepartmentView.as_view(), name="department"),
    path("workbench/<str:org_code>/", views.WorkbenchView.as_view(), name="org"),
    path("me/", views.MeView.as_view(), name="me"),
]
