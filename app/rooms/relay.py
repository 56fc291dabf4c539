"""A room's frames between processes: encoded once where the source runs, relayed
to the followers wherever they are.

``Publisher`` (the source's process) builds one delta per moment against its
own ``PageState``, and one full frame when a relay asked for it; each goes out
as ``HEAD`` (kind, frame number, the number of the frame the delta follows)
plus the frame's bytes. ``Relay`` (every process with followers) hands them on
like ``Stream``: a synced, free follower gets the delta; a follower still
drawing skips it, and holds the moment's full frame if there is one; a follower
catching up (new, lagging, or the chain broke) gets the next full frame, which
the relay asks for once however many wait.
"""

import struct
from collections.abc import Callable

from app.frame_builder import Moment, PageState, build_frame
from app.rooms.follower import Follower

# A delta, a full frame, or a delta with a full frame of the same moment right behind
# it (relays then wait for that one rather than ask for another).
DELTA, FULL, DELTA_THEN_FULL = 0, 1, 2
HEAD = struct.Struct(">Bqq")  # kind, frame number, the frame it follows (-1: none)
# After a request, this many moments carry a full frame: in a large class some
# follower is nearly always catching up, and a request per frame would cost each
# of them a round trip through Redis before its frame.
FULL_MOMENTS = 10


class Publisher:
    def __init__(self, compress: bool) -> None:
        self._compress = compress
        self._page = PageState()  # what a relay that has every frame so far has
        self._last = -1  # a new publisher's first delta follows nothing: relays catch up
        self._full_left = 0  # moments still to carry a full frame

    def want_full(self) -> None:
        """A relay asked for a full frame: the next ``FULL_MOMENTS`` moments carry one."""
        self._full_left = FULL_MOMENTS

    def frames(self, moment: Moment) -> list[bytes]:
        """This moment's messages: a delta, then a full frame if one was asked for."""
        base, self._last = self._last, moment.number
        full = self._full_left > 0
        self._full_left = max(0, self._full_left - 1)
        kind = DELTA_THEN_FULL if full else DELTA
        out = [HEAD.pack(kind, moment.number, base) + self._build(moment, self._page)]
        if full:
            out.append(HEAD.pack(FULL, moment.number, base) + self._build(moment, PageState()))
        return out

    def _build(self, moment: Moment, page: PageState) -> bytes:
        return build_frame(moment, page, self._compress)


class Relay:
    """A room's stream in one process, fed by ``receive``; ``ask`` requests a full frame."""

    def __init__(self, ask: Callable[[], None]) -> None:
        self._ask = ask
        self.followers: set[Follower] = set()
        self.last_number = 0  # the newest frame number a follower may have been sent
        self._chain: int | None = None  # the last frame received
        self._asked = False

    def want(self) -> None:
        """A follower needs a full frame: ask once until a frame comes."""
        if not self._asked:
            self._asked = True
            self._ask()

    def ask_again(self) -> None:
        """Once a tick: a request whose answer never came (the source was away, or
        gone) is made again while followers still wait."""
        self._asked = False
        if any(f.free and not f.synced for f in self.followers):
            self.want()

    def receive(self, message: bytes) -> None:
        kind, number, base = HEAD.unpack_from(message)
        frame = message[HEAD.size :]
        self.last_number = max(self.last_number, number)
        self._asked = False
        if kind != FULL:
            if base != self._chain:  # a frame went missing, or the source changed
                for follower in self.followers:
                    follower.skip()
            self._chain = number
            for follower in self.followers:
                if not follower.free:
                    follower.skip()
                elif follower.synced:
                    follower.offer(number, frame)
        else:
            for follower in self.followers:
                if follower.synced:  # this moment's delta reached it
                    continue
                if follower.free:
                    follower.offer(number, frame)
                else:
                    follower.hold(number, frame)
        if kind != DELTA_THEN_FULL and any(f.free and not f.synced for f in self.followers):
            self.want()
