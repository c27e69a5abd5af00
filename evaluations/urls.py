"""The evaluations app's URLs, one module per area (evaluations/urls_parts/)."""

from .urls_parts import mass, members, periods, scoring

app_name = "evaluations"

urlpatterns = [
    *scoring.urlpatterns,
    *mass.urlpatterns,
    *members.urlpatterns,
    *periods.urlpatterns,
]
