"""Sharding settings: what SHARD_IDS may say, which shard a server is on, and the settings that
stop the bot at start (one clear line)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.shards import (
    UNSHARDED,
    ShardConfigError,
    ShardPlan,
    format_shard_ids,
    parse_shard_ids,
    plan_shards,
    shard_of,
)

PG = "postgresql+asyncpg://bot@db/bot"
SQLITE = "sqlite+aiosqlite:///bot.db"


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("0-3", (0, 1, 2, 3)),
        ("0,2,5", (0, 2, 5)),
        (" 5 , 0-2, 2 ", (0, 1, 2, 5)),
        ("7", (7,)),
        ("3-3", (3,)),
    ],
)
def test_shard_ids_are_ranges_and_lists(text: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "not a list"),
        ("0,,1", "not a list"),
        ("a", "'a' is not a shard id"),
        ("1-a", "'1-a' is not a shard id"),
        ("3-1", "ends before it starts"),
        ("-1", "not a shard id"),
        ("0-99999", "stop at"),
    ],
)
def test_bad_shard_ids_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ShardConfigError, match=says) as err:
        parse_shard_ids(text)
    assert "\n" not in str(err.value)


@settings(deadline=None)
@given(st.sets(st.integers(0, 300), min_size=1))
def test_shard_ids_written_back_read_the_same(ids: set[int]) -> None:
    assert parse_shard_ids(format_shard_ids(ids)) == tuple(sorted(ids))


def test_a_server_is_on_the_shard_of_its_id_timestamp() -> None:
    guild_id = (123_456 << 22) | 99  # the low 22 bits do not count
    assert shard_of(guild_id, 1) == 0
    assert shard_of(guild_id, 8) == 123_456 % 8
    assert shard_of(guild_id, 7) == 123_456 % 7
    with pytest.raises(ValueError):
        shard_of(guild_id, 0)


def test_a_process_holds_the_bundled_facts_and_its_shards_servers() -> None:
    plan = plan_shards(4, "1,3", database_url=PG)
    assert plan == ShardPlan(4, (1, 3)) and plan.sharded
    assert plan.holds(0)  # the bundled facts, everywhere
    assert plan.holds(1 << 22) and plan.holds(3 << 22) and plan.holds(7 << 22)
    assert not plan.holds(2 << 22) and not plan.holds(4 << 22)
    assert not plan.gets_dms  # DMs arrive on shard 0
    assert plan_shards(4, "0", database_url=PG).gets_dms
    assert plan.describe() == "shards 1,3 of 4"


def test_no_sharding_settings_hold_everything() -> None:
    plan = plan_shards(None, None, database_url=SQLITE)
    assert plan is UNSHARDED and not plan.sharded
    assert plan.holds(0) and plan.holds(12345 << 22) and plan.gets_dms


def test_a_shard_count_alone_runs_every_shard() -> None:
    assert plan_shards(3, None, database_url=PG) == ShardPlan(3, (0, 1, 2))
    assert plan_shards(3, "", database_url=PG) == ShardPlan(3, (0, 1, 2))


@pytest.mark.parametrize(
    ("count", "ids", "url", "says"),
    [
        (4, "2-5", PG, "SHARD_IDS 2-5 is outside SHARD_COUNT 4: shard ids go from 0 to 3"),
        (None, "0-1", PG, "SHARD_COUNT is not"),
        (0, None, PG, "between 1 and"),
        (2, "0", SQLITE, "needs PostgreSQL"),
        (1, None, SQLITE, "needs PostgreSQL"),
    ],
)
def test_settings_that_cannot_work_are_refused_in_one_line(
    count: int | None, ids: str | None, url: str, says: str
) -> None:
    with pytest.raises(ShardConfigError, match=says) as err:
        plan_shards(count, ids, database_url=url)
    assert "\n" not in str(err.value)
