"""PostgreSQL backend for the test suite only: its flush may empty append-only tables.

Signatures, decisions and history tables refuse TRUNCATE through statement triggers.
Transactional tests are reset by Django's flush, which truncates every table; it runs
here with session_replication_role = replica, under which ordinary triggers do not
fire. Only a superuser (the test database owner here) may set it, never the app's
role, so production gains no way around the triggers.
"""
