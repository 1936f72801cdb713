"""Settings, read from the environment and from a `.env` file (see `.env.example`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.shards import (
    ShardConfigError,
    ShardPlan,
    format_shard_ids,
    parse_shard_ids,
    plan_shards,
)

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
    shard_count: int | None = Field(default=None, ge=1)
    """Total number of shards of the bot, across all its processes (None: not sharded)."""
    shard_ids: str | None = None
    """The shards this process runs, e.g. "0-3" or "0,2,5" (default: all of SHARD_COUNT)."""

    def shard_plan(self) -> ShardPlan:
        """The shards this process runs; ShardConfigError (one line) if the settings cannot
        work together."""
        return plan_shards(self.shard_count, self.shard_ids, database_url=self.database_url)

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("dev_guild_id", "shard_count", "shard_ids", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("shard_ids")
    @classmethod
    def _shard_ids(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            return format_shard_ids(parse_shard_ids(v))
        except ShardConfigError as err:
            raise ValueError(str(err).removeprefix("SHARD_IDS").lstrip(" :")) from None

    @field_validator("log_level")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()
