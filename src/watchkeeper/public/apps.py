"""The public forms (issue 18 §3): no links, panels or inbox of their own — a request from the form is a
subject access case, in the SAR handlers' inbox (subjectaccess/inbox.py)."""

from watchkeeper.core import registry


class PublicConfig(registry.Registering):
    name = "watchkeeper.public"
