from django.urls import path

from ..views import publicity

urlpatterns = [
    path("stories/", publicity.StoryListView.as_view(), name="story_list"),
    path("stories/new/", publicity.StoryCreateView.as_view(), name="story_create"),
    path("stories/<int:pk>/", publicity.StoryDetailView.as_view(), name="story_detail"),
    path("stories/<int:pk>/edit/", publicity.StoryEditView.as_view(), name="story_edit"),
    path("stories/<int:pk>/<slug:action>/", publicity.StoryActionView.as_view(), name="story_action"),
    path("public/stories/", publicity.PublicStoryListView.as_view(), name="public_story_list"),
    path("public/stories/<int:pk>/", publicity.PublicStoryDetailView.as_view(), name="public_story_detail"),
    path("public/stories/<int:pk>/cover/", publicity.PublicStoryCoverView.as_view(), name="public_story_cover"),
]
