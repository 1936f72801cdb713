"""A small TCP proxy between the bot and PostgreSQL that tests can cut and restore."""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    """Forwards 127.0.0.1:<port> to ``target``. ``cut("reset")`` is a database that went away
    (connections reset, new ones refused); ``cut("partition")`` is a network partition (nothing
    gets through in either direction, connections hang, and what was in flight is delivered
    once the partition heals). ``restore()`` ends either."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.mode: str | None = None
        self.connections = 0
        self._open = asyncio.Event()
        self._open.set()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._open.set()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def url(self, database_url: str) -> str:
        """``database_url`` with its host and port replaced by the proxy's."""
        from sqlalchemy.engine import make_url

        return (
            make_url(database_url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )

    def cut(self, mode: str = "reset") -> None:
        assert mode in ("reset", "partition")
        self.mode = mode
        self._open.clear()
        if mode == "reset":
            for writer in list(self._writers):
                with contextlib.suppress(Exception):
                    writer.transport.abort()

    def restore(self) -> None:
        self.mode = None
        self._open.set()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if self.mode == "reset":
            client_w.transport.abort()
            return
        self.connections += 1
        try:
            await self._open.wait()  # a partition: the connection attempt hangs
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.transport.abort()
            return
        self._writers |= {client_w, server_w}
        pipes = [
            asyncio.ensure_future(self._pipe(client_r, server_w)),
            asyncio.ensure_future(self._pipe(server_r, client_w)),
        ]
        self._tasks.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            for writer in (client_w, server_w):
                self._writers.discard(writer)
                with contextlib.suppress(Exception):
                    writer.close()
            self._tasks.difference_update(pipes)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                await self._open.wait()
                if self.mode == "reset" or writer.is_closing():
                    return
                writer.write(data)
                await writer.drain()
