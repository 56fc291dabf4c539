"""Flood bench: what one hostile tab does to its neighbours on the same worker (issue 9).

Starts one uvicorn worker on 127.0.0.1 with the default limits, then for each
flood opens ``--tabs`` playing tabs that ack every frame, one tab that clicks
Step (the next click once the answer arrives), and, in a process of its own, a
neighbour that floods. It reports the playing tabs' frames/s (median), the
Step latency (p50, p95, from the click to the answering frame's bytes), the
server's CPU in cores, and how the flooder ended. Each flood runs
``--seconds`` after a one-second start.

    .venv/bin/python -m bench.flood --seconds 4

The box is shared: quote the load average printed with the figures.
"""

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bench.tab_client import FrameHeaders, run

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
START = 1.0  # seconds for every tab to connect before the measured window
BIG = {"hidden": "16,16,16,16,16,16,16,16", "n_points": "5000"}
SMALLER = {**BIG, "hidden": "15,15,15,15,15,15,15,15"}


def junk(i: int) -> str:
    return '{"type": "view", "pair": "r,theta"}'


def bad_ack(i: int) -> str:
    return '{"type": "ack", "frame": 999999}'


def deep(i: int) -> str:
    return '{"type": "config", "hidden": ' + "[" * 1000 + "]" * 1000 + "}"


def rebuild(i: int) -> str:
    return json.dumps({"type": "config", **(BIG if i % 2 else SMALLER)})


# Each flood: what its messages are, and how many a second (None: as fast as it can).
FLOODS: dict[str, tuple[Callable[[int], str], float | None] | None] = {
    "none": None,
    "junk, tight loop": (junk, None),
    "invalid acks, tight loop": (bad_ack, None),
    "1000-deep nesting, tight loop": (deep, None),
    "rebuilds of 8x16, 60/s": (rebuild, 60.0),
}


async def flood(url: str, kind: str, seconds: float, queue: multiprocessing.Queue) -> None:
    make, rate = FLOODS[kind]
    sent, frames, outcome, began = 0, 0, "still open", time.monotonic()
    try:
        async with connect(url, compression=None, max_size=2**24) as ws:
            frame_header = FrameHeaders()

            async def ack_frames() -> None:  # a rebuilding tab gets (and acks) frames
                nonlocal frames
                with contextlib.suppress(ConnectionClosed):
                    async for message in ws:
                        if isinstance(message, bytes):
                            frames += 1
                            frame = frame_header(message)["frame"]
                            await ws.send(json.dumps({"type": "ack", "frame": frame}))

            acks = asyncio.create_task(ack_frames())
            while time.monotonic() - began < seconds:
                await ws.send(make(sent))
                sent += 1
                await asyncio.sleep(1 / rate if rate else 0)
            acks.cancel()
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else None
        outcome = f"closed with {code} after {time.monotonic() - began:.2f} s"
    queue.put((sent, frames, outcome))


def flood_process(url: str, kind: str, seconds: float, queue: multiprocessing.Queue) -> None:
    run(flood(url, kind, seconds, queue))


async def player(url: str, window: tuple[float, float]) -> float:
    """A playing tab: its frames a second inside the window."""
    frames = 0
    async with connect(url, compression=None, max_size=2**24) as ws:
        frame_header = FrameHeaders()
        await ws.send('{"type": "play"}')
        while (now := time.monotonic()) < window[1]:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=window[1] - now)
            except TimeoutError:
                break
            if isinstance(message, bytes):
                frames += window[0] <= time.monotonic()
                await ws.send(json.dumps({"type": "ack", "frame": frame_header(message)["frame"]}))
    return frames / (window[1] - window[0])


async def stepper(url: str, window: tuple[float, float]) -> list[float]:
    """A paused tab that clicks Step again as soon as the last click was answered."""
    latencies = []
    async with connect(url, compression=None, max_size=2**24) as ws:
        frame_header = FrameHeaders()
        while not isinstance(first := await ws.recv(), bytes):
            pass
        frame_header(first)  # the stream's start
        await ws.send('{"type": "ack", "frame": 1}')
        while (clicked := time.monotonic()) < window[1]:
            await ws.send('{"type": "step", "unit": "batch"}')
            while not isinstance(message := await ws.recv(), bytes):
                pass
            if clicked >= window[0]:
                latencies.append(time.monotonic() - clicked)
            await ws.send(json.dumps({"type": "ack", "frame": frame_header(message)["frame"]}))
            await asyncio.sleep(0.05)  # a person's clicks, not a loop
    return latencies


async def measure(url: str, tabs: int, window: tuple[float, float], server: int) -> dict:
    """The tabs' figures, and the server's CPU (in cores) inside the window."""

    async def cpu_in_window() -> float:
        await asyncio.sleep(window[0] - time.monotonic())
        before = cpu_seconds(server)
        await asyncio.sleep(window[1] - time.monotonic())
        return (cpu_seconds(server) - before) / (window[1] - window[0])

    players = (player(url, window) for _ in range(tabs))
    cores, latencies, *fps = await asyncio.gather(cpu_in_window(), stepper(url, window), *players)
    return {"fps": statistics.median(fps), "latencies": latencies, "cores": cores}


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


def start_server() -> tuple[subprocess.Popen, str]:
    subprocess.run([sys.executable, "-c", "from engine.fast import warm_up; warm_up()"], check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "app.cli", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return server, base.replace("http", "ws", 1) + "/ws"
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, default=4, help="playing tabs beside the flooder")
    parser.add_argument("--seconds", type=float, default=4.0, help="measured time per flood")
    args = parser.parse_args()
    server, url = start_server()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# one worker, {os.cpu_count()} cores, load average {load}; {args.tabs} playing tabs")
    print(
        f"{'flood':30}  {'fps_med':>7}  {'step_p50_ms':>11}  {'step_p95_ms':>11}"
        f"  {'server_cores':>12}  flooder"
    )
    try:
        for kind in FLOODS:
            window = (time.monotonic() + START, time.monotonic() + START + args.seconds)
            queue, flooder = multiprocessing.Queue(), None
            if FLOODS[kind]:
                flooder = multiprocessing.Process(
                    target=flood_process, args=(url, kind, START + args.seconds, queue)
                )
                flooder.start()
            figures = run(measure(url, args.tabs, window, server.pid))
            outcome = ""
            if flooder:
                sent, frames, ended = queue.get(timeout=30)
                flooder.join(timeout=30)
                outcome = f"{sent} messages, {frames} frames back, {ended}"
            p50, p95 = (1000 * percentile(figures["latencies"], q) for q in (50, 95))
            print(
                f"{kind:30}  {figures['fps']:7.1f}  {p50:11.1f}  {p95:11.1f}"
                f"  {figures['cores']:12.2f}  {outcome}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
