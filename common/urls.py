from django.urls import path

from . import views

app_name = "common"

urlpatterns = [
    path("<int:pk>/retry/", views.retry_job, name="job_retry"),
]
