from django.urls import path

from nominations.views import public, verification

urlpatterns = [
    path("announcements/", public.announcements, name="announcements"),
    path("become-a-maintainer/", public.become_maintainer, name="become_maintainer"),
    path("transparency/", verification.transparency_page, name="transparency"),
]
