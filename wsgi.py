"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`.

It always builds the production configuration, which refuses to start without SECRET_KEY,
DATABASE_URL and MAIL_SERVER; set ELEARN_CONFIG only to run it otherwise on purpose.
"""

import os

from elearn import create_app
from elearn.certificates.pdf_fonts import warm

app = create_app(os.environ.get("ELEARN_CONFIG", "production"))
# The certificate fonts, parsed before the first request rather than during it (about 40 ms
# for the four; with gunicorn --preload, once in the master for every worker).
warm()
