from django.urls import path

from api import docs
from api.views import api

urlpatterns = [
    # Before the API's own patterns: its root is the documentation page.
    path("v1/", docs.documentation, name="api_docs"),
    path("v1/", api.urls),
]
