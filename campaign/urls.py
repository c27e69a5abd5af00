"""The campaign app's URLs, one module per area (campaign/urls_parts/)."""

from .urls_parts import activities, attachments, badges, guidance, masses, plans, publicity, supervision, timeline

app_name = "campaign"

urlpatterns = [
    *attachments.urlpatterns,
    *timeline.urlpatterns,
    *plans.urlpatterns,
    *activities.urlpatterns,
    *supervision.urlpatterns,
    *guidance.urlpatterns,
    *publicity.urlpatterns,
    *masses.urlpatterns,
    *badges.urlpatterns,
]
