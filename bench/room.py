"""Room benchmark: one class, the lecturer playing, N students following (issue 14).

For each follower count and each backend it starts ``nn-playground`` (``redis``:
``--workers W --redis URL`` against a loopback ``redis-server`` it starts
itself; ``memory``: one process, since an in-process class needs every socket
on the process that holds it), starts a class, opens N followers in
``--procs`` client processes on 127.0.0.1 that ack every frame at once, and has
the lecturer play and change the learning rate every ``--change-every``
seconds. It reports the followers' frames/s (median and 5th percentile over
followers) and the latency from the lecturer's change to a follower's first
frame that shows it (p50, p95 over all follower-changes), the server's CPU
(nn-playground's and redis-server's) per frame sent, and the load average.

    .venv/bin/python -m bench.room --followers 100,300,500 --workers 2 --seconds 15

Clients and servers share the box: quote the load average with the numbers.
"""

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path

from bench.load import cpu_seconds, percentile, process_tree
from bench.tab_client import Tab, open_tab, run

ROOT = Path(__file__).resolve().parent.parent
RATES = (0.03, 0.01)  # the lecturer toggles between them: a live change, no rebuild
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer") from None
            time.sleep(0.1)


def start_redis(folder: str) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(8).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start") from None
            time.sleep(0.05)


def start_server(
    workers: int, redis_url: str | None, followers: int
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "--port", str(port), "--workers", str(workers)]
    if redis_url:
        command += ["--redis", redis_url]
    env = {**os.environ, "NNP_MAX_FOLLOWERS": str(followers + 10)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz")
    return process, base


def start_class(base: str) -> tuple[str, str]:
    """A class with a small network on the default data; its code and lecturer key."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = urllib.parse.urlencode({"query": "?dataset=spiral&hidden=8,8"}).encode()
    response = opener.open(base + "/rooms", data=body, timeout=10)
    code = response.url.rstrip("/").rsplit("/", 1)[1]
    key = next(cookie.value for cookie in jar if cookie.name == "nnp_lecturer")
    return code, key


async def follower(url: str, window: tuple[float, float]) -> tuple[int, list[tuple[float, float]]]:
    """Frames received inside ``window``, and (learning rate, when first seen) pairs."""
    frames, seen, rate = 0, [], None

    def on_frame(tab: Tab, message: bytes, arrived: float) -> None:
        nonlocal frames, rate
        header = tab.header(message)
        tab.send(f'{{"type":"ack","frame":{header["frame"]}}}')
        now = time.time()
        if window[0] <= now < window[1]:
            frames += 1
        if header["learning_rate"] is not None and header["learning_rate"] != rate:
            rate = header["learning_rate"]
            seen.append((rate, now))

    tab = await open_tab(url, on_frame)
    try:
        await asyncio.sleep(max(0.0, window[1] - time.time()))
    finally:
        tab.close()
    return frames, seen


async def followers(url: str, count: int, window: tuple[float, float]) -> list:
    async def one(i: int):
        await asyncio.sleep(i * 0.005)  # joins spread a little, as a class arrives
        return await follower(url, window)

    return await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)


def client_process(url: str, count: int, window: tuple[float, float], queue) -> None:
    """The followers' results, and the cores this process used meanwhile."""
    cpu, wall = time.process_time(), time.monotonic()
    results = run(followers(url, count, window))
    queue.put((results, (time.process_time() - cpu) / (time.monotonic() - wall)))


async def lecturer(
    url: str, key: str, window: tuple[float, float], every: float, cpu: Callable[[], float]
) -> tuple[int, list[tuple[float, float]], float]:
    """Plays, acks, and changes the learning rate every ``every`` seconds in the window:
    returns its frames in the window, (rate, when sent) pairs, and the ``cpu()``
    seconds the window took."""
    frames, changes = 0, []

    def on_frame(tab: Tab, message: bytes, arrived: float) -> None:
        nonlocal frames
        tab.send(f'{{"type":"ack","frame":{tab.header(message)["frame"]}}}')
        frames += window[0] <= time.time() < window[1]

    tab = await open_tab(url, on_frame, headers=[("Cookie", f"nnp_lecturer={key}")])
    try:
        tab.send(json.dumps({"type": "play"}))
        await asyncio.sleep(max(0.0, window[0] - time.time()))
        cpu_before = cpu()
        for turn in itertools.count(1):  # the page starts at 0.03: the first change is real
            if time.time() >= window[1]:
                break
            rate = RATES[turn % 2]
            changes.append((rate, time.time()))
            tab.send(json.dumps({"type": "config", "learning_rate": rate}))
            await asyncio.sleep(min(every, max(0.0, window[1] - time.time())))
        cpu_used = cpu() - cpu_before
    finally:
        tab.close()
    return frames, changes, cpu_used


def stage(args, base: str, count: int, servers: list[int]) -> dict:
    """One class of ``count`` followers; ``servers``: the processes whose CPU is the
    server's (nn-playground's, and redis-server's)."""
    code, key = start_class(base)
    url = base.replace("http", "ws", 1) + f"/r/{code}/ws"
    join = 2.0 + count * 0.01  # time for the class to arrive before the window opens
    window = (time.time() + join, time.time() + join + args.seconds)
    queue = multiprocessing.Queue()
    share = [count // args.procs + (i < count % args.procs) for i in range(args.procs)]
    clients = [
        multiprocessing.Process(target=client_process, args=(url, n, window, queue)) for n in share
    ]
    for client in clients:
        client.start()
    pids = [pid for root in servers for pid in process_tree(root)]
    lecturer_frames, changes, cpu = run(
        lecturer(url, key, window, args.change_every, lambda: cpu_seconds(pids))
    )
    batches = [queue.get(timeout=args.seconds + 120) for _ in clients]
    results = [r for batch, _ in batches for r in batch]
    for client in clients:
        client.join(timeout=30)
    ok = [r for r in results if not isinstance(r, BaseException)]
    rates = [frames / args.seconds for frames, _ in ok]
    latencies = []
    for rate, sent in changes:
        for _, seen in ok:
            later = [t for r, t in seen if r == rate and t >= sent]
            if later:
                latencies.append(later[0] - sent)
    return {
        "followers": count,
        "connected": len(ok),
        "lecturer_fps": lecturer_frames / args.seconds,
        "fps_median": statistics.median(rates) if rates else float("nan"),
        "fps_p5": percentile(rates, 5),
        "server_cores": cpu / args.seconds,
        "client_cores": sum(cores for _, cores in batches),
        "server_ms_per_frame": 1000
        * cpu
        / max(1, sum(frames for frames, _ in ok) + lecturer_frames),
        "latency_p50_ms": 1000 * percentile(latencies, 50),
        "latency_p95_ms": 1000 * percentile(latencies, 95),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", default="100,300,500")
    parser.add_argument("--workers", type=int, default=2, help="with Redis")
    parser.add_argument("--backends", default="memory,redis")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--change-every", type=float, default=1.0)
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}, cores: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            redis = start_redis(folder) if backend == "redis" else None
            workers = args.workers if redis else 1
            try:
                for count in map(int, args.followers.split(",")):
                    server, base = start_server(workers, redis[1] if redis else None, count)
                    try:
                        servers = [server.pid] + ([redis[0].pid] if redis else [])
                        result = stage(args, base, count, servers)
                    finally:
                        server.terminate()
                        server.wait(timeout=30)
                    print(
                        json.dumps({"backend": backend, "workers": workers, **result}), flush=True
                    )
            finally:
                if redis:
                    redis[0].terminate()
                    redis[0].wait(timeout=10)


if __name__ == "__main__":
    main()
