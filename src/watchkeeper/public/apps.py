"""The public forms (issue 18 §3): a request from the form is a subject access case, in the SAR handlers'
inbox (subjectaccess/inbox.py); a complaint waits in the complaints handlers' inbox until it is entered in
the register (inbox.py)."""

from watchkeeper.core import registry


class PublicConfig(registry.Registering):
    name = "watchkeeper.public"
    inbox = ("complaints_to_record",)
