"""The Zalo Official Account channel: signed webhook → durable inbox → worker → Rasa → Zalo OA API v3.

Modules: ``signature`` (webhook MAC), ``store`` (the SQLite file), ``tokens`` (rotating OAuth tokens), ``api``
(sending), ``render`` (neutral replies → Zalo messages), ``inbox`` (durable de-duplicated events), ``worker``
(drains the inbox) and ``channel`` (the FastAPI route and lifespan).
"""
