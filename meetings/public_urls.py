from django.urls import path

from meetings.views import public

urlpatterns = [
    path("", public.home, name="home"),
]
