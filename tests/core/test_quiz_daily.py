"""The daily question's schedule: the time zone decides the day, and a day is posted once."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.quiz import (
    DailySchedule,
    InvalidSettings,
    check_open_minutes,
    parse_time,
    parse_timezone,
)

UTC = dt.UTC
LONDON = DailySchedule(dt.time(9, 0), "Europe/London", 60)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", dt.time(9)),
        ("9:30", dt.time(9, 30)),
        ("21.15", dt.time(21, 15)),
        ("00:00", dt.time(0)),
    ],
)
def test_times_of_day_are_read(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9am", "12:60", "", "noon", "9"])
def test_anything_else_is_refused_with_the_format(text: str) -> None:
    with pytest.raises(InvalidSettings, match="24-hour HH:MM"):
        parse_time(text)


def test_time_zones_are_checked() -> None:
    assert parse_timezone(None) == "UTC"
    assert parse_timezone("Europe/London") == "Europe/London"
    with pytest.raises(InvalidSettings, match="not a time zone"):
        parse_timezone("Mars/Olympus")
    with pytest.raises(InvalidSettings, match="5-720 minutes"):
        check_open_minutes(2)


def test_summer_time_moves_the_post_in_utc() -> None:
    assert LONDON.post_time(dt.date(2026, 1, 15)) == at(2026, 1, 15, 9)
    assert LONDON.post_time(dt.date(2026, 7, 15)) == at(2026, 7, 15, 8)  # BST


def test_due_once_its_time_has_come_and_only_once_a_day() -> None:
    yesterday = dt.date(2026, 7, 14)
    assert LONDON.due(at(2026, 7, 15, 7, 59), yesterday) is None  # 08:59 in London
    assert LONDON.due(at(2026, 7, 15, 8, 0), yesterday) == dt.date(2026, 7, 15)
    assert LONDON.due(at(2026, 7, 15, 8, 0), dt.date(2026, 7, 15)) is None  # posted
    # Down at post time and back at 15:00: posted on start, for today only.
    assert LONDON.due(at(2026, 7, 15, 14), dt.date(2026, 7, 10)) == dt.date(2026, 7, 15)


def test_the_local_date_decides_the_day() -> None:
    tokyo = DailySchedule(dt.time(7, 0), "Asia/Tokyo", 60)
    # 23:00 UTC on the 14th is 08:00 on the 15th in Tokyo.
    assert tokyo.due(at(2026, 7, 14, 23), dt.date(2026, 7, 14)) == dt.date(2026, 7, 15)


def test_setting_up_after_the_time_starts_tomorrow_before_it_today() -> None:
    after = at(2026, 7, 15, 10)
    last = LONDON.first_last_date(after)
    assert LONDON.due(after, last) is None
    assert LONDON.next_post(after, last) == at(2026, 7, 16, 8)
    before = at(2026, 7, 15, 6)
    last = LONDON.first_last_date(before)
    assert LONDON.next_post(before, last) == at(2026, 7, 15, 8)
    assert LONDON.due(at(2026, 7, 15, 8), last) == dt.date(2026, 7, 15)
