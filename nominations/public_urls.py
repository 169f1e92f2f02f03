from django.urls import path

from nominations import views

urlpatterns = [
    path("announcements/", views.announcements, name="announcements"),
    path("become-a-maintainer/", views.become_maintainer, name="become_maintainer"),
]
