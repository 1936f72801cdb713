# ruff: noqa: ASYNC109  (timeout= parameters are part of the public test API)
"""The fake Discord: an aiohttp server on 127.0.0.1 speaking enough REST (API v10) and gateway
to run a discord.py 2.7 bot end to end, plus a test-driving API (``send_message``, ``slash``,
``click``, ``submit_modal``, ``wait_for_*``).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import mimetypes
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import quote

from aiohttp import BodyPartReader, WSMsgType, web

from .interaction import EPHEMERAL, LOADING, Interaction
from .models import (
    JSON,
    Channel,
    Guild,
    Intent,
    Member,
    Perm,
    Request,
    Role,
    Snowflakes,
    UploadedFile,
    User,
    now_iso,
    snowflake_iso,
)
from .runner import DiscordPatch

log = logging.getLogger("fakediscord")
T = TypeVar("T")
API = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REC = web.RequestKey("rec", Request)
AttachmentLike = bytes | tuple[str, bytes] | UploadedFile


class DiscordError(Exception):
    """Raised by handlers; rendered as a Discord-style JSON error body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON response whose Content-Type is exactly ``application/json`` (discord.py checks it)."""
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def static(make: Callable[[], web.Response]) -> Handler:
    """Async handler answering ``make()`` (aiohttp deprecates sync handlers)."""

    async def handler(_: web.Request) -> web.Response:
        return make()

    return handler


def _emoji(text: str) -> JSON:
    """Emoji object for a reaction route's ``name:id`` (custom) or unicode emoji."""
    m = re.fullmatch(r"(?:a:)?(\w+):(\d+)", text)
    return {"id": m[2], "name": m[1]} if m else {"id": None, "name": text}


def walk_components(components: Iterable[JSON]) -> Iterable[JSON]:
    """All components, depth first (rows, containers, sections, labels...)."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if comp.get(key):
                yield from walk_components([comp[key]])


@dataclass
class _Failure:
    method: str
    path: str
    status: int
    code: int
    message: str
    times: int


@dataclass
class _Fault:
    """A window of time during which matching REST requests are rate limited or stalled."""

    kind: str  # "429" or "stall"
    method: str
    path: str
    until: float
    seconds: float  # Retry-After for 429, the delay for a stall
    hits: int = 0


class _Session:
    """One gateway connection. Outgoing frames go through a queue so ordering is preserved even
    when events are dispatched from synchronous helpers."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.intents = 0
        self.identified = False
        self.shard = (0, 1)  # [shard_id, shard_count] from IDENTIFY
        self.session_id = uuid.uuid4().hex
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.sender = asyncio.create_task(self._send_loop())

    def send(self, payload: JSON) -> None:
        self.queue.put_nowait(json.dumps(payload))

    def carries(self, guild_id: int | None) -> bool:
        """Whether this connection's shard gets a server's events (DMs: shard 0)."""
        shard_id, shard_count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % shard_count == shard_id

    def dispatch(self, event: str, data: Any) -> None:
        self.seq += 1
        self.send({"op": 0, "t": event, "s": self.seq, "d": data})

    async def _send_loop(self) -> None:
        while True:
            frame = await self.queue.get()
            try:
                if not self.ws.closed:
                    await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway send failed: %s", exc)
            finally:
                self.queue.task_done()

    async def close(self) -> None:
        self.sender.cancel()
        await asyncio.gather(self.sender, return_exceptions=True)
        while not self.queue.empty():
            self.queue.get_nowait()
            self.queue.task_done()


