"""Load test: many tabs on one server, as a classroom would use it (issue 4).

Starts ``nn-playground`` (or targets ``--url``), then for each client count
opens that many websocket clients on 127.0.0.1 that behave like tabs: play,
ack every frame at once, and now and then (at a random moment, as a person
clicks) change the learning rate. After a warm-up it measures, per client,
frames/s (median and 5th percentile) and bytes/s; the server's CPU (all its
processes, in cores); and the latency from a config message to the first
frame that shows it (p50, p95), timed when the frame's bytes arrive, not when
a busy client gets round to reading them. The clients run in ``--procs``
processes of their own, on the same box.

    .venv/bin/python -m bench.load --workers 2 --clients 100,150,200,250 --seconds 20

``--at-start`` is a class that connects at once: the server starts with an
empty kernel cache (a fresh ``NUMBA_CACHE_DIR``) and the first stage's tabs
connect the moment /healthz answers, while the kernels compile; give it a
``--warmup`` longer than the compile, so the window shows whether those tabs
moved to the kernels once they were ready.

Numbers are medians over clients; the box is shared, so quote the conditions.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.tab_client import Tab, open_tab, run

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
RATES = (0.03, 0.01)  # the learning rates a client toggles between (a live change)


@dataclass
class ClientStats:
    frames: int = 0
    bytes: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def tab(url: str, window: tuple[float, float], change_every: float) -> ClientStats:
    """One tab: play, ack each frame, change the learning rate every few seconds."""
    stats = ClientStats()
    start, end = window
    pending: tuple[float, float] | None = None  # (learning rate, sent at)

    def on_frame(tab: Tab, message: bytes, arrived: float) -> None:
        nonlocal pending
        header = tab.header(message)
        tab.send(f'{{"type":"ack","frame":{header["frame"]}}}')
        measuring = start <= arrived < end
        if measuring:
            stats.frames += 1
            stats.bytes += len(message)
        if pending and header["learning_rate"] == pending[0]:
            if measuring:
                stats.latencies.append(arrived - pending[1])
            pending = None

    def on_text(tab: Tab, text: str) -> None:  # an error fragment; an empty one clears it
        stats.errors += not text.endswith('hx-swap-oob="true"></span>')

    ws = await open_tab(url, on_frame, on_text)
    ws.send(json.dumps({"type": "play"}))
    try:
        # Change the learning rate at random moments, whatever the frames are doing.
        rate = 0
        await asyncio.sleep(random.uniform(0.5, change_every))
        while (left := end - time.monotonic()) > 0:
            if pending is None:
                rate = 1 - rate
                pending = (RATES[rate], time.monotonic())
                ws.send(json.dumps({"type": "config", "learning_rate": str(RATES[rate])}))
            await asyncio.sleep(min(left, random.uniform(0.5 * change_every, 1.5 * change_every)))
    finally:
        ws.close()
    return stats


async def many_tabs(url: str, count: int, window: tuple[float, float], change_every: float):
    async def staggered(i: int) -> ClientStats:
        await asyncio.sleep(i * 0.01)  # don't open every connection in the same instant
        try:
            return await tab(url, window, change_every)
        except Exception as exc:  # a refused or dropped tab counts as a tab with no frames
            print(f"client failed: {exc!r}", file=sys.stderr)
            return ClientStats(errors=1)

    return await asyncio.gather(*(staggered(i) for i in range(count)))


def client_process(url, count, window, change_every, queue) -> None:
    cpu, wall = time.process_time(), time.monotonic()
    stats = run(many_tabs(url, count, window, change_every))
    queue.put((stats, (time.process_time() - cpu) / (time.monotonic() - wall)))


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes, from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def busy_seconds() -> float:
    """CPU time the whole machine spent busy (all processes, all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / TICKS


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (uvicorn's supervisor and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def start_server(
    workers: int, extra: list[str], cache: str | None = None
) -> tuple[subprocess.Popen, str]:
    """Start the server; with ``cache`` (an empty directory), cold: the kernels compile
    into it after /healthz answers, and this returns at once."""
    env = dict(os.environ)
    if cache:
        env["NUMBA_CACHE_DIR"] = cache
    else:
        # Compile the engine's kernels into numba's disk cache first, so the workers
        # load them instead of compiling while the clock runs.
        warm_up = "from engine.fast import warm_up; warm_up()"
        subprocess.run([sys.executable, "-c", warm_up], check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(Path(sys.executable).with_name("nn-playground")),
        "--port", str(port),
        "--workers", str(workers),
        "--max-sessions", "100000",
        "--max-messages-per-second", "1000",
        *extra,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            if not cache:
                time.sleep(1.0 * workers)  # let every worker come up and load the kernels
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def run_stage(args, base: str, root: int | None, count: int) -> dict[str, float]:
    ramp = 1.5 + count * 0.01 / args.procs
    start = time.monotonic() + ramp + args.warmup
    window = (start, start + args.seconds)
    queue = multiprocessing.Queue()
    shares = [count // args.procs + (i < count % args.procs) for i in range(args.procs)]
    url = base.replace("http", "ws", 1) + "/ws" + (f"?{args.query}" if args.query else "")
    procs = [
        multiprocessing.Process(
            target=client_process, args=(url, share, window, args.change_every, queue)
        )
        for share in shares
        if share
    ]
    for proc in procs:
        proc.start()
    time.sleep(max(0.0, start - time.monotonic()))
    # Listed now, not at start: a cold server may still have been starting its workers.
    pids = process_tree(root) if root else []
    cpu_before, busy_before, wall_before = cpu_seconds(pids), busy_seconds(), time.monotonic()
    time.sleep(args.seconds)
    cpu_after, busy_after, wall_after = cpu_seconds(pids), busy_seconds(), time.monotonic()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    stats = [s for batch, _ in results for s in batch]
    wall = wall_after - wall_before
    server_cores = (cpu_after - cpu_before) / wall
    client_cores = sum(cores for _, cores in results)
    fps = [s.frames / args.seconds for s in stats]
    latencies = [x * 1000 for s in stats for x in s.latencies]
    return {
        "clients": count,
        "fps_median": statistics.median(fps),
        "fps_p5": percentile(fps, 5),
        "kb_per_s": statistics.median(s.bytes / args.seconds / 1000 for s in stats),
        "bytes_per_frame": sum(s.bytes for s in stats) / max(1, sum(s.frames for s in stats)),
        "server_cores": server_cores,
        "server_ms_per_frame": 1000 * server_cores / max(1e-9, sum(fps)),
        "client_cores": client_cores,
        # Everything else the box ran meanwhile (other users of the shared machine).
        "other_cores": (busy_after - busy_before) / wall - server_cores - client_cores,
        "latency_p50": percentile(latencies, 50),
        "latency_p95": percentile(latencies, 95),
        "changes": len(latencies),
        "failed": sum(1 for s in stats if s.frames == 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (http://host:port); else start one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process, for its CPU")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", default="50,100,150,200,250")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured time per stage")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--change-every", type=float, default=3.0, help="seconds between changes")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--query", default="", help="the tabs' config, e.g. dataset=spiral")
    parser.add_argument(
        "--no-compress", action="store_true", help="start the server with --no-compress-frames"
    )
    parser.add_argument(
        "--at-start",
        action="store_true",
        help="start with an empty kernel cache; the first stage connects while it compiles",
    )
    args = parser.parse_args()
    if args.at_start and args.url:
        parser.error("--at-start starts its own server: leave out --url")

    server, cache = None, tempfile.mkdtemp(prefix="nnp-kernels-") if args.at_start else None
    if args.url:
        base, root = args.url.rstrip("/"), args.pid
    else:
        extra = ["--no-compress-frames"] * args.no_compress
        server, base = start_server(args.workers, extra, cache)
        root = server.pid
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {base}, workers={args.workers}, {os.cpu_count()} cores, load average {load}")
    print(f"# tabs: /ws?{args.query}; compressed frames: {not args.no_compress}")
    if cache:
        print("# at start: empty kernel cache, the first stage connected as /healthz answered")
    print(
        f"# {args.seconds:g} s per stage after {args.warmup:g} s warm-up, {args.procs} client procs"
    )
    header = (
        "clients  fps_med  fps_p5  KB/s/client  B/frame  server_cores  ms/frame  client_cores"
        "  other_cores  lat_p50_ms  lat_p95_ms  changes  failed"
    )
    print(header)
    rows = []
    try:
        for count in (int(c) for c in args.clients.split(",")):
            row = run_stage(args, base, root, count)
            rows.append(row)
            print(
                f"{row['clients']:7d}  {row['fps_median']:7.1f}  {row['fps_p5']:6.1f}"
                f"  {row['kb_per_s']:11.1f}  {row['bytes_per_frame']:7.0f}"
                f"  {row['server_cores']:12.2f}  {row['server_ms_per_frame']:8.2f}"
                f"  {row['client_cores']:12.2f}"
                f"  {row['other_cores']:11.2f}"
                f"  {row['latency_p50']:10.0f}  {row['latency_p95']:10.0f}"
                f"  {row['changes']:7d}  {row['failed']:6d}",
                flush=True,
            )
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        if cache:
            shutil.rmtree(cache, ignore_errors=True)
    holding = [r["clients"] for r in rows if r["fps_p5"] >= 9]
    breaking = [r["clients"] for r in rows if r["fps_p5"] < 9]
    print(
        f"# fps p5 >= 9 up to {max(holding, default=0)} clients;"
        f" below 9 from {min(breaking) if breaking else 'none tested'}"
    )


if __name__ == "__main__":
    main()
