"""Shared fixtures: the real assistant (model converted and index built on first use, in MOTCUA_CACHE_DIR)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def assistant():
    from knowledge_base.assistant import Assistant

    built = Assistant.from_settings(show_progress=False)
    built.warm_up()
    return built
