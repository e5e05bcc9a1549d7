"""Disclosure pages (11.1–11.7): requests from the police and outside bodies (requests.py), the
reviewer's side (review.py), FOI requests and closure periods (foi.py) and the disclosure register
(register.py). Every page checks its action on the server; objects are looked up through restrict(), so
another school's is a 404. State changes go through disclosures.services; a refusal is shown in the
form that asked (core.refusals.attempt) or, for a button, on the refused page."""

from watchkeeper.disclosures.views.foi import closure_remove, closures, foi_decide, foi_detail, foi_new
from watchkeeper.disclosures.views.register import register_csv, register_page, register_pdf
from watchkeeper.disclosures.views.requests import (
    document_download,
    document_upload,
    index,
    outside_new,
    police_new,
    request_advise,
    request_decide,
    request_detail,
    request_escalate,
)
from watchkeeper.disclosures.views.review import review_finding, review_list, review_request

__all__ = [
    "closure_remove",
    "closures",
    "document_download",
    "document_upload",
    "foi_decide",
    "foi_detail",
    "foi_new",
    "index",
    "outside_new",
    "police_new",
    "register_csv",
    "register_page",
    "register_pdf",
    "request_advise",
    "request_decide",
    "request_detail",
    "request_escalate",
    "review_finding",
    "review_list",
    "review_request",
]
