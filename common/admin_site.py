"""The admin's app config: Django's admin with the portal's own site (``common.admin_base.PortalAdminSite``).

Kept apart from ``common.admin_base`` because INSTALLED_APPS imports this module before any model is loaded.
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "common.admin_base.PortalAdminSite"