class FakeDiscord:
    """A tiny Discord (one bot application) served on 127.0.0.1:<random port>.

    Use as ``async with FakeDiscord() as fake, fake.patch_discord(): ...``. Build the world
    (``add_guild``/``add_channel``/``add_user``/``add_member``/``add_role``/``dm_channel``) before
    the bot connects (it goes into READY/GUILD_CREATE) or after (matching events are dispatched).

    Modelled Discord behaviour worth knowing: guild members other than the bot are only sent in
    GUILD_CREATE if the bot identified with the GUILD_MEMBERS intent; message events are gated by
    the (DIRECT_)MESSAGES intents; without MESSAGE_CONTENT, guild messages that don't mention the
    bot reach it with empty content; commands with ``default_member_permissions``/``contexts`` the
    user doesn't satisfy cannot be invoked (PermissionError/LookupError from ``slash``), unless
    an admin allowed the member or one of their roles in Integrations (``allow_command``).
    """

    def __init__(
        self,
        *,
        bot_name: str = "FakeBot",
        token: str | None = None,
        privileged_intents: int = Intent.PRIVILEGED,
        heartbeat_interval: int = 41250,
    ) -> None:
        """``token``: if set, REST and IDENTIFY must use it (401 / close 4004 otherwise).
        ``privileged_intents``: those enabled for the app in the Developer Portal; IDENTIFY
        asking for others is closed with 4014 (discord.py raises PrivilegedIntentsRequired)."""
        self._ids = Snowflakes()
        self.token = token
        self.privileged_intents = privileged_intents
        self.heartbeat_interval = heartbeat_interval
        self.bot = User(self._ids.next(), bot_name, bot=True)
        self.application_id = self.bot.id
        self.app_owner = User(self._ids.next(), "AppOwner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot, self.app_owner)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.interactions: dict[int, Interaction] = {}
        self.requests: list[Request] = []
        self.unknown_requests: list[Request] = []
        self.deleted_messages: list[JSON] = []
        self.attachment_data: dict[int, bytes] = {}
        self.reactions: dict[int, dict[str, list[int]]] = {}  # message id -> emoji -> user ids
        self.identify: JSON | None = None  # last IDENTIFY ``d``
        self.gateway_received: list[JSON] = []  # every frame the bot sent on the gateway
        self.presence: JSON | None = None
        self.ready = asyncio.Event()  # READY + GUILD_CREATEs were sent
        self.commands_synced = asyncio.Event()  # the bot PUT/POSTed application commands
        self._messages: dict[int, JSON] = {}  # insertion order == id order
        self._sessions: list[_Session] = []
        self._resumable: dict[str, tuple[int, tuple[int, int]]] = {}  # session -> intents, shard
        self._failures: list[_Failure] = []
        self._faults: list[_Fault] = []
        self.rate_limited: list[Request] = []  # requests answered 429 by a storm
        self._claimed_messages: set[int] = set()
        self._action_mark = 0  # last snowflake issued before the latest driving call
        self._claimed_requests: set[int] = set()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024**2)
        self._add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for sess in list(self._sessions):
            await sess.ws.close(code=1001)
            await sess.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.url + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def patch_discord(self) -> DiscordPatch:
        """(Async) context manager pointing discord.py's REST base and gateway at this fake."""
        return DiscordPatch(self.api_base, self.gateway_url)

    @property
    def connected(self) -> bool:
        return any(s.identified for s in self._sessions)

    @property
    def intents(self) -> int | None:
        """Intents value from the bot's last IDENTIFY (None before identify)."""
        return None if self.identify is None else int(self.identify.get("intents", 0))

    # ------------------------------------------------------------------ world building

    def add_user(self, name: str, bot: bool = False) -> User:
        user = User(self._ids.next(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: User | None = None,
        bot_permissions: int = Perm.BOT_DEFAULT,
        everyone_permissions: int = Perm.EVERYONE_DEFAULT,
        locale: str = "en-US",
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild with an @everyone role and the bot as member (via a managed role carrying
        ``bot_permissions``). ``owner`` (added as member) has all permissions. ``shard``
        ``(shard_id, shard_count)``: an id Discord delivers on that shard."""
        gid = self._ids.next() if shard is None else self._ids.next_on_shard(*shard)
        guild = Guild(gid, name, owner.id if owner else self._ids.next(), locale=locale)
        guild.roles[gid] = Role(gid, gid, "@everyone", everyone_permissions)
        self.guilds[gid] = guild
        bot_role = self._new_role(guild, self.bot.name, bot_permissions, managed=True)
        guild.members[self.bot.id] = Member(self.bot, gid, [bot_role.id])
        if owner is not None:
            self.users.setdefault(owner.id, owner)
            guild.members[owner.id] = Member(owner, gid)
        for sess in self._live_sessions(Intent.GUILDS, guild_id=gid):
            sess.dispatch("GUILD_CREATE", self._guild_create_payload(guild, sess.intents))
        return guild

    def allow_command(self, guild: Guild, name: str, who: User | Role) -> None:
        """What an admin does under Server Settings -> Integrations: let a member or a role use
        a command whose ``default_member_permissions`` they lack (the bot still checks)."""
        guild.command_access.setdefault(name, set()).add(who.id)

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = self._new_role(guild, name, permissions)
        self.dispatch(
            "GUILD_ROLE_CREATE",
            {"guild_id": str(guild.id), "role": role.payload()},
            intent=Intent.GUILDS,
        )
        return role

    def add_channel(self, guild: Guild, name: str, *, topic: str | None = None) -> Channel:
        ch = Channel(self._ids.next(), name, 0, guild.id, position=len(guild.channels), topic=topic)
        guild.channels[ch.id] = self.channels[ch.id] = ch
        self.dispatch("CHANNEL_CREATE", ch.payload(), intent=Intent.GUILDS)
        return ch

    def add_member(
        self,
        guild: Guild,
        user: User,
        roles: Sequence[Role | int] = (),
        permissions: int | None = None,
        *,
        nick: str | None = None,
    ) -> Member:
        """Add ``user`` to ``guild``. ``permissions`` creates a dedicated role with that bitfield
        (e.g. ``Perm.MANAGE_GUILD`` or ``Perm.ADMINISTRATOR``)."""
        role_ids = [r.id if isinstance(r, Role) else int(r) for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f"{user.name}-perms", permissions).id)
        member = Member(user, guild.id, role_ids, nick=nick)
        guild.members[user.id] = member
        self.users.setdefault(user.id, user)
        self.dispatch(
            "GUILD_MEMBER_ADD",
            {"guild_id": str(guild.id), **member.payload()},
            intent=Intent.GUILD_MEMBERS,
        )
        return member

    def deny(self, channel: Channel, user: User, permissions: int) -> None:
        """Deny ``user`` (e.g. ``fake.bot``) ``permissions`` in ``channel`` (a member overwrite);
        the bot is told with CHANNEL_UPDATE."""
        channel.denied[user.id] = channel.denied.get(user.id, 0) | permissions
        self.dispatch("CHANNEL_UPDATE", channel.payload(), intent=Intent.GUILDS)

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and ``user`` (created on first use)."""
        for ch in self.channels.values():
            if ch.recipient is user:
                return ch
        ch = Channel(self._ids.next(), user.name, 1, recipient=user)
        self.channels[ch.id] = ch
        return ch

    def _new_role(self, guild: Guild, name: str, permissions: int, managed: bool = False) -> Role:
        role = Role(self._ids.next(), guild.id, name, permissions, len(guild.roles), managed)
        guild.roles[role.id] = role
        return role

    def guild_of(self, channel: Channel) -> Guild | None:
        return None if channel.guild_id is None else self.guilds[channel.guild_id]

    # ------------------------------------------------------------------ state access & waiting

    def get_message(self, message: JSON | int | str) -> JSON | None:
        """Current version of a stored message (None if unknown or deleted)."""
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        return self._messages.get(mid)

    def messages_in(self, channel: Channel, *, include_ephemeral: bool = True) -> list[JSON]:
        """Messages of a channel, oldest first."""
        return [
            m
            for m in self._messages.values()
            if int(m["channel_id"]) == channel.id
            and (include_ephemeral or not m["flags"] & EPHEMERAL)
        ]

    def attachment_bytes(self, attachment: JSON) -> bytes:
        return self.attachment_data[int(attachment["id"])]

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int = 1,
    ) -> None:
        """Make the next ``times`` requests matching ``method`` and the ``path`` regex (fullmatch,
        relative to /api/v10) fail. Note discord.py retries 5xx answers with sleeps."""
        self._failures.append(_Failure(method.upper(), path, status, code, message, times))

    # ------------------------------------------------------------------ fault injection

    def rate_limit(
        self,
        method: str = "*",
        path: str = ".*",
        *,
        seconds: float,
        retry_after: float = 1.0,
    ) -> None:
        """For the next ``seconds``, answer requests matching ``method`` (``*``: any) and the
        ``path`` regex with 429 and ``Retry-After: retry_after``, as Discord does (with the
        ``Via`` header discord.py checks, so it waits and retries instead of giving up)."""
        until = time.perf_counter() + seconds
        self._faults.append(_Fault("429", method.upper(), path, until, retry_after))

    def stall(self, method: str = "*", path: str = ".*", *, seconds: float, delay: float) -> None:
        """For the next ``seconds``, hold matching requests ``delay`` seconds before answering."""
        until = time.perf_counter() + seconds
        self._faults.append(_Fault("stall", method.upper(), path, until, delay))

    async def drop_gateway(self, code: int | None = None) -> None:
        """Cut every gateway connection: with ``code`` a close frame (e.g. 4000, 1001), without
        one the TCP connection is aborted (the bot sees 1006)."""
        for sess in list(self._sessions):
            if code is None:
                transport = sess.ws._req.transport if sess.ws._req is not None else None
                if transport is not None:
                    transport.abort()
            else:
                await sess.ws.close(code=code)
        self._notify()

    def late_responses(self, limit: float) -> list[tuple[Interaction, float | None]]:
        """Interactions (commands, clicks, forms, autocompletes) whose first response came
        later than ``limit`` seconds after dispatch, or never (None) though ``limit`` passed."""
        now = time.perf_counter()
        late: list[tuple[Interaction, float | None]] = []
        for ix in self.interactions.values():
            took = ix.first_response_seconds
            if (took is not None and took > limit) or (took is None and now - ix.sent_at > limit):
                late.append((ix, took))
        return late

    def first_response_times(self) -> list[float]:
        """Seconds to the first response of every answered interaction so far."""
        return [t for ix in self.interactions.values() if (t := ix.first_response_seconds)]

    async def _apply_faults(self, rec: Request) -> web.Response | None:
        now = time.perf_counter()
        self._faults = [f for f in self._faults if f.until > now]
        for fault in self._faults:
            if fault.method not in ("*", rec.method) or not re.fullmatch(fault.path, rec.path):
                continue
            fault.hits += 1
            if fault.kind == "stall":
                await asyncio.sleep(fault.seconds)
                continue
            self.rate_limited.append(rec)
            body = {"message": "You are being rate limited.", "retry_after": fault.seconds}
            return web.Response(
                status=429,
                body=json.dumps({**body, "global": False}).encode(),
                headers={
                    "Content-Type": "application/json",
                    "Retry-After": f"{fault.seconds:g}",
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": f"{fault.seconds:g}",
                    "X-RateLimit-Bucket": "fakediscord-storm",
                    "X-RateLimit-Scope": "user",
                    "Via": "1.1 fakediscord",
                },
            )
        return None

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, *, what: str = "condition"
    ) -> T:
        """Return ``predicate()`` once truthy. Re-evaluated whenever the fake's state changes and
        every 10 ms (so predicates on the bot's own state work too)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(f"{r.method} {r.path}->{r.status}" for r in self.requests[-8:])
                unknown = [f"{r.method} {r.path}" for r in self.unknown_requests]
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {what}; recent "
                    f"requests: [{recent}]; unknown routes: {unknown}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.01))

    async def wait_until_ready(self, timeout: float = 10.0, *, commands: bool = False) -> None:
        """Wait until the bot identified and READY/GUILD_CREATE were sent (and, with
        ``commands=True``, until it synced application commands)."""
        await self.wait_for(
            lambda: self.ready.is_set() and (not commands or self.commands_synced.is_set()),
            timeout,
            what="bot ready" + (" and commands synced" if commands else ""),
        )
        await self.flush()

    async def wait_for_request(
        self,
        predicate: Callable[[Request], bool] | None = None,
        timeout: float = 5.0,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> Request:
        """Oldest recorded request matching ``method``/``path`` regex (fullmatch)/``predicate``
        that no earlier ``wait_for_request`` call returned."""

        def find() -> Request | None:
            for i, req in enumerate(self.requests):
                if i in self._claimed_requests or (method and req.method != method.upper()):
                    continue
                if path and not re.fullmatch(path, req.path):
                    continue
                if predicate and not predicate(req):
                    continue
                self._claimed_requests.add(i)
                return req
            return None

        return await self.wait_for(find, timeout, what=f"request {method or ''} {path or ''}")

    async def wait_for_message(
        self,
        channel: Channel | None = None,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 5.0,
        *,
        author: User | None = None,
        after: JSON | int | None = None,
    ) -> JSON:
        """Oldest message by the bot (or ``author``) - channel posts, interaction responses and
        follow-ups - matching ``channel``/``predicate``, created after ``after`` (a message or
        snowflake; default: the start of the last ``send_message``/``slash``/``autocomplete``/
        ``click``/``select``/``submit_modal``/``react`` call; 0 = any) and not returned by an
        earlier call. Deferred 'thinking' messages count once edited. The dict stays live."""
        author_id = (author or self.bot).id
        if after is None:
            after = self._action_mark
        after_id = int(after["id"]) if isinstance(after, dict) else int(after)

        def find() -> JSON | None:
            for mid, msg in self._messages.items():
                if (
                    mid <= after_id
                    or mid in self._claimed_messages
                    or int(msg["author"]["id"]) != author_id
                    or msg["flags"] & LOADING
                    or (channel and int(msg["channel_id"]) != channel.id)
                    or (predicate and not predicate(msg))
                ):
                    continue
                self._claimed_messages.add(mid)
                return msg
            return None

        return await self.wait_for(find, timeout, what="a bot message")

    # ------------------------------------------------------------------ gateway

    _ANY_GUILD = -1

    def _live_sessions(
        self, intent: int | None = None, *, guild_id: int | None = _ANY_GUILD
    ) -> list[_Session]:
        """Identified sessions (having ``intent``); with ``guild_id``, only the one whose shard
        carries that server (``None``: a DM, shard 0)."""
        return [
            s
            for s in self._sessions
            if s.identified
            and (intent is None or s.intents & intent)
            and (guild_id == self._ANY_GUILD or s.carries(guild_id))
        ]

    @staticmethod
    def _guild_of_event(data: Any) -> int | None:
        if isinstance(data, dict) and data.get("guild_id") is not None:
            return int(data["guild_id"])
        return None

    def dispatch(
        self, event: str, data: Any, *, intent: int | None = None, shard: int | None = None
    ) -> None:
        """Queue a DISPATCH to every identified session (having ``intent``, if given) whose
        shard carries the event's server (``data["guild_id"]``; none: a DM, shard 0).
        ``shard``: deliver on that shard instead, whatever the server (a misrouted event)."""
        guild_id = self._guild_of_event(data)
        for sess in self._live_sessions(intent):
            if sess.carries(guild_id) if shard is None else sess.shard[0] == shard:
                sess.dispatch(event, data)

    @property
    def shards_connected(self) -> set[tuple[int, int]]:
        """The (shard_id, shard_count) of every identified gateway connection."""
        return {s.shard for s in self._sessions if s.identified}

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued gateway frame was written to the socket."""
        await asyncio.wait_for(asyncio.gather(*(s.queue.join() for s in self._sessions)), timeout)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; discord.py reconnects and RESUMEs."""
        for sess in self._live_sessions():
            sess.send({"op": 7, "d": None})
        await self.flush()

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        sess = _Session(ws)
        self._sessions.append(sess)
        sess.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_gateway_frame(sess, json.loads(msg.data))
        finally:
            self._sessions.remove(sess)
            await sess.close()
            self._notify()
        return ws

    async def _on_gateway_frame(self, sess: _Session, frame: JSON) -> None:
        self.gateway_received.append(frame)
        op, d = frame.get("op"), frame.get("d") or {}
        if op == 1:  # HEARTBEAT
            sess.send({"op": 11})
        elif op == 2:  # IDENTIFY
            if self.token is not None and d.get("token") != self.token:
                await sess.ws.close(code=4004, message=b"Authentication failed.")
                return
            if int(d.get("intents", 0)) & Intent.PRIVILEGED & ~self.privileged_intents:
                await sess.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            shard_id, shard_count = (int(x) for x in d.get("shard") or [0, 1])
            if not 0 <= shard_id < shard_count:
                await sess.ws.close(code=4010, message=b"Invalid shard.")
                return
            self.identify = d
            sess.intents, sess.identified = int(d.get("intents", 0)), True
            sess.shard = (shard_id, shard_count)
            self._resumable[sess.session_id] = (sess.intents, sess.shard)
            guilds = [g for g in self.guilds.values() if (g.id >> 22) % shard_count == shard_id]
            sess.dispatch(
                "READY",
                {
                    "v": 10,
                    "user": {**self.bot.payload(), "verified": True, "mfa_enabled": False},
                    "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                    "session_id": sess.session_id,
                    "session_type": "normal",
                    "resume_gateway_url": self.gateway_url,
                    "shard": [shard_id, shard_count],
                    "application": {"id": str(self.application_id), "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                    "presences": [],
                    "user_settings": {},
                    "guild_join_requests": [],
                    "geo_ordered_rtc_regions": [],
                    "_trace": ["fakediscord"],
                },
            )
            for guild in guilds:
                sess.dispatch("GUILD_CREATE", self._guild_create_payload(guild, sess.intents))
            await sess.queue.join()
            self.ready.set()
        elif op == 6:  # RESUME
            sess.session_id, sess.seq = d["session_id"], int(d.get("seq") or 0)
            intents, shard = self._resumable.get(sess.session_id, (self.intents or 0, (0, 1)))
            sess.intents, sess.shard, sess.identified = intents, shard, True
            sess.dispatch("RESUMED", {"_trace": ["fakediscord"]})
        elif op == 8:  # REQUEST_GUILD_MEMBERS
            guild = self.guilds[int(d["guild_id"])]
            ids = {int(u) for u in d.get("user_ids") or []}
            members = [
                m
                for m in guild.members.values()
                if (not ids or m.id in ids)
                and m.user.name.lower().startswith((d.get("query") or "").lower())
            ]
            sess.dispatch(
                "GUILD_MEMBERS_CHUNK",
                {
                    "guild_id": str(guild.id),
                    "members": [m.payload() for m in members],
                    "chunk_index": 0,
                    "chunk_count": 1,
                    "not_found": [],
                    "nonce": d.get("nonce"),
                },
            )
        elif op == 3:  # PRESENCE_UPDATE
            self.presence = d
        self._notify()

    def _guild_create_payload(self, guild: Guild, intents: int) -> JSON:
        members = [
            m
            for m in guild.members.values()
            if intents & Intent.GUILD_MEMBERS or m.id == self.bot.id
        ]
        return {
            **guild.payload(),
            "channels": [c.payload() for c in guild.channels.values()],
            "threads": [],
            "members": [m.payload() for m in members],
            "member_count": len(guild.members),
            "joined_at": guild.members[self.bot.id].joined_at,
            "large": False,
            "unavailable": False,
            "lazy": True,
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _dispatch_message(self, event: str, msg: JSON) -> None:
        """MESSAGE_CREATE/UPDATE as the gateway sends it: with ``member``, intent gating and
        MESSAGE_CONTENT stripping. Ephemeral messages are never dispatched."""
        if msg["flags"] & EPHEMERAL:
            return
        guild = self.guilds.get(int(msg["guild_id"])) if "guild_id" in msg else None
        data = copy.deepcopy(msg)
        if guild is not None:
            if member := guild.members.get(int(msg["author"]["id"])):
                data["member"] = member.payload(with_user=False)
            for mention in data["mentions"]:
                if member := guild.members.get(int(mention["id"])):
                    mention["member"] = member.payload(with_user=False)
        sees_content = (
            guild is None
            or msg["author"]["id"] == str(self.bot.id)
            or any(u["id"] == str(self.bot.id) for u in msg["mentions"])
        )
        stripped = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
        for sess in self._live_sessions(
            Intent.GUILD_MESSAGES if guild else Intent.DIRECT_MESSAGES,
            guild_id=guild.id if guild else None,
        ):
            content_ok = sees_content or sess.intents & Intent.MESSAGE_CONTENT
            sess.dispatch(event, data if content_ok else stripped)

    # ------------------------------------------------------------------ messages

    def _make_attachment(
        self,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        description: str | None = None,
    ) -> JSON:
        aid = self._ids.next()
        self.attachment_data[aid] = data
        url = f"{self.url}/attachments/{aid}/{quote(filename)}"
        ctype = content_type if content_type not in (None, "application/octet-stream") else None
        return {
            "id": str(aid),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "description": description,
            "content_type": ctype or mimetypes.guess_type(filename)[0],
        }

    def _attachments(
        self, body: JSON, files: list[UploadedFile], existing: list[JSON]
    ) -> list[JSON]:
        """New attachment list: kept existing ones (edits list them by id) + uploaded files."""
        new = {f.index if f.index is not None else -i - 1: f for i, f in enumerate(files)}
        if "attachments" not in body:
            kept = list(existing)
            specs: list[JSON] = []
        else:
            by_id = {a["id"]: a for a in existing}
            specs = [a for a in body["attachments"] or [] if int(a["id"]) in new]
            kept = [by_id[str(a["id"])] for a in body["attachments"] or [] if str(a["id"]) in by_id]
        out = kept
        for spec in specs:
            f = new.pop(int(spec["id"]))
            out.append(
                self._make_attachment(f.filename, f.data, f.content_type, spec.get("description"))
            )
        out += [self._make_attachment(f.filename, f.data, f.content_type) for f in new.values()]
        return out

    def _set_mentions(self, msg: JSON) -> None:
        guild = self.guilds.get(int(msg["guild_id"])) if "guild_id" in msg else None
        ids = dict.fromkeys(int(i) for i in re.findall(r"<@!?(\d+)>", msg["content"]))
        msg["mentions"] = [self.users[i].payload() for i in ids if i in self.users]
        msg["mention_roles"] = [
            r for r in re.findall(r"<@&(\d+)>", msg["content"]) if guild and int(r) in guild.roles
        ]

    def _new_message(
        self,
        channel: Channel,
        author: User,
        body: JSON,
        files: list[UploadedFile],
        *,
        msg_type: int = 0,
        flags: int = 0,
        extra: JSON | None = None,
    ) -> JSON:
        mid = self._ids.next()
        msg: JSON = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": body.get("content") or "",
            "timestamp": snowflake_iso(mid),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(body, files, []),
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "reactions": [],
            "pinned": False,
            "type": msg_type,
            "flags": flags | int(body.get("flags") or 0),
        }
        if channel.guild_id is not None:
            msg["guild_id"] = str(channel.guild_id)
        if ref := body.get("message_reference"):
            msg["message_reference"] = {
                "type": 0,
                "channel_id": str(channel.id),
                **ref,
                "message_id": str(ref["message_id"]),
            }
            if referenced := self._messages.get(int(ref["message_id"])):
                msg["referenced_message"] = {
                    k: v for k, v in referenced.items() if k != "referenced_message"
                }
            msg["type"] = 19 if msg_type == 0 else msg_type
        msg.update(extra or {})
        self._set_mentions(msg)
        self._messages[mid] = msg
        self._notify()
        return msg

    def _edit_message(self, msg: JSON, body: JSON, files: list[UploadedFile]) -> JSON:
        if "content" in body:
            msg["content"] = body["content"] or ""
        for key in ("embeds", "components"):
            if key in body:
                msg[key] = body[key] or []
        if body.get("flags") is not None:  # only SUPPRESS_EMBEDS may change
            msg["flags"] = (msg["flags"] & ~4) | (int(body["flags"]) & 4)
        if "attachments" in body or files:
            msg["attachments"] = self._attachments(body, files, msg["attachments"])
        msg["flags"] &= ~LOADING
        msg["edited_timestamp"] = now_iso()
        self._set_mentions(msg)
        self._notify()
        return msg

    def _delete_message(self, msg: JSON) -> None:
        self.deleted_messages.append(self._messages.pop(int(msg["id"])))
        data = {"id": msg["id"], "channel_id": msg["channel_id"]}
        if "guild_id" in msg:
            data["guild_id"] = msg["guild_id"]
        if not msg["flags"] & EPHEMERAL:
            self.dispatch("MESSAGE_DELETE", data, intent=self._msg_intent(msg))
        self._notify()

    def _msg_intent(self, msg: JSON, reactions: bool = False) -> int:
        if "guild_id" in msg:
            return Intent.GUILD_MESSAGE_REACTIONS if reactions else Intent.GUILD_MESSAGES
        return Intent.DIRECT_MESSAGE_REACTIONS if reactions else Intent.DIRECT_MESSAGES

    def _react(self, msg: JSON, user: User, emoji: str, add: bool) -> None:
        """Add/remove a reaction, refresh ``msg["reactions"]`` and dispatch the gateway event."""
        users = self.reactions.setdefault(int(msg["id"]), {}).setdefault(emoji, [])
        if add == (user.id in users):
            return
        users.append(user.id) if add else users.remove(user.id)
        msg["reactions"] = [
            {
                "emoji": _emoji(e),
                "count": len(u),
                "me": self.bot.id in u,
                "me_burst": False,
                "count_details": {"burst": 0, "normal": len(u)},
                "burst_colors": [],
            }
            for e, u in self.reactions[int(msg["id"])].items()
            if u
        ]
        data = {
            "user_id": str(user.id),
            "channel_id": msg["channel_id"],
            "message_id": msg["id"],
            "emoji": _emoji(emoji),
            "type": 0,
            "burst": False,
        }
        if "guild_id" in msg:
            data["guild_id"] = msg["guild_id"]
        event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
        self.dispatch(event, data, intent=self._msg_intent(msg, reactions=True))
        self._notify()

    # ------------------------------------------------------------------ driving the bot: messages

    def _require_connected(self) -> None:
        if not self.connected:
            raise RuntimeError("the bot is not connected to the fake gateway (run_bot()?)")

    def _check_author(self, channel: Channel, user: User) -> Guild | None:
        guild = self.guild_of(channel)
        if guild is not None and user.id not in guild.members:
            raise ValueError(f"{user.name} is not a member of guild {guild.name}")
        if guild is None and channel.recipient is not user:
            raise ValueError(f"{channel.name!r} is not {user.name}'s DM channel")
        return guild

    async def send_message(
        self,
        channel: Channel,
        author: User,
        content: str = "",
        *,
        mentions: Sequence[User | Member] | None = None,
        mention_everyone: bool = False,
        mention_roles: Sequence[Role] | None = None,
        embeds: Sequence[JSON] = (),
        attachments: Sequence[AttachmentLike] = (),
        reference: JSON | None = None,
    ) -> JSON:
        """A user posts a message: stored and dispatched as MESSAGE_CREATE. Mentions default to
        the ``<@id>``/``<@&id>`` found in ``content``. Returns the stored message."""
        self._require_connected()
        self._check_author(channel, author)
        self._action_mark = self._ids.last
        body: JSON = {"content": content, "embeds": list(embeds)}
        if reference is not None:
            body["message_reference"] = {"message_id": reference["id"]}
        files = [self._as_upload(a, i) for i, a in enumerate(attachments)]
        msg = self._new_message(channel, author, body, files)
        if mentions is not None:
            msg["mentions"] = [
                u.user.payload() if isinstance(u, Member) else u.payload() for u in mentions
            ]
        if mention_roles is not None:
            msg["mention_roles"] = [str(r.id) for r in mention_roles]
        msg["mention_everyone"] = mention_everyone
        self._dispatch_message("MESSAGE_CREATE", msg)
        await self.flush()
        return msg

    async def react(self, message: JSON, user: User, emoji: str) -> None:
        """``user`` adds a reaction (unicode emoji or ``name:id``): MESSAGE_REACTION_ADD."""
        msg = self._messages[int(message["id"])]
        self._action_mark = self._ids.last
        self._react(msg, user, emoji, add=True)
        await self.flush()

    @staticmethod
    def _as_upload(value: AttachmentLike, index: int) -> UploadedFile:
        if isinstance(value, UploadedFile):
            return value
        name, data = value if isinstance(value, tuple) else (f"file{index}.bin", value)
        return UploadedFile(f"files[{index}]", name, data)

    # ------------------------------------------------------------------ driving: interactions

    def _interaction_payload(
        self,
        itype: int,
        channel: Channel,
        user: User,
        data: JSON,
        *,
        message: JSON | None = None,
        locale: str = "en-US",
    ) -> JSON:
        guild = self._check_author(channel, user)
        iid = self._ids.next()
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": f"fake-token-{iid}-{uuid.uuid4().hex}",
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            perms = guild.permissions_of(user.id)
            payload["channel"]["permissions"] = str(perms)
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild_locale": guild.locale,
                    "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
                    "member": guild.members[user.id].payload(permissions=perms),
                    "app_permissions": str(guild.permissions_of(self.bot.id)),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            payload.update(
                {
                    "user": user.payload(),
                    "app_permissions": str(Perm.EVERYONE_DEFAULT),
                    "authorizing_integration_owners": {"0": "0"},
                    "context": 1,
                }
            )
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        return payload

    async def _send_interaction(self, payload: JSON, *, shard: int | None = None) -> Interaction:
        self._require_connected()
        self._action_mark = int(payload["id"])
        ix = Interaction(self, payload)
        self.interactions[ix.id] = ix
        self.dispatch("INTERACTION_CREATE", payload, shard=shard)
        await self.flush()
        return ix

    def _resolve_channel(self, guild: Guild | None, channel: Channel | None, user: User) -> Channel:
        channel = channel or (self.dm_channel(user) if guild is None else None)
        if channel is None or channel.guild_id != (guild.id if guild else None):
            raise ValueError("channel must belong to the given guild (or be a DM when guild=None)")
        return channel

    def _command_data(
        self,
        guild: Guild | None,
        user: User,
        command: str,
        options: dict[str, Any],
        focused: str | None,
    ) -> JSON:
        path = command.split()
        candidates = [(c, True) for c in self.guild_commands.get(guild.id, [])] if guild else []
        candidates += [(c, False) for c in self.global_commands]
        found = [(c, g) for c, g in candidates if c["name"] == path[0] and c.get("type", 1) == 1]
        if not found:
            synced = sorted({c["name"] for c, _ in candidates})
            raise LookupError(f"/{path[0]} is not synced here; synced commands: {synced}")
        cmd, is_guild_cmd = found[0]
        contexts = cmd.get("contexts")
        if guild is None and (
            cmd.get("dm_permission") is False
            or is_guild_cmd
            or (contexts is not None and 1 not in contexts)
        ):
            raise LookupError(f"/{path[0]} is not available in DMs")
        perms = guild.permissions_of(user.id) if guild else Perm.EVERYONE_DEFAULT
        required = cmd.get("default_member_permissions")
        if (
            guild
            and required is not None
            and perms & int(required) != int(required)
            and not guild.may_use_command(path[0], user.id)
        ):
            raise PermissionError(f"{user.name} lacks permissions {required} for /{path[0]}")
        resolved: JSON = {}
        opts = self._build_options(
            cmd.get("options") or [], path[1:], options, guild, perms, resolved, focused
        )
        data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        if is_guild_cmd and guild is not None:
            data["guild_id"] = str(guild.id)
        return data

    def _build_options(
        self,
        defs: list[JSON],
        path: list[str],
        values: dict[str, Any],
        guild: Guild | None,
        perms: int,
        resolved: JSON,
        focused: str | None,
    ) -> list[JSON]:
        subs = {o["name"]: o for o in defs if o["type"] in (1, 2)}
        if path or subs:
            if not path or path[0] not in subs:
                raise LookupError(f"expected one of the subcommands {sorted(subs)}, got {path}")
            sub = subs[path[0]]
            inner = self._build_options(
                sub.get("options") or [], path[1:], values, guild, perms, resolved, focused
            )
            return [{"type": sub["type"], "name": sub["name"], "options": inner}]
        known = {o["name"]: o for o in defs}
        if unknown := set(values) - set(known):
            raise ValueError(f"unknown options {sorted(unknown)}; known: {sorted(known)}")
        missing = [n for n, o in known.items() if o.get("required") and n not in values]
        if missing and focused is None:
            raise ValueError(f"missing required options {missing}")
        out = []
        for name, value in values.items():
            spec = known[name]
            if name == focused:
                out.append({"type": spec["type"], "name": name, "value": value, "focused": True})
                continue
            val = self._option_value(spec["type"], value, guild, perms, resolved)
            choices = [c["value"] for c in spec.get("choices") or []]
            if choices and val not in choices:
                raise ValueError(f"{val!r} is not a choice of option {name}: {choices}")
            out.append({"type": spec["type"], "name": name, "value": val})
        return out

    def _option_value(
        self, opt_type: int, value: Any, guild: Guild | None, perms: int, resolved: JSON
    ) -> Any:
        if opt_type in (3, 4, 5, 10):
            return {3: str, 4: int, 5: bool, 10: float}[opt_type](value)
        if opt_type == 11:
            f = self._as_upload(value, 0)
            att = self._make_attachment(f.filename, f.data, f.content_type)
            resolved.setdefault("attachments", {})[att["id"]] = att
            return att["id"]
        obj = value.user if isinstance(value, Member) else value
        if isinstance(obj, int):
            obj = (
                self.users.get(obj)
                or self.channels.get(obj)
                or (guild.roles.get(obj) if guild else None)
            )
        if isinstance(obj, User):
            resolved.setdefault("users", {})[str(obj.id)] = obj.payload()
            if guild is not None and (member := guild.members.get(obj.id)):
                resolved.setdefault("members", {})[str(obj.id)] = member.payload(
                    with_user=False, permissions=guild.permissions_of(obj.id)
                )
        elif isinstance(obj, Role):
            resolved.setdefault("roles", {})[str(obj.id)] = obj.payload()
        elif isinstance(obj, Channel):
            resolved.setdefault("channels", {})[str(obj.id)] = {
                **obj.payload(),
                "permissions": str(perms),
            }
        else:
            raise TypeError(f"cannot use {value!r} as a value for option type {opt_type}")
        return str(obj.id)

    async def slash(
        self,
        guild: Guild | None,
        channel: Channel | None,
        user: User,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        locale: str = "en-US",
        shard: int | None = None,
    ) -> Interaction:
        """Invoke a *synced* slash command. ``command`` may be a path (``"quiz start"``) or use
        ``subcommand=``. Option values: str/int/float/bool, User/Member (user), Channel, Role,
        or for attachments ``bytes``/``(filename, bytes)`` (served by the fake at its url).
        ``channel=None`` with ``guild=None`` means the user's DM with the bot. The interaction
        arrives on the shard of its server (DMs: shard 0), or on ``shard`` if given."""
        channel = self._resolve_channel(guild, channel, user)
        path = command + (f" {subcommand}" if subcommand else "")
        data = self._command_data(guild, user, path, dict(options or {}), None)
        return await self._send_interaction(
            self._interaction_payload(2, channel, user, data, locale=locale), shard=shard
        )

    async def autocomplete(
        self,
        guild: Guild | None,
        channel: Channel | None,
        user: User,
        command: str,
        options: dict[str, Any],
        focused: str,
        *,
        timeout: float = 5.0,
        locale: str = "en-US",
    ) -> list[JSON]:
        """Send an autocomplete interaction (the ``focused`` option's value is sent as typed)
        and return the choices the bot answered with."""
        channel = self._resolve_channel(guild, channel, user)
        data = self._command_data(guild, user, command, dict(options), focused)
        ix = await self._send_interaction(
            self._interaction_payload(4, channel, user, data, locale=locale)
        )
        await ix.wait_for(lambda i: i.response_type == 8, timeout)
        return ix.choices or []

    async def click(
        self,
        message: JSON | int,
        user: User,
        custom_id: str,
        *,
        values: Sequence[Any] | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        """Press the button (or, with ``values``, use the select) ``custom_id`` on a stored
        message; the interaction carries the message as currently stored."""
        msg = self.get_message(message)
        if msg is None:
            raise LookupError(f"no stored message {message!r}")
        comps = {c["custom_id"]: c for c in walk_components(msg["components"]) if "custom_id" in c}
        comp = comps.get(custom_id)
        if comp is None:
            raise LookupError(f"no component {custom_id!r} on message; have {sorted(comps)}")
        if comp.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        channel = self.channels[int(msg["channel_id"])]
        data: JSON = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp["type"] != 2:
            guild, resolved = self.guild_of(channel), cast(JSON, {})
            opt_type = {3: 3, 5: 6, 6: 8, 7: 9, 8: 7}[comp["type"]]  # select -> option type
            data["values"] = [
                self._option_value(opt_type, v, guild, 0, resolved) for v in values or []
            ]
            if resolved:
                data["resolved"] = resolved
        return await self._send_interaction(
            self._interaction_payload(3, channel, user, data, message=msg, locale=locale)
        )

    async def select(
        self, message: JSON | int, user: User, custom_id: str, values: Sequence[Any]
    ) -> Interaction:
        """Choose ``values`` (strings; Users/Roles/Channels for entity selects) in a select."""
        return await self.click(message, user, custom_id, values=values)

    async def submit_modal(
        self,
        source: Interaction | str,
        user: User | None = None,
        values: dict[str, str | Sequence[str]] | None = None,
        *,
        channel: Channel | None = None,
    ) -> Interaction:
        """Submit a modal. ``source``: the Interaction the bot answered with a modal (its
        components/channel/user are reused) or a bare modal ``custom_id`` (needs ``channel``
        and ``user``). ``values`` maps text input custom_ids to their values."""
        values = dict(values or {})
        if isinstance(source, Interaction):
            modal = source.modal
            if modal is None:
                raise ValueError(f"{source!r} was not answered with a modal")
            channel = channel or self.channels[source.channel_id]
            user = user or self.users[source.user_id]
            custom_id, message = modal["custom_id"], source.payload.get("message")
            inputs = {
                c["custom_id"]: c for c in walk_components(modal["components"]) if "custom_id" in c
            }
            if unknown := set(values) - set(inputs):
                raise ValueError(f"unknown modal inputs {sorted(unknown)}; have {sorted(inputs)}")
            missing = [k for k, c in inputs.items() if c.get("required", True) and k not in values]
            if missing:
                raise ValueError(f"required modal inputs missing: {missing}")
            components = self._modal_answer(modal["components"], values)
        else:
            if channel is None or user is None:
                raise ValueError("submit_modal with a custom_id needs user and channel")
            custom_id, message = source, None
            components = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()
            ]
        data = {"custom_id": custom_id, "components": components}
        return await self._send_interaction(
            self._interaction_payload(5, channel, user, data, message=message)
        )

    def _modal_answer(self, defs: list[JSON], values: dict[str, Any]) -> list[JSON]:
        out: list[JSON] = []
        for comp in defs:
            if comp["type"] == 1:
                inner = self._modal_answer(comp["components"], values)
                out.append({"type": 1, "components": inner})
            elif comp["type"] == 18:
                out.append(
                    {
                        "type": 18,
                        "id": comp.get("id"),
                        "component": self._modal_answer([comp["component"]], values)[0],
                    }
                )
            elif comp["type"] == 4:
                out.append(
                    {
                        "type": 4,
                        "id": comp.get("id"),
                        "custom_id": comp["custom_id"],
                        "value": str(values.get(comp["custom_id"], "")),
                    }
                )
            elif "custom_id" in comp:
                out.append(
                    {
                        "type": comp["type"],
                        "id": comp.get("id"),
                        "custom_id": comp["custom_id"],
                        "values": list(values.get(comp["custom_id"], [])),
                    }
                )
        return out

    # ------------------------------------------------------------------ HTTP plumbing

    def _add_routes(self, r: web.UrlDispatcher) -> None:
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", static(lambda: json_response(self.bot.payload()))),
            ("POST", "/users/@me/channels", self._h_create_dm),
            ("GET", "/users/{user_id}", self._h_get_user),
            ("GET", "/gateway", static(lambda: json_response({"url": self.gateway_url}))),
            (
                "GET",
                "/gateway/bot",
                static(
                    lambda: json_response(
                        {
                            "url": self.gateway_url,
                            "shards": 1,
                            "session_start_limit": {
                                "total": 1000,
                                "remaining": 1000,
                                "reset_after": 0,
                                "max_concurrency": 1,
                            },
                        }
                    )
                ),
            ),
            ("GET", "/oauth2/applications/@me", self._h_application),
            ("GET", "/applications/@me", self._h_application),
            ("GET", "/applications/{app_id}/commands", self._h_commands),
            ("PUT", "/applications/{app_id}/commands", self._h_commands),
            ("POST", "/applications/{app_id}/commands", self._h_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._h_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._h_commands),
            ("POST", "/applications/{app_id}/guilds/{guild_id}/commands", self._h_commands),
            ("GET", "/channels/{channel_id}", self._h_get_channel),
            ("GET", "/channels/{channel_id}/messages", self._h_history),
            ("POST", "/channels/{channel_id}/messages", self._h_post_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._h_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._h_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._h_message),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions",
                self._h_clear_reactions,
            ),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user}",
                self._h_reaction,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user}",
                self._h_reaction,
            ),
            ("POST", "/channels/{channel_id}/typing", static(no_content)),
            ("GET", "/guilds/{guild_id}", self._h_guild),
            ("GET", "/guilds/{guild_id}/channels", self._h_guild),
            ("GET", "/guilds/{guild_id}/roles", self._h_guild),
            ("GET", "/guilds/{guild_id}/members", self._h_guild),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._h_guild),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._h_callback),
            ("POST", "/webhooks/{app_id}/{token}", self._h_followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._h_webhook_message),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._h_webhook_message),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self._h_webhook_message),
        ]
        for method, path, handler in routes:
            r.add_route(method, API + path, handler)
        r.add_get("/gateway", self._gateway)
        r.add_get("/attachments/{attachment_id}/{filename}", self._h_attachment)
        r.add_route("*", "/{tail:.*}", self._h_unknown)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        rec = await self._record(request)
        if self._faults and (limited := await self._apply_faults(rec)) is not None:
            rec.status = limited.status
            self._notify()
            return limited
        try:
            for failure in self._failures:
                if failure.method == rec.method and re.fullmatch(failure.path, rec.path):
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                    raise DiscordError(failure.status, failure.code, failure.message)
            is_bot_route = not rec.path.startswith(("/interactions/", "/webhooks/"))
            if (
                self.token is not None
                and request.path.startswith(API)
                and is_bot_route
                and request.headers.get("Authorization") != f"Bot {self.token}"
            ):
                raise DiscordError(401, 0, "401: Unauthorized")
            response: web.StreamResponse = await handler(request)
        except DiscordError as exc:
            response = json_response({"code": exc.code, "message": exc.message}, exc.status)
        rec.status = response.status
        self._notify()
        return response

    async def _record(self, request: web.Request) -> Request:
        body: Any = None
        files: list[UploadedFile] = []
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.filename is not None:
                    ctype = part.headers.get("Content-Type", "application/octet-stream")
                    data = bytes(await part.read(decode=True))
                    files.append(UploadedFile(part.name or "", part.filename, data, ctype))
                elif part.name == "payload_json":
                    body = json.loads(await part.text())
        elif raw := await request.read():
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        rec = Request(
            request.method,
            request.path.removeprefix(API),
            dict(request.query),
            body,
            files,
            dict(request.headers),
            time.perf_counter(),
        )
        request[REC] = rec
        self.requests.append(rec)
        self._notify()
        return rec

    @staticmethod
    def _id(request: web.Request, key: str) -> int:
        try:
            return int(request.match_info[key])
        except ValueError:
            raise DiscordError(404, 0, "404: Not Found") from None

    def _channel(self, request: web.Request) -> Channel:
        ch = self.channels.get(self._id(request, "channel_id"))
        if ch is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return ch

    def _bot_can(self, channel: Channel, perm: int) -> bool:
        guild = self.guild_of(channel)
        if guild is None:
            return True
        return bool(guild.permissions_of(self.bot.id) & ~channel.denied.get(self.bot.id, 0) & perm)

    # ------------------------------------------------------------------ REST handlers

    async def _h_unknown(self, request: web.Request) -> web.Response:
        rec: Request = request[REC]
        self.unknown_requests.append(rec)
        log.warning("fakediscord: unhandled route %s %s", rec.method, rec.path)
        raise DiscordError(404, 0, "404: Not Found")

    async def _h_application(self, _: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.application_id),
                "name": self.bot.name,
                "icon": None,
                "description": "",
                "summary": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.app_owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": self.bot.payload(),
                "rpc_origins": [],
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(self.guilds),
            }
        )

    async def _h_get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(self._id(request, "user_id"))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def _h_create_dm(self, request: web.Request) -> web.Response:
        user = self.users.get(int(request[REC].json["recipient_id"]))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(self.dm_channel(user).payload())

    async def _h_commands(self, request: web.Request) -> web.Response:
        if self._id(request, "app_id") != self.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        guild_id = self._id(request, "guild_id") if "guild_id" in request.match_info else None
        if guild_id is not None and guild_id not in self.guilds:
            raise DiscordError(404, 10004, "Unknown Guild")
        store = self.guild_commands.setdefault(guild_id, []) if guild_id else self.global_commands
        if request.method == "GET":
            return json_response(store)
        body = request[REC].json
        new = [body] if request.method == "POST" else list(body)
        old = {(c["name"], c.get("type", 1)): c for c in store}
        result = []
        for spec in new:
            prev = old.get((spec["name"], spec.get("type", 1)))
            cmd = {
                "type": 1,
                "description": "",
                "default_member_permissions": None,
                "nsfw": False,
                **spec,
                "id": prev["id"] if prev else str(self._ids.next()),
                "application_id": str(self.application_id),
                "version": str(self._ids.next()),
            }
            if guild_id:
                cmd["guild_id"] = str(guild_id)
            result.append(cmd)
        if request.method == "POST":  # upsert one command
            replaced = {(c["name"], c["type"]) for c in result}
            store[:] = [c for c in store if (c["name"], c.get("type", 1)) not in replaced] + result
        else:  # bulk overwrite
            store[:] = result
        self.commands_synced.set()
        return json_response(result[0] if request.method == "POST" else result)

    async def _h_get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).payload())

    async def _h_history(self, request: web.Request) -> web.Response:
        ch, q = self._channel(request), request.query
        msgs = [m for m in self.messages_in(ch, include_ephemeral=False)]
        limit = int(q.get("limit", 50))
        if "before" in q:
            msgs = [m for m in msgs if int(m["id"]) < int(q["before"])][-limit:]
        elif "after" in q:
            msgs = [m for m in msgs if int(m["id"]) > int(q["after"])][:limit]
        elif "around" in q:
            older = [m for m in msgs if int(m["id"]) <= int(q["around"])]
            newer = [m for m in msgs if int(m["id"]) > int(q["around"])]
            msgs = older[-(limit // 2 + 1) :] + newer[: limit // 2]
        else:
            msgs = msgs[-limit:]
        return json_response(msgs[::-1])

    async def _h_post_message(self, request: web.Request) -> web.Response:
        ch, rec = self._channel(request), request[REC]
        body = rec.json or {}
        if not self._bot_can(ch, Perm.SEND_MESSAGES):
            raise DiscordError(403, 50013, "Missing Permissions")
        keys = ("content", "embeds", "components", "sticker_ids", "poll")
        if not rec.files and not any(body.get(k) for k in keys):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        msg = self._new_message(ch, self.bot, body, rec.files)
        self._dispatch_message("MESSAGE_CREATE", msg)
        return json_response(msg)

    def _stored(self, channel: Channel, message_id: int) -> JSON:
        msg = self._messages.get(message_id)
        if msg is None or int(msg["channel_id"]) != channel.id:
            raise DiscordError(404, 10008, "Unknown Message")
        return msg

    async def _h_message(self, request: web.Request) -> web.Response:
        ch, rec = self._channel(request), request[REC]
        msg = self._stored(ch, self._id(request, "message_id"))
        is_own = msg["author"]["id"] == str(self.bot.id)
        if request.method == "PATCH":
            if not is_own:
                raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
            self._dispatch_message(
                "MESSAGE_UPDATE", self._edit_message(msg, rec.json or {}, rec.files)
            )
        elif request.method == "DELETE":
            if not is_own and not self._bot_can(ch, Perm.MANAGE_MESSAGES):
                raise DiscordError(403, 50013, "Missing Permissions")
            self._delete_message(msg)
            return no_content()
        return json_response(msg)

    async def _h_reaction(self, request: web.Request) -> web.Response:
        ch = self._channel(request)
        msg = self._stored(ch, self._id(request, "message_id"))
        who = request.match_info["user"]
        user = self.bot if who == "@me" else self.users.get(int(who))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        self._react(msg, user, request.match_info["emoji"], add=request.method == "PUT")
        return no_content()

    async def _h_clear_reactions(self, request: web.Request) -> web.Response:
        msg = self._stored(self._channel(request), self._id(request, "message_id"))
        self.reactions.pop(int(msg["id"]), None)
        msg["reactions"] = []
        return no_content()

    async def _h_guild(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(self._id(request, "guild_id"))
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        tail = request.path.rsplit(str(guild.id), 1)[1]
        if tail == "/channels":
            return json_response([c.payload() for c in guild.channels.values()])
        if tail == "/roles":
            return json_response([r.payload() for r in guild.roles.values()])
        if tail == "/members":
            limit = int(request.query.get("limit", 1))
            after = int(request.query.get("after", 0))
            members = sorted(
                (m for m in guild.members.values() if m.id > after), key=lambda m: m.id
            )
            return json_response([m.payload() for m in members[:limit]])
        if "user_id" in request.match_info:
            member = guild.members.get(self._id(request, "user_id"))
            if member is None:
                raise DiscordError(404, 10007, "Unknown Member")
            return json_response(member.payload())
        return json_response({**guild.payload(), "approximate_member_count": len(guild.members)})

    async def _h_attachment(self, request: web.Request) -> web.Response:
        data = self.attachment_data.get(self._id(request, "attachment_id"))
        if data is None:
            raise DiscordError(404, 0, "404: Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    # ------------------------------------------------------------------ interaction endpoints

    def _interaction_extra(self, ix: Interaction) -> JSON:
        user = ix.payload["member"]["user"] if "member" in ix.payload else ix.payload["user"]
        return {
            "application_id": str(self.application_id),
            "webhook_id": str(self.application_id),
            "interaction_metadata": {
                "id": str(ix.id),
                "type": ix.type,
                "user": user,
                "authorizing_integration_owners": ix.payload["authorizing_integration_owners"],
            },
        }

    async def _h_callback(self, request: web.Request) -> web.Response:
        ix = self.interactions.get(self._id(request, "interaction_id"))
        if ix is None or ix.token != request.match_info["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        if ix.callback is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        rec: Request = request[REC]
        body = rec.json or {}
        rtype, data = int(body.get("type", 0)), body.get("data") or {}
        channel = self.channels[ix.channel_id]
        message: JSON | None = None
        if rtype in (4, 5):
            msg_type = 20 if ix.type == 2 else 0
            if rtype == 4:
                message = self._new_message(
                    channel,
                    self.bot,
                    data,
                    rec.files,
                    msg_type=msg_type,
                    extra=self._interaction_extra(ix),
                )
            else:
                flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
                message = self._new_message(
                    channel,
                    self.bot,
                    {},
                    [],
                    msg_type=msg_type,
                    flags=flags,
                    extra=self._interaction_extra(ix),
                )
            ix.original_id = int(message["id"])
            self._dispatch_message("MESSAGE_CREATE", message)
        elif rtype in (6, 7):
            target = self.get_message(ix.payload["message"]) if "message" in ix.payload else None
            if target is None:
                raise DiscordError(400, 40004, "Interaction has no message to update")
            ix.original_id = int(target["id"])
            if rtype == 7:
                message = self._edit_message(target, data, rec.files)
                self._dispatch_message("MESSAGE_UPDATE", message)
        elif rtype not in (1, 8, 9):
            raise DiscordError(400, 50035, f"Invalid Form Body (callback type {rtype})")
        ix.callback, ix.callback_files = body, rec.files
        ix.answered_at = time.perf_counter()
        self._notify()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return no_content()
        resource: JSON = {"type": rtype}
        if message is not None:
            resource["message"] = message
        return json_response(
            {
                "interaction": {
                    "id": str(ix.id),
                    "type": ix.type,
                    "response_message_id": message["id"] if message else None,
                    "response_message_loading": rtype == 5,
                    "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
                },
                "resource": resource,
            }
        )

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        token = request.match_info["token"]
        for ix in self.interactions.values():
            if ix.token == token and self._id(request, "app_id") == self.application_id:
                if ix.callback is None:
                    raise DiscordError(404, 10015, "Unknown Webhook")  # not acknowledged yet
                return ix
        raise DiscordError(404, 10015, "Unknown Webhook")

    async def _h_followup(self, request: web.Request) -> web.Response:
        ix, rec = self._webhook_interaction(request), request[REC]
        body = rec.json or {}
        original = ix.original
        if original is not None and original["flags"] & LOADING:  # replaces the "thinking" msg
            msg = self._edit_message(original, body, rec.files)
            self._dispatch_message("MESSAGE_UPDATE", msg)
        else:
            msg = self._new_message(
                self.channels[ix.channel_id],
                self.bot,
                body,
                rec.files,
                extra=self._interaction_extra(ix),
            )
            self._dispatch_message("MESSAGE_CREATE", msg)
        ix.followup_ids.append(int(msg["id"]))
        self._notify()
        wait = request.query.get("wait", "").lower() in ("1", "true")
        return json_response(msg) if wait else no_content()

    async def _h_webhook_message(self, request: web.Request) -> web.Response:
        ix, rec = self._webhook_interaction(request), request[REC]
        key = request.match_info["message_id"]
        mid = ix.original_id if key == "@original" else self._id(request, "message_id")
        msg = self.get_message(mid) if mid is not None else None
        if msg is None or (mid != ix.original_id and mid not in ix.followup_ids):
            raise DiscordError(404, 10008, "Unknown Message")
        if request.method == "PATCH":
            self._edit_message(msg, rec.json or {}, rec.files)
            self._dispatch_message("MESSAGE_UPDATE", msg)
        elif request.method == "DELETE":
            self._delete_message(msg)
            return no_content()
        return json_response(msg)
