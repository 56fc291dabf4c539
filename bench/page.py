"""The page's drawing cost, in headless Debian chromium (issue 5).

1. Frames/s one tab draws while playing (the server caps it at 20; the page
   acks after drawing, so a slow page shows up here as fewer frames), for a
   small, a wide and a polar network.
2. Why maps are layout images: the median time to show a new 48² map by
   restyling a Plotly heatmap trace against swapping the plot's image.
3. Server start → first frame (issue 10): from starting the server process
   to the first frame drawn in a browser that is already open, on a first
   visit (empty cache) and a repeat one. The kernels' disk cache is warm, as
   after an install's first start.

    .venv/bin/python bench/page.py --seconds 3 --repeats 3

Medians over repeats; the box is shared, so quote the conditions.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765  # one port for the start-up runs: the browser's cache is per origin
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
NETWORKS = {
    "default (2-4-2-1)": "",
    "wide (11 inputs, 6×8)": "?hidden=8,8,8,8,8,8&features="
    "x1,x2,x1^2,x2^2,x1x2,sin_x1,sin_x2,r,theta,sin_theta,cos_theta",
    "polar (r, θ, 8-8, plane view)": "?features=r,theta&hidden=8,8",
}
# Median ms to show a new map: restyle of a heatmap trace, or a new layout image.
MAP_SWAP = """async () => {
  const el = document.getElementById('output-chart');
  const median = async (f, n = 15) => {
    const ms = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await f(i);
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b)[Math.floor(n / 2)];
  };
  const row = (r, i) => Array.from({length: 48}, (_, c) => Math.sin(r * c + i));
  const z = (i) => Array.from({length: 48}, (_, r) => row(r, i));
  await Plotly.restyle(el, {x: [null], y: [null], z: [z(0)], zsmooth: ['best']}, [0]);
  const heatmap = await median((i) => Plotly.restyle(el, {z: [z(i)]}, [0]));
  await Plotly.restyle(el, {visible: [false]}, [0]);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d');
  const image = await median((i) => {
    ctx.fillStyle = i % 2 ? '#f59322' : '#0877bd';
    ctx.fillRect(0, 0, 48, 48);
    return Plotly.relayout(el, {'images[0].source': canvas.toDataURL(), 'images[0].visible': true});
  });
  return {heatmap, image};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    for _ in range(1000):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return process, url
        except OSError:
            time.sleep(0.03)
    process.terminate()
    raise RuntimeError("the server did not start")


def first_frame(page: Page) -> None:
    page.wait_for_function("Number(document.getElementById('playground').dataset.frame) > 0")


def start_to_first_frame(browser: Browser, cached: bool) -> float:
    """Seconds from starting a server to its page's first frame drawn; ``cached``:
    the browser has the static files from a visit to an earlier server."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        if cached:  # the same URLs (content-hashed, a year's cache) from another server
            process, url = start_server(PORT)
            page.goto(url)
            first_frame(page)
            process.terminate()
            process.wait()
        began = time.monotonic()
        process, url = start_server(PORT)
        try:
            page.goto(url)
            first_frame(page)
            return time.monotonic() - began
        finally:
            process.terminate()
            process.wait()
    finally:
        context.close()


def frames_per_second(page: Page, url: str, seconds: float, repeats: int) -> list[float]:
    page.goto(url)
    first_frame(page)
    page.click("#play")
    page.wait_for_timeout(1500)  # past the first frames' warm-up
    rates = []
    for _ in range(repeats):
        start, t0 = int(page.get_attribute("#playground", "data-frame")), time.monotonic()
        page.wait_for_timeout(seconds * 1000)
        end, t1 = int(page.get_attribute("#playground", "data-frame")), time.monotonic()
        rates.append((end - start) / (t1 - t0))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    process, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for name, query in NETWORKS.items():
                rates = frames_per_second(page, f"{url}/{query}", args.seconds, args.repeats)
                runs = ", ".join(f"{r:.1f}" for r in rates)
                print(f"{name:32} frames/s median {statistics.median(rates):5.1f}  ({runs})")
            page.goto(url)
            first_frame(page)
            swap = page.evaluate(MAP_SWAP)
            ratio = swap["heatmap"] / max(swap["image"], 1e-3)
            print(
                f"new 48² map: heatmap restyle {swap['heatmap']:.1f} ms, "
                f"layout image {swap['image']:.2f} ms ({ratio:.0f}×)"
            )
            process.terminate()  # before the start-up runs, which start their own
            process.wait()
            for cached, visit in ((False, "first visit"), (True, "repeat visit")):
                times = [start_to_first_frame(browser, cached) for _ in range(args.repeats)]
                runs = ", ".join(f"{t:.2f}" for t in times)
                median = statistics.median(times)
                print(f"server start → first frame, {visit}: median {median:.2f} s ({runs})")
            browser.close()
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
