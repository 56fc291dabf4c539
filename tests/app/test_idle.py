"""The idle timer: a wait with nothing arriving times out; arrivals start the period again."""

import asyncio

import pytest

from app.idle import IdleTimer


def test_a_wait_with_nothing_arriving_times_out():
    async def main():
        with IdleTimer(0.05) as idle, pytest.raises(TimeoutError):
            await asyncio.wait_for(idle.wait(asyncio.Event().wait()), 10)

    asyncio.run(main())


def test_each_arrival_starts_the_period_again():
    async def main():
        with IdleTimer(0.5) as idle:
            # Three waits of 0.3 s each outlast the period together, never one by one.
            for _ in range(3):
                await idle.wait(asyncio.sleep(0.3))
            return "not timed out"

    assert asyncio.run(main()) == "not timed out"


def test_a_cancel_from_elsewhere_stays_a_cancel():
    async def main():
        with IdleTimer(0.05) as idle:
            task = asyncio.create_task(idle.wait(asyncio.Event().wait()))
            await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(main())


def test_leaving_stops_the_timer():
    async def main():
        with IdleTimer(0.01) as idle:
            await idle.wait(asyncio.sleep(0))
        await asyncio.sleep(0.05)  # past the period: nothing is cancelled any more
        return "still running"

    assert asyncio.run(main()) == "still running"
