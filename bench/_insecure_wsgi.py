"""`wsgi:app` served over plain http on the bench host.

The production config marks the session cookie Secure, which a client only sends back over
https; the benches talk http to 127.0.0.1. Until PORTAL_INSECURE_HTTP=1 (which the stack also
sets) does this in the app, turn the flag off here. Nothing else about production changes.
"""

from wsgi import app

app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
