"""Soak test: many tabs on one server for a long time; does anything drift? (issue 9)

Starts ``nn-playground`` (the kernels compiled first), opens ``--tabs``
websocket clients on 127.0.0.1 that behave like tabs (play, ack every frame,
change the learning rate now and then) and keeps them going for
``--minutes``. Every ``--interval`` seconds a tenth of the tabs close and
open again, as people reload, so a session that outlives its tab would pile
up. Each interval it prints the tabs' frames/s (median and 5th percentile)
and the server's resident memory (all its processes); at the end, the trend
of each over the second half of the run (the first fills what a session keeps
up to its bounds, such as a history of 2,000 records), fitted by least squares:
flat means its drift over that half is within twice the step-to-step noise or
1% of its level.

    .venv/bin/python -m bench.soak --tabs 100 --minutes 30      # the full run
    .venv/bin/python -m bench.soak --short                       # ~30 s, for CI
"""

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

from bench.load import percentile, process_tree, start_server
from bench.tab_client import FrameHeaders, run

RATES = ("0.03", "0.01")


async def tab(
    url: str, start: float, interval: float, buckets: int, rejoin: bool, counts: list[int]
) -> list[int]:
    """Count one tab's frames per interval into ``counts``; with ``rejoin`` it closes and
    reconnects once an interval."""
    end = start + interval * buckets
    while (now := time.monotonic()) < end:
        # With rejoin, one connection per interval (at a random moment inside it).
        until = end
        if rejoin:
            bucket_end = start + interval * (int((now - start) // interval) + 1)
            until = min(end, bucket_end + random.uniform(0, interval * 0.5))
        async with connect(url, compression=None, max_size=2**22) as ws:
            frame_header = FrameHeaders()
            await ws.send(json.dumps({"type": "play"}))
            rate, next_change = 0, now + random.uniform(1, 5)
            while (now := time.monotonic()) < until:
                try:
                    message = await asyncio.wait_for(ws.recv(), timeout=max(0.01, until - now))
                except TimeoutError:
                    break
                if isinstance(message, str):
                    continue
                header = frame_header(message)
                await ws.send(f'{{"type":"ack","frame":{header["frame"]}}}')
                arrived = time.monotonic()
                if start <= arrived < end:
                    counts[int((arrived - start) // interval)] += 1
                if arrived > next_change:
                    rate, next_change = 1 - rate, arrived + random.uniform(2, 6)
                    await ws.send(json.dumps({"type": "config", "learning_rate": RATES[rate]}))
    return counts


def client_process(url, tabs, rejoining, start, interval, buckets, queue) -> None:
    """Run this process's tabs; after each interval, put that row's frame counts."""

    async def all_tabs():
        counts: list[list[int]] = []

        async def one(i: int) -> None:
            await asyncio.sleep(i * 0.01)
            try:
                counts.append(await tab(url, start, interval, buckets, i < rejoining, live[i]))
            except Exception as exc:  # a refused or dropped tab counts as no frames
                print(f"tab failed: {exc!r}", file=sys.stderr)

        async def report() -> None:
            for row in range(buckets):
                await asyncio.sleep(max(0.0, start + interval * (row + 1) + 0.5 - time.monotonic()))
                queue.put((row, [tab_counts[row] for tab_counts in live]))

        live = [[0] * buckets for _ in range(tabs)]
        await asyncio.gather(report(), *(one(i) for i in range(tabs)))

    run(all_tabs())


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together, in MB, from /proc."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def trend(values: list[float]) -> tuple[float, float]:
    """(drift over the run by a least-squares line, the typical step-to-step change)."""
    n = len(values)
    if n < 3:
        return 0.0, float("nan")
    xs = range(n)
    slope = statistics.linear_regression(xs, values).slope
    noise = statistics.median(abs(b - a) for a, b in itertools.pairwise(values))
    return slope * (n - 1), noise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per row")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--short", action="store_true", help="20 tabs, 6 rows of 4 s (for CI)")
    args = parser.parse_args()
    if args.short:
        args.tabs, args.interval, args.minutes = 20, 4.0, 24 / 60
    buckets = max(1, round(args.minutes * 60 / args.interval))

    server, base = start_server(args.workers, [])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {base}, workers={args.workers}, {os.cpu_count()} cores, load average {load}")
    print(f"# {args.tabs} tabs for {buckets} x {args.interval:g} s; a tenth reconnect each row")
    print("row  minute  fps_med  fps_p5  server_rss_mb")
    url = base.replace("http", "ws", 1) + "/ws"
    start = time.monotonic() + 2.0 + args.tabs * 0.01 / args.procs
    queue = multiprocessing.Queue()
    shares = [args.tabs // args.procs + (i < args.tabs % args.procs) for i in range(args.procs)]
    rejoining = [share // 10 for share in shares]
    procs = [
        multiprocessing.Process(
            target=client_process,
            args=(url, share, rejoin, start, args.interval, buckets, queue),
        )
        for share, rejoin in zip(shares, rejoining, strict=True)
        if share
    ]
    memory, fps_median = [], []
    try:
        for proc in procs:
            proc.start()
        for row in range(buckets):
            counts = [c for _ in procs for c in queue.get(timeout=args.interval + 120)[1]]
            memory.append(rss_mb(process_tree(server.pid)))
            fps = [c / args.interval for c in counts]
            fps_median.append(statistics.median(fps))
            print(
                f"{row:3d}  {(row + 1) * args.interval / 60:6.1f}  {fps_median[-1]:7.1f}"
                f"  {percentile(fps, 5):6.1f}  {memory[-1]:13.1f}",
                flush=True,
            )
        for proc in procs:
            proc.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, values in (("fps_median", fps_median), ("server_rss_mb", memory)):
        half = values[len(values) // 2 :]
        drift, noise = trend(half)
        level = sum(half) / len(half)
        verdict = "flat" if abs(drift) <= max(2 * noise, 0.01 * level) else "DRIFTS"
        print(f"# {name} in the second half: drift {drift:+.2f}, noise {noise:.2f}: {verdict}")


if __name__ == "__main__":
    main()
