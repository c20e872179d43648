"""The walls around a worker process that runs SPARQL: no network, bounded memory.

Oxigraph's engine answers ``SERVICE`` and ``LOAD`` by calling other hosts itself, and pyoxigraph has no
option to stop it. :mod:`graph.sparql.guard` refuses such texts before they run; this is the second wall,
for whatever a reader of text may miss: each worker moves into a network namespace of its own (Linux
``unshare(CLONE_NEWNET)``, as ``unshare --net`` does), where there is no interface but a loopback that is
down — no connection can leave it, to this machine or any other. A process without the right to do that
(not root) first enters a user namespace of its own, where it has that right.

The memory bound is ``RLIMIT_AS``: a runaway query or update fails to allocate and its worker ends, the
server answers and starts a new one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import resource
import socket

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _unshare(flags: int) -> int:
    """0, or the errno of ``unshare(flags)``."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) == 0:
        return 0
    return ctypes.get_errno()


def _map_user(uid: int, gid: int) -> None:
    """Inside a new user namespace: be root there (the rights stay within the namespace)."""
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {gid} 1")


def offline() -> bool:
    """Whether this process can reach no address at all (its own loopback included)."""
    for family, address in ((socket.AF_INET, ("127.0.0.1", 9)), (socket.AF_INET6, ("::1", 9))):
        try:
            s = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue  # no such family here: nothing to reach with it
        try:
            s.settimeout(1)
            s.connect(address)
        except OSError as exc:
            if exc.errno not in (errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EACCES, errno.EPERM):
                return False  # e.g. ECONNREFUSED: the loopback answered, so the network is there
        else:
            return False
        finally:
            s.close()
    return True


def cut_network() -> str:
    """Move this process into a network namespace of its own; returns how ("netns", "userns+netns"), or
    the reason it could not ("failed: …")."""
    if not os.path.exists("/proc/self/ns/net"):
        return "failed: kein Linux-Netzwerk-Namensraum auf diesem System"
    code = _unshare(CLONE_NEWNET)
    how = "netns"
    if code == errno.EPERM:
        uid, gid = os.getuid(), os.getgid()
        code = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
        how = "userns+netns"
        if code == 0:
            try:
                _map_user(uid, gid)
            except OSError as exc:
                return f"failed: Benutzer-Namensraum ohne Zuordnung ({exc})"
    if code != 0:
        return f"failed: unshare: {os.strerror(code)}"
    return how if offline() else "failed: das Netz ist nach unshare noch erreichbar"


def bound_memory(megabytes: int | None) -> None:
    """At most ``megabytes`` of address space for this process (None or 0: no bound)."""
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
