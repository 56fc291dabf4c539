"""A room's stream: the leader's frames, encoded once for all its followers.

``Stream.publish`` takes each ``Moment`` the source session draws. Followers
that have every frame so far get one delta built against the stream's shared
``PageState``; followers catching up (new, lagging, back from exploring) get
one full frame built from an empty ``PageState``, which followers still drawing
hold until they ack (app/rooms/follower.py). After both, the two page states
are the same, so a follower that caught up follows the deltas from then on.
"""

from app.frame_builder import Moment, PageState, build_frame
from app.rooms.follower import Follower


class Stream:
    def __init__(self, compress: bool) -> None:
        self._compress = compress
        self.page = PageState()  # what every synced follower has
        self.followers: set[Follower] = set()
        self.last_number = 0  # the newest frame number a follower may have been sent
        self.frames_built = 0  # encodings, for the tests: one per kind per moment at most

    def publish(self, moment: Moment) -> None:
        synced = [f for f in self.followers if f.synced and f.free]
        behind = [f for f in self.followers if not f.synced and f.free]
        busy = [f for f in self.followers if not f.free]
        for follower in busy:
            follower.skip()
        if not synced:
            self.page = PageState()  # nobody needs the deltas: the full frame sets it again
        else:
            self._send(synced, moment.number, build_frame(moment, self.page, self._compress))
        if behind or busy:
            fresh = PageState()
            full = build_frame(moment, fresh, self._compress)
            self._send(behind, moment.number, full)
            for follower in busy:
                follower.hold(moment.number, full)
            self.page = fresh if not synced else self.page
        self.last_number = max(self.last_number, moment.number)

    def _send(self, followers: list[Follower], number: int, frame: bytes) -> None:
        self.frames_built += 1
        for follower in followers:
            follower.offer(number, frame)
