"""Entry point for gunicorn (`gunicorn wsgi:app`) and for the flask CLI (`flask --app wsgi`)."""

import gc

from portal import create_app

app = create_app()

# What start-up built (modules, the app, its templates' code) lives as long as the process:
# frozen, the collector's full passes no longer walk its ~240,000 objects, which paused the
# request that triggered one for about 135 ms at city scale.
gc.freeze()
