"""Notices: e-mail telling a person that something waits on them (issue 15 §3; design/notices.md). Its page
is reached from the account menu, so it registers no navigation link."""

from watchkeeper.core import registry


class NoticesConfig(registry.Registering):
    name = "watchkeeper.notices"
    verbose_name = "E-mail notices"
