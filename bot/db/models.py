"""SQLAlchemy models. Every table is scoped by Discord server (guild) id; 0 is the bundled scope."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[str]: JSON}


class FactRow(Base):
    """A fact: bundled (guild_id 0) or owned by one server. Never deleted, only marked."""

    __tablename__ = "facts"
    __table_args__ = (UniqueConstraint("guild_id", "slug", name="uq_facts_guild_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    slug: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    accept: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    quote: Mapped[str | None] = mapped_column(Text)
    about: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    sex: Mapped[str | None] = mapped_column(String(8))
    quiz: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    source_url: Mapped[str | None] = mapped_column(String(500))
    source_title: Mapped[str | None] = mapped_column(String(300))
    source_date: Mapped[dt.date | None] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(16), default="bundled")
    content_hash: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    phrasings: Mapped[list[PhrasingRow]] = relationship(
        back_populates="fact",
        cascade="all, delete-orphan",
        order_by="PhrasingRow.position",
        lazy="raise",
    )


class PhrasingRow(Base):
    """One other way of asking a fact's question."""

    __tablename__ = "fact_phrasings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    fact: Mapped[FactRow] = relationship(back_populates="phrasings", lazy="raise")


class HiddenFactRow(Base):
    """A bundled fact that one server has hidden."""

    __tablename__ = "hidden_facts"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    hidden_by: Mapped[int | None] = mapped_column(BigInteger)
    hidden_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FactAuditRow(Base):
    """Who changed which fact, when, and what it looked like before and after."""

    __tablename__ = "fact_audit"
    __table_args__ = (Index("ix_fact_audit_guild_slug", "guild_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    slug: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FactSuggestionRow(Base):
    """A fact a member suggested, waiting for a moderator's review."""

    __tablename__ = "fact_suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    fact_slug: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    review_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    review_message_id: Mapped[int | None] = mapped_column(BigInteger)


class GuildSettingsRow(Base):
    """Per-server settings."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    moderator_role_id: Mapped[int | None] = mapped_column(BigInteger)
    suggestion_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    ask_rate: Mapped[int | None] = mapped_column(Integer)
    ask_seconds: Mapped[int | None] = mapped_column(Integer)


class KnownAskerRow(Base):
    """A member who has asked the bot something in a server (for the first-time hint)."""

    __tablename__ = "known_askers"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class AskChannelRow(Base):
    """A channel where the bot answers every message that looks like a question."""

    __tablename__ = "ask_channels"

    channel_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    enabled_by: Mapped[int | None] = mapped_column(BigInteger)


class QuizScoreRow(Base):
    """A member's quiz record in one server."""

    __tablename__ = "quiz_scores"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    points: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    games: Mapped[int] = mapped_column(Integer, default=0)
    wins: Mapped[int] = mapped_column(Integer, default=0)


class QuizGameRow(Base):
    """A quiz game, kept so that one still open when the bot restarts can be closed."""

    __tablename__ = "quiz_games"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger, index=True)
    started_by: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# --- quiz: players' names and streaks, dated points, server defaults, the daily question ----
# (migration 0003)


class QuizPlayerRow(Base):
    """A member as quiz boards show them in one server: their display name when they last
    scored (so a board never says "@unknown-user") and their best streak of right answers."""

    __tablename__ = "quiz_players"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str | None] = mapped_column(String(100))
    best_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuizPointsRow(Base):
    """Points one member scored on one closed question, dated for the weekly and monthly
    boards (the all-time totals are in quiz_scores)."""

    __tablename__ = "quiz_points"
    __table_args__ = (Index("ix_quiz_points_guild_at", "guild_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class QuizSettingsRow(Base):
    """A server's quiz defaults; an empty column means the bot's own default."""

    __tablename__ = "quiz_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    rounds: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[int | None] = mapped_column(Integer)
    mode: Mapped[str | None] = mapped_column(String(16))
    updated_by: Mapped[int | None] = mapped_column(BigInteger)


class QuizDailyRow(Base):
    """A server's daily question: where and when. last_date is the local day last posted,
    claimed before posting so that no day is posted twice."""

    __tablename__ = "quiz_daily"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    post_at: Mapped[str] = mapped_column(String(5))  # "HH:MM", local time
    timezone: Mapped[str] = mapped_column(String(64))
    open_minutes: Mapped[int] = mapped_column(Integer)
    last_date: Mapped[dt.date | None] = mapped_column(Date)
    set_by: Mapped[int | None] = mapped_column(BigInteger)


class QuizDailyRoundRow(Base):
    """One posted daily question, open until closes_at; its answers are quiz_daily_answers."""

    __tablename__ = "quiz_daily_rounds"
    __table_args__ = (UniqueConstraint("guild_id", "day", name="uq_quiz_daily_rounds_guild_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[dt.date] = mapped_column(Date)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    fact_scope: Mapped[int] = mapped_column(BigInteger)
    fact_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    correct_index: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class QuizDailyAnswerRow(Base):
    """A member's one answer to a daily question."""

    __tablename__ = "quiz_daily_answers"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_daily_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str | None] = mapped_column(String(100))
    choice: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    elapsed: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)


# --- bookkeeping (migration 0005) -----------------------------------------------------------


class MetaRow(Base):
    """A small key/value store for the bot's own bookkeeping (e.g. the hash of the bundled fact
    files last loaded, so that an unchanged set is not loaded again)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
