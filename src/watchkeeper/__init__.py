"""Watchkeeper: CCTV for schools with the data-protection policy enforced in software."""

__version__ = "0.1.0"
