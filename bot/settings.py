"""Settings, read from the environment and from a `.env` file (see `.env.example`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything the bot can be configured with. Field names are the variable names."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="Bot token")
    database_url: str = Field(default="sqlite+aiosqlite:///kenny-trivia.db")
    facts_dir: Path = Field(default=REPO_ROOT / "facts")
    dev_guild_id: int | None = None
    message_content: bool = False
    log_level: str = "INFO"
    ask_cooldown_rate: int = Field(default=5, ge=1)
    ask_cooldown_seconds: float = Field(default=30.0, gt=0)

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _blank_guild_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("log_level")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()
