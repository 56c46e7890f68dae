"""The parts several processes share sessions with: leases in PostgreSQL (one writer per
session) and the bus over Redis, against real servers."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from facilitator.live.bus import Bus
from facilitator.store.leases import Leases, lock_key


async def test_one_process_holds_a_session_until_it_lets_go_or_dies(
        postgres_server: Any) -> None:
    url = postgres_server.new_database()
    lost: list[set[str]] = []
    first, second = Leases(url, lost.append, keepalive=0.2), Leases(url, keepalive=0.2)
    await first.open()
    await second.open()
    try:
        assert await first.acquire("mobilitaet") and await first.acquire("energie")
        assert not await second.acquire("mobilitaet")
        assert await second.acquire("flaeche")
        assert not await first.acquire("flaeche")
        await first.release("energie")
        assert await second.acquire("energie")
        # The first process's connection dies (as when the process is killed): its sessions
        # are free at once, and it is told which it lost.
        admin = await asyncpg.connect(url)
        try:
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted AND pid != pg_backend_pid() "
                "AND ((classid::bigint << 32) | objid::bigint) = $1", lock_key("mobilitaet"))
        finally:
            await admin.close()
        assert killed == 1
        for _ in range(50):
            if lost:
                break
            await asyncio.sleep(0.1)
        assert lost == [{"mobilitaet"}] and first.held == frozenset()
        assert await second.acquire("mobilitaet")
        # Back on a new connection, the first process takes only what is free.
        for _ in range(50):
            if await first.acquire("neu"):
                break
            await asyncio.sleep(0.1)
        assert first.held == {"neu"} and not await first.acquire("mobilitaet")
    finally:
        await first.close()
        await second.close()


def test_lock_keys_are_stable_and_differ() -> None:
    assert lock_key("a") == lock_key("a") != lock_key("b")
    assert -(2**63) <= lock_key("x" * 200) < 2**63


async def test_the_bus_delivers_in_order_to_every_process_listening(redis_server: Any) -> None:
    buses = [Bus(redis_server.url, prefix="t1") for _ in range(3)]
    for bus in buses:
        await bus.open()
    try:
        got: list[list[bytes]] = [[], [], []]
        channel = buses[0].channel("session", "s1")
        for bus, inbox in zip(buses[1:], got[1:], strict=True):
            await bus.subscribe(channel, inbox.append)
        for n in range(200):
            assert await buses[0].publish(channel, f"{n}") == 2
        for _ in range(100):
            if all(len(inbox) == 200 for inbox in got[1:]):
                break
            await asyncio.sleep(0.02)
        expected = [f"{n}".encode() for n in range(200)]
        assert got[1] == expected and got[2] == expected and got[0] == []
        await buses[1].unsubscribe(channel)
        assert await buses[0].publish(channel, "after") == 1
    finally:
        for bus in buses:
            await bus.close()
