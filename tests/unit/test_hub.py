"""The hub's connections: a message to an idle connection is written at once, in the
publisher's step; a send that has to wait keeps the order of everything after it, bounded,
and a connection that falls too far behind is closed with 4408, and a failed socket is
dropped without disturbing anyone else."""

from __future__ import annotations

import asyncio
import json

import pytest

from facilitator.live.hub import TOO_SLOW, Connection, Hub


class Socket:
    """A fake socket: takes messages at once while open, waits at a gate while `full`."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: list[tuple[int, str]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.broken = False
        self.cancelled = False

    async def send(self, text: str) -> None:
        if self.broken:
            raise OSError("connection reset")
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        self.sent.append(text)

    async def close(self, code: int, reason: str) -> None:
        self.closed.append((code, reason))


def connect(socket: Socket, limit: int = 4) -> Connection:
    return Connection("participant", socket.send, socket.close, limit)


def test_an_idle_connection_is_written_at_once_without_a_task() -> None:
    async def scene() -> None:
        socket = Socket()
        connection = connect(socket)
        tasks = len(asyncio.all_tasks())
        assert connection.offer("a") and connection.offer("b")
        assert socket.sent == ["a", "b"]  # before anything else ran
        assert len(asyncio.all_tasks()) == tasks

    asyncio.run(scene())


def test_a_send_that_waits_keeps_the_order_of_everything_after_it() -> None:
    async def scene() -> None:
        socket = Socket()
        connection = connect(socket, limit=10)
        socket.gate.clear()  # the socket's buffer is full
        for text in "abcde":
            assert connection.offer(text)
        await asyncio.sleep(0.01)
        assert socket.sent == []
        socket.gate.set()
        await asyncio.sleep(0.01)
        assert socket.sent == list("abcde")
        assert connection.offer("f") and socket.sent[-1] == "f"  # idle again: at once

    asyncio.run(scene())


def test_a_connection_too_far_behind_is_closed_with_4408_and_others_go_on() -> None:
    async def scene() -> None:
        slow, fast = Socket(), Socket()
        hub = Hub()
        slow_connection, fast_connection = connect(slow, limit=3), connect(fast, limit=3)
        for connection in (slow_connection, fast_connection):
            hub.add(connection)
        slow.gate.clear()
        for n in range(6):  # one in the stuck send, three queued, then one too many
            hub.publish("participant", f"m{n}")
        assert fast.sent == [f"m{n}" for n in range(6)]
        assert slow_connection.dropped
        assert hub.members("participant") == {fast_connection}
        assert not slow_connection.offer("later")
        slow.gate.set()
        await asyncio.sleep(0.01)
        # the send under way finishes; nothing queued is sent; then the close
        assert slow.sent == ["m0"] and slow.closed == [(TOO_SLOW, "too slow")]

    asyncio.run(scene())


def test_a_failed_socket_is_dropped_and_never_raises_into_the_publisher() -> None:
    async def scene() -> None:
        broken, fine = Socket(), Socket()
        broken.broken = True
        hub = Hub()
        broken_connection = connect(broken)
        hub.add(broken_connection)
        hub.add(connect(fine))
        hub.publish("participant", "x")
        assert broken_connection.dropped and fine.sent == ["x"]
        assert len(hub.members("participant")) == 1
        # a socket that fails in a send that had to wait: dropped as well
        waiting = Socket()
        connection = connect(waiting)
        waiting.gate.clear()
        connection.offer("y")
        connection.offer("z")
        waiting.broken = True
        waiting.gate.set()
        await asyncio.sleep(0.01)
        assert waiting.sent == ["y"] and connection.dropped and not connection.backlog

    asyncio.run(scene())


def test_stop_cancels_a_send_that_waits() -> None:
    async def scene() -> None:
        socket = Socket()
        connection = connect(socket)
        socket.gate.clear()
        connection.offer("a")
        connection.offer("b")
        await asyncio.sleep(0.01)
        connection.stop()
        await asyncio.sleep(0.01)
        assert socket.cancelled and socket.sent == [] and not connection.offer("c")

    asyncio.run(scene())


@pytest.mark.parametrize("waiting", [False, True])
def test_a_replaced_connection_is_closed_after_the_send_under_way(waiting: bool) -> None:
    async def scene() -> None:
        socket = Socket()
        connection = connect(socket)
        if waiting:
            socket.gate.clear()
            connection.offer("a")
            connection.offer("b")
        connection.end(4409, "replaced")
        socket.gate.set()
        await asyncio.sleep(0.01)
        assert socket.sent == (["a"] if waiting else [])
        assert socket.closed == [(4409, "replaced")]

    asyncio.run(scene())


def test_hellos_at_one_seq_share_the_encoded_view_and_a_new_seq_makes_a_new_one() -> None:
    from facilitator.live.connections import Views

    class State:
        seq = 7
        made = 0

        def view(self, audience: str, group: str | None) -> dict[str, object]:
            self.made += 1
            return {"seq": self.seq, "audience": audience, "group": group}

    state, views = State(), Views()
    first = views.get(state, "participant", None)  # type: ignore[arg-type]
    assert views.get(state, "participant", None) is first  # type: ignore[arg-type]
    assert json.loads(bytes(first)) == {"seq": 7, "audience": "participant", "group": None}
    views.get(state, "participant", "g1")  # type: ignore[arg-type]
    assert state.made == 2  # one per (audience, group)
    state.seq = 8
    assert json.loads(bytes(views.get(state, "participant", None)))["seq"] == 8  # type: ignore[arg-type]
    assert state.made == 3 and len(views.encoded) == 1  # the old seq's views are gone
