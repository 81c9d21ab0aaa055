"""The dossier (hồ sơ) system: look a dossier up by its code, list what changed, prove the citizen owns it.

- :mod:`.model` — the national status list and the frozen ``Dossier`` record;
- :mod:`.codes` — reading a dossier code (Thông tư 01/2018/TT-VPCP, Art. 19) out of what a citizen types;
- :mod:`.base` — the ``DossierBackend`` Protocol, ``BackendUnavailable`` and ``verification_matches``;
- :mod:`.sql` — SQLite / PostgreSQL (SQLAlchemy 2); :mod:`.seed` — Quảng Ninh demo dossiers;
- :mod:`.http` — a province's HTTP API (contract in ``HTTP_CONTRACT.md``); :mod:`.factory` — choose from the env.

Importing this package does no work: engines and sessions are created on first use.
"""
