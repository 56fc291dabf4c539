"""The transport's own cost: the floor under bench/load.py's server ms/frame.

A bare FastAPI websocket route (this module's ``app``) sends a frame-sized
binary message and waits for the page's ack, over and over; ``--clients``
light clients (bench/tab_client.py) in ``--procs`` processes ack at once. It
prints the round trips a second and the server's CPU per round trip: what
uvicorn, Starlette and the kernel cost before the playground does anything.

    .venv/bin/python -m bench.transport --clients 100 --seconds 8
"""

import argparse
import asyncio
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from bench.load import cpu_seconds
from bench.room import free_port, wait_for
from bench.tab_client import Tab, open_tab, run

ROOT = Path(__file__).resolve().parent.parent
FRAME_BYTES = 900  # a default frame, compressed as a tab's stream (docs/protocol.md)
ACK = '{"type":"ack","frame":1}'

app = FastAPI()


@app.websocket("/ws")
async def echo_frames(websocket: WebSocket) -> None:
    await websocket.accept()
    frame = os.urandom(FRAME_BYTES)  # incompressible, as a compressed frame is
    try:
        while True:
            await websocket.send_bytes(frame)
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass


def client_process(url: str, tabs: int, seconds: float, queue: multiprocessing.Queue) -> None:
    """Round trips a second over ``seconds``, after a second of warm-up."""

    async def round_trips() -> float:
        count = 0

        def on_frame(tab: Tab, message: bytes, arrived: float) -> None:
            nonlocal count
            count += 1
            tab.send(ACK)

        opened = [await open_tab(url, on_frame) for _ in range(tabs)]
        await asyncio.sleep(1.0)
        start, began = count, time.monotonic()
        await asyncio.sleep(seconds)
        rate = (count - start) / (time.monotonic() - began)
        for tab in opened:
            tab.close()
        return rate

    queue.put(run(round_trips()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    args = parser.parse_args()
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.transport:app", "--port", str(port)]
    command += ["--log-level", "warning", "--ws-per-message-deflate", "false"]
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        wait_for(f"http://127.0.0.1:{port}/docs")
        queue: multiprocessing.Queue = multiprocessing.Queue()
        share = [
            args.clients // args.procs + (i < args.clients % args.procs) for i in range(args.procs)
        ]
        url = f"ws://127.0.0.1:{port}/ws"
        clients = [
            multiprocessing.Process(target=client_process, args=(url, n, args.seconds, queue))
            for n in share
        ]
        for client in clients:
            client.start()
        time.sleep(1.5 + args.clients * 0.002)  # the tabs open and warm up
        before, began = cpu_seconds([server.pid]), time.monotonic()
        time.sleep(args.seconds * 0.8)  # inside every client's window
        cores = (cpu_seconds([server.pid]) - before) / (time.monotonic() - began)
        rate = sum(queue.get(timeout=args.seconds + 60) for _ in clients)
        for client in clients:
            client.join(timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"# {args.clients} clients, load average {os.getloadavg()[0]:.2f}")
    print(f"round trips/s {rate:.0f}; server {cores:.2f} cores; {1e6 * cores / rate:.1f} µs each")


if __name__ == "__main__":
    main()
