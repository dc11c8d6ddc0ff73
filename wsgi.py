"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`.

It always builds the production configuration, which refuses to start without SECRET_KEY,
DATABASE_URL and MAIL_SERVER; set ELEARN_CONFIG only to run it otherwise on purpose.
"""

import os

from elearn import create_app, prepare_for_workers

app = create_app(os.environ.get("ELEARN_CONFIG", "production"))
prepare_for_workers(app)
