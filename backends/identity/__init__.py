"""Citizen identity (in the spirit of VNeID data sharing): who the citizen is, proof that it is them, and consent.

Used to pre-fill the official application forms ("provide information only once"): the form asks only what the
identity data does not hold.

- :mod:`.model` — frozen ``Address``, ``Citizen`` and ``BirthNotice`` (giấy chứng sinh; ``repr`` hides personal
  data);
- :mod:`.base` — the ``IdentityBackend`` Protocol, ``IdentityUnavailable``, reading ID and phone numbers;
- :mod:`.sql` — SQLite / PostgreSQL (SQLAlchemy 2); :mod:`.seed` — Quảng Ninh demo citizens and birth notices;
- :mod:`.http` — a provider's HTTP API (contract in ``HTTP_CONTRACT.md``); :mod:`.factory` — choose from the env;
- :mod:`.verification` — the ``Verifier`` Protocol and ``OtpService`` (one-time codes, demo delivery in the chat);
- :mod:`.consent` — ``ConsentStore``: the citizen's consent to use their data for one form, for a short time.

Importing this package does no work: engines, sessions and HTTP sessions are created on first use.
"""
