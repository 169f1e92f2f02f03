import os

from django.core.wsgi import get_wsgi_application

from governance.garbage_collection import collect_for_a_long_run

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

application = get_wsgi_application()
collect_for_a_long_run()
