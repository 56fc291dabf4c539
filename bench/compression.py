"""What compressing a default frame costs: ISA-L (what the server uses) against zlib.

Builds the frames of a default network playing (epochs 40–140), as a tab's
stream sends them, then compresses them through ``--streams`` page streams in
turn, each fed the frames in order, so every stream's state is out of the
cache by its next frame, as in a server with that many tabs. Prints µs of CPU
per frame (medians of ``--repeats``) and bytes per frame, and the same for
frames compressed one by one (a room's).

    .venv/bin/python -m bench.compression --streams 1,400
"""

import argparse
import statistics
import time
import zlib
from collections.abc import Callable
from typing import Any

from isal import isal_zlib

from app.frame_builder import Moment, PageState, build_frame
from app.frames import PREFIX
from engine.config import ExperimentConfig
from engine.trainer import Trainer

# name → a new page stream; zlib 1/14/4 is what the server used before ISA-L.
STREAMS: dict[str, Callable[[], Any]] = {
    "zlib level 1, window 14, memLevel 4": lambda: zlib.compressobj(1, zlib.DEFLATED, 14, 4),
    "zlib level 1, defaults": lambda: zlib.compressobj(1),
    "ISA-L level 0": lambda: isal_zlib.compressobj(0),
    "ISA-L level 1 (the server's)": lambda: isal_zlib.compressobj(1),
    "ISA-L level 2": lambda: isal_zlib.compressobj(2),
}
ONE_BY_ONE: dict[str, Callable[[bytes], bytes]] = {
    "zlib level 1": lambda body: zlib.compress(body, 1),
    "ISA-L level 1 (the server's)": lambda body: isal_zlib.compress(body, 1),
}


def frame_bodies(count: int = 100, skip: int = 40) -> list[bytes]:
    """Uncompressed bodies (header and arrays) of a default tab's frames, in order."""
    trainer, page, bodies = Trainer.from_config(ExperimentConfig()), PageState(), []
    for number in range(1, skip + count + 1):
        trainer.epoch()
        moment = Moment(trainer, number, True, 0, ["x1", "x2"], True)
        bodies.append(build_frame(moment, page, compress=False)[PREFIX.size :])
    return bodies[skip:]


def through_streams(
    make: Callable[[], Any], bodies: list[bytes], streams: int
) -> tuple[float, float]:
    """(µs of CPU, bytes) per frame, each body sent through every stream in turn."""
    pages = [make() for _ in range(streams)]
    out, began = 0, time.process_time()
    for body in bodies:
        for page in pages:
            out += len(page.compress(body) + page.flush(zlib.Z_SYNC_FLUSH))
    count = len(bodies) * streams
    return 1e6 * (time.process_time() - began) / count, out / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", default="1,400", help="page streams compressed in turn")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bodies = frame_bodies()
    raw = statistics.median(len(body) for body in bodies)
    print(f"# {len(bodies)} default frames, {raw:.0f} B uncompressed (median)")
    print(f"{'compressor':38s} {'streams':>7s} {'µs/frame':>9s} {'B/frame':>8s}")
    for streams in (int(s) for s in args.streams.split(",")):
        for name, make in STREAMS.items():
            runs = [through_streams(make, bodies, streams) for _ in range(args.repeats)]
            micros = statistics.median(r[0] for r in runs)
            print(f"{name:38s} {streams:7d} {micros:9.1f} {runs[0][1]:8.0f}")
    for name, compress in ONE_BY_ONE.items():
        times = []
        for _ in range(args.repeats):
            began = time.process_time()
            size = sum(len(compress(body)) for body in bodies)
            times.append(1e6 * (time.process_time() - began) / len(bodies))
        label = f"{name}, one by one"
        print(f"{label:38s} {'-':>7s} {statistics.median(times):9.1f} {size / len(bodies):8.0f}")


if __name__ == "__main__":
    main()
