"""Turns to work: a few milliseconds' worth per pass of the event loop, answers first."""

import asyncio
import time

from app.turns import PASS_SECONDS, Turns


async def pump(turns: Turns, record: list[str], name: str, answer: bool = False) -> None:
    await turns.take(answer=answer)
    record.append(name)


def test_turns_go_a_few_per_pass_and_answers_first():
    async def scenario() -> tuple[list[str], list[int]]:
        turns, record = Turns(), []
        turns.cost = PASS_SECONDS / 2  # two turns a pass
        pumps = [("a", False), ("b", False), ("c", False), ("click", True)]
        tasks = [asyncio.create_task(pump(turns, record, *p)) for p in pumps]
        seen = []  # how many pumps had their turn after each pass
        for _ in range(100):  # two passes would do
            if all(task.done() for task in tasks):
                break
            await asyncio.sleep(0)
            seen.append(len(record))
        return record, seen

    record, seen = asyncio.run(scenario())
    assert record == ["click", "a", "b", "c"]
    assert max(b - a for a, b in zip([0, *seen], seen, strict=False)) == 2


def test_turns_per_pass_follow_what_a_turn_costs():
    async def scenario() -> int:
        turns = Turns()

        async def busy() -> None:
            for _ in range(10):
                await turns.take(answer=False)
                end = time.thread_time() + 0.002  # 2 ms of CPU a turn
                while time.thread_time() < end:
                    pass

        await asyncio.gather(*(busy() for _ in range(20)))
        return turns.per_pass

    assert 3 <= asyncio.run(scenario()) <= 5  # 8 ms a pass


def test_a_cancelled_pump_gives_up_its_turn():
    async def scenario() -> list[str]:
        turns, record = Turns(), []
        turns.cost = PASS_SECONDS  # one turn a pass
        tasks = [asyncio.create_task(pump(turns, record, name)) for name in "abc"]
        await asyncio.sleep(0)  # all three wait for a turn
        tasks[0].cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for _ in range(3):  # the queue is empty: no more passes are asked for
            await asyncio.sleep(0)
        assert turns._releasing is None
        return record

    assert asyncio.run(scenario()) == ["b", "c"]
