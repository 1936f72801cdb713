"""The daily question's schedule: when to post, and the rule that a day is posted at most once.

All times are aware datetimes in UTC; the schedule's local time and time zone decide which
day it is. The caller stores `last_date` (the local date of the last post) and claims a day
before posting it, so a restart neither skips a missed post nor makes it twice.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._errors import InvalidSettings

DEFAULT_TIMEZONE = "UTC"
MIN_OPEN_MINUTES = 5
MAX_OPEN_MINUTES = 12 * 60
DEFAULT_OPEN_MINUTES = 60
"""How long the daily question takes answers before its result is posted."""

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


def parse_time(text: str) -> dt.time:
    """ "09:00", "9:30", "21.15" -> a time of day. Raises InvalidSettings naming the problem."""
    m = _TIME.match(text)
    if m is None:
        raise InvalidSettings(
            f"{text.strip()!r} is not a time of day: use 24-hour HH:MM, for example 09:00 or 18:30"
        )
    return dt.time(int(m.group(1)), int(m.group(2)))


def parse_timezone(name: str | None) -> str:
    """A valid IANA time zone name ("Europe/London"), UTC when empty. Raises InvalidSettings."""
    zone = (name or DEFAULT_TIMEZONE).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSettings(
            f"{zone!r} is not a time zone I know: use a name like Europe/London, "
            "America/New_York or UTC"
        ) from None
    return zone


def check_open_minutes(minutes: int) -> int:
    if not MIN_OPEN_MINUTES <= minutes <= MAX_OPEN_MINUTES:
        raise InvalidSettings(
            f"answers stay open {MIN_OPEN_MINUTES}-{MAX_OPEN_MINUTES} minutes, not {minutes}"
        )
    return minutes


@dataclass(frozen=True, slots=True)
class DailySchedule:
    """One question a day at `post_at` local time in `timezone`."""

    post_at: dt.time
    timezone: str = DEFAULT_TIMEZONE
    open_minutes: int = DEFAULT_OPEN_MINUTES

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, now: dt.datetime) -> dt.date:
        return now.astimezone(self.zone).date()

    def post_time(self, day: dt.date) -> dt.datetime:
        """When the post for a local day is due, in UTC (zoneinfo handles summer time)."""
        return dt.datetime.combine(day, self.post_at, tzinfo=self.zone).astimezone(dt.UTC)

    def due(self, now: dt.datetime, last_date: dt.date | None) -> dt.date | None:
        """The local day to post for now, or None: today once its time has come, unless
        today was posted. A bot that was down at post time posts on start, once."""
        today = self.local_date(now)
        if last_date is not None and last_date >= today:
            return None
        return today if now >= self.post_time(today) else None

    def next_post(self, now: dt.datetime, last_date: dt.date | None) -> dt.datetime:
        """When the next post is due (now, if one is due)."""
        if self.due(now, last_date) is not None:
            return now
        today = self.local_date(now)
        if (last_date is None or last_date < today) and now < self.post_time(today):
            return self.post_time(today)
        return self.post_time(today + dt.timedelta(days=1))

    def first_last_date(self, now: dt.datetime) -> dt.date:
        """The `last_date` to store when the schedule is set: a time already past today
        starts tomorrow, a time still to come today is posted today."""
        today = self.local_date(now)
        if now >= self.post_time(today):
            return today
        return today - dt.timedelta(days=1)

    def closes_at(self, opened: dt.datetime) -> dt.datetime:
        return opened + dt.timedelta(minutes=self.open_minutes)


def daily_rng(guild_id: int, day: dt.date) -> random.Random:
    """The same question and options for one server and day, however often it is drawn."""
    return random.Random(f"daily:{guild_id}:{day.isoformat()}")
