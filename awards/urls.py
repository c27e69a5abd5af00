"""The awards app's URLs, one module per area (awards/urls_parts/)."""

from .urls_parts import basic, documents, holidays, nominations

app_name = "awards"

# documents first: its public/exemplars/ must win over the 公示 page's public/<code>/.
urlpatterns = [
    *documents.urlpatterns,
    *nominations.urlpatterns,
    *basic.urlpatterns,
    *holidays.urlpatterns,
]
