from django.urls import path

from .views import imports, members, picker, tree, users

app_name = "orgs"

urlpatterns = [
    # the organization tree
    path("orgs/", tree.TreeView.as_view(), name="tree"),
    path("orgs/<str:code>/", tree.OrgDetailView.as_view(), name="org_detail"),
    path("orgs/<str:code>/children/", tree.OrgChildrenView.as_view(), name="org_children"),
    path("orgs/<str:code>/edit/", tree.OrgEditView.as_view(), name="org_edit"),
    path("orgs/<str:code>/add/", tree.OrgCreateView.as_view(), name="org_add"),
    # the organization picker (htmx partials for OrgPickerField)
    path("org-picker/", picker.OrgPickerView.as_view(), name="picker"),
    path("org-picker/<str:code>/children/", picker.OrgPickerChildrenView.as_view(), name="picker_children"),
    # members
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/new/", members.MemberCreateView.as_view(), name="member_create"),
    path("members/<int:pk>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", members.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/transfer/", members.MemberTransferView.as_view(), name="member_transfer"),
    path("members/<int:pk>/id-number/", members.MemberIdNumberView.as_view(), name="member_id_number"),
    # import and export
    path("import/", imports.ImportListView.as_view(), name="import_list"),
    path("import/template/<str:kind>.<str:fmt>", imports.TemplateDownloadView.as_view(), name="import_template"),
    path("import/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/progress/", imports.ImportProgressView.as_view(), name="import_progress"),
    path("import/<int:pk>/apply/", imports.ImportApplyView.as_view(), name="import_apply"),
    path("export/<str:kind>.xlsx", imports.ExportView.as_view(), name="export"),
    # users and roles (org_department)
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/roles/add/", users.RoleAddView.as_view(), name="role_add"),
    path("users/roles/<int:pk>/delete/", users.RoleDeleteView.as_view(), name="role_delete"),
]
