from django.urls import path

from nominations import verification_views, views

urlpatterns = [
    path("announcements/", views.announcements, name="announcements"),
    path("become-a-maintainer/", views.become_maintainer, name="become_maintainer"),
    path("transparency/", verification_views.transparency_page, name="transparency"),
]
