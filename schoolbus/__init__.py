"""Placeholder package: this app is built by its own issue; see README."""
