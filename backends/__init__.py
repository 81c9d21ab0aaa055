"""Clients of the systems behind the assistant: the provincial dossier system and citizen identity.

Each sits behind a small Protocol with an embedded SQLite default (demo data), a generic SQL implementation
(PostgreSQL in production) and an HTTP adapter for a province's own API. Nothing here imports the rest of motcua.
"""
