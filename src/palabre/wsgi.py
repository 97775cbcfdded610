import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings.base")
application = get_wsgi_application()

# The ~80,000 objects of a loaded Django stay for the life of the process: out of the
# collector's sight, a full collection no longer walks them (50 ms every hundred requests).
gc.freeze()
