"""Rooms: a lecturer's class that students follow live (docs/protocol.md, "Rooms").

One module per idea: ``keys`` (codes, lecturer keys, nicknames), ``follower``
(one student's mailbox), ``stream`` (the leader's frames, encoded once for
every follower), ``room`` (a class and its students), ``backends`` (where rooms
live, a registry), ``guard`` (join misses per address), ``messages`` (what a
room's sockets may send), ``challenge`` (goals and the leaderboard),
``links`` (a lecturer's or a student's socket).
"""
