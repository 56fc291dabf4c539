"""Rooms: a lecturer's class that students follow live (docs/protocol.md, "Rooms";
docs/design.md, "Rooms").

One module per idea: ``keys`` (codes, lecturer keys, nicknames), ``follower``
(one student's mailbox), ``stream`` (the leader's frames, encoded once for
every follower), ``room`` (a class and its students, with hooks for a class
that spans processes), ``backends`` (where rooms live, a registry), ``guard``
(join misses per address), ``messages`` (what a room's sockets may send),
``challenge`` (goals and the leaderboard), ``views`` (the class table and
status bars), ``ticker`` (sending them about once a second), ``links`` (a
lecturer's or a student's socket), and for ``--redis``: ``relay`` (frames
between processes), ``redis_room`` (one process's share of a class) and
``redis_rooms`` (the backend).
"""
