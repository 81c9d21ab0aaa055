"""Typed gateway settings from the environment (prefix ``MOTCUA_``); secrets never have defaults.

A secret that looks like a placeholder ("changeme", "xxx", "<your token>") is refused at start-up, so a deployment
cannot go live with the example values from the documentation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from backends._sql import cache_dir

_PLACEHOLDER = re.compile(
    r"^(?:change[-_ ]?me|xxx+|todo|secret|placeholder|example|test|dummy|<.*>|\$\{.*\}|your[-_ ].*)$", re.I
)


def _default_data_dir() -> Path:
    """``$MOTCUA_CACHE_DIR/gateway``: the same cache root as the backends' SQLite files."""
    return cache_dir() / "gateway"


class GatewaySettings(BaseSettings):
    """Everything the gateway needs; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore", hide_input_in_errors=True)

    gateway_host: str = "127.0.0.1"
    gateway_port: int = Field(8000, ge=1, le=65535)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_s: float = Field(10.0, gt=0, le=120)
    rasa_token: SecretStr | None = None  # Rasa HTTP API token, only for the staff shell's debug view
    staff_token: SecretStr | None = None  # lets the staff shell ask the chat API for debug details
    data_dir: Path = Field(default_factory=_default_data_dir)  # SQLite files: Zalo inbox, tokens, dedupe

    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)  # CORS for the web widget
    max_message_chars: int = Field(2000, ge=1, le=20000)
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    rate_limit: str = "20/minute"  # per sender, `limits` notation
    default_language: str = "vi"

    zalo_app_id: str | None = None
    zalo_oa_secret_key: SecretStr | None = None  # signs webhook events (X-ZEvent-Signature)
    zalo_app_secret_key: SecretStr | None = None  # header of the token-refresh call
    zalo_refresh_token: SecretStr | None = None  # first refresh token; later ones are stored in data_dir
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_max_event_age_s: int = Field(300, ge=10)  # older events are refused as replays

    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = None  # X-Telegram-Bot-Api-Secret-Token of the webhook
    telegram_api_base: str = "https://api.telegram.org/bot"

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @field_validator(
        "rasa_token",
        "staff_token",
        "zalo_oa_secret_key",
        "zalo_app_secret_key",
        "zalo_refresh_token",
        "telegram_bot_token",
        "telegram_secret_token",
    )
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if not secret:
            return None
        if _PLACEHOLDER.match(secret) or len(secret) < 8:
            raise ValueError("looks like a placeholder, not a real secret: set the real value in the environment")
        return SecretStr(secret)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_oa_secret_key)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None


def secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""
