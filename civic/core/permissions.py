"""One permission error for every app: :class:`NotAllowed`.

A service checks its rule (``<app>/rules.py``) itself and raises ``NotAllowed`` when the actor may
not act, whoever calls it: a view, the admin, a task, a test. ``NotAllowed`` is an ``Http404``, so
Django's own exception handling answers it with the site's normal 404 page wherever it comes from
(a view that forgot its pre-check, an admin action, a form's ``save()``): no try/except per view,
no middleware to keep in order, and another organisation's object never shows that it exists.
It is not logged as a server error, since it is not one.

Views may still check the same rule before rendering a form (so nobody fills in a form that will
be refused), and catch ``NotAllowed`` only where they want another answer than a 404.
"""

from django.http import Http404


class NotAllowed(Http404):
    """The actor may not do this; for them the object might as well not exist (404)."""
