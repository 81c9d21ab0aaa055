"""Run the action server (rasa-sdk) on 127.0.0.1 with the retrieval layer loaded before it answers.

rasa-sdk's own ``run`` binds 0.0.0.0 and forks workers; this runs one process on the configured interface and
warms the index and the embedding model first, so ``/health`` answering means the first question is fast.
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor

from .services import get_assistant, get_related

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"


def build_app(warm: bool = True):
    executor = ActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    app = create_app(executor, cors_origins="")
    app.config.MOTD = False
    if warm:

        @app.before_server_start
        async def _warm_up(*_: object) -> None:
            logger.info("loading the retrieval layer…")
            get_assistant().warm_up()
            get_related()
            logger.info("retrieval layer ready")

    return app


def run_action_server(host: str = "127.0.0.1", port: int = 5055) -> None:
    app = build_app()
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
