"""Notices: e-mail telling a person that something waits on them (issue 15 §3; design/notices.md)."""

from watchkeeper.core import registry


class NoticesConfig(registry.Registering):
    name = "watchkeeper.notices"
