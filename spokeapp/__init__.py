"""Spoke: offline-first casebook and lone-working safety for CSE outreach workers."""
__version__ = "0.1.0"
