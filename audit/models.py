"""The audit app has no tables of its own: it reads the history of every other app.

This module exists because Django sends post_migrate only to apps with a models
module, and the history triggers (audit.guard) are installed on post_migrate.
"""
