#!/usr/bin/env python3
"""The server as the chart runs it, seen from the kernel, run by CI.

Starts the real binary as uid/gid 65532 with no capabilities and no new
privileges (as check_patches' Webhook starts it when run as root), then:
  - reads the process's credentials from /proc: uid, gid, effective and bounding
    capabilities, NoNewPrivs;
  - holds a TLS connection open after a request and reads TCP_NODELAY on the
    server's own accepted socket: the socket is taken from the server process
    with pidfd_getfd(2) and asked with getsockopt(IPPROTO_TCP, TCP_NODELAY).
Needs root (to start it as 65532 and to take its socket). Exits non-zero on
the first failure.
"""
import ctypes
import os
import socket
import ssl
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_patches import Webhook, CHART_UID  # noqa: E402

SYS_PIDFD_OPEN = 434
SYS_PIDFD_GETFD = 438
libc = ctypes.CDLL(None, use_errno=True)


def status_fields(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return fields


def server_socket_for(pid, client_address):
    """The server's accepted socket whose peer is `client_address`, as a socket of ours."""
    pidfd = libc.syscall(SYS_PIDFD_OPEN, pid, 0)
    assert pidfd >= 0, f"pidfd_open: {os.strerror(ctypes.get_errno())}"
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                    continue
            except FileNotFoundError:
                continue
            ours = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
            assert ours >= 0, f"pidfd_getfd: {os.strerror(ctypes.get_errno())}"
            candidate = socket.socket(fileno=ours)
            try:
                if candidate.family == socket.AF_INET and candidate.getpeername() == client_address:
                    return candidate
            except OSError:
                pass  # the listener, or not connected
            candidate.close()
    finally:
        os.close(pidfd)
    raise AssertionError(f"no socket of the server is connected to {client_address}")


def main():
    binary = sys.argv[1]
    assert os.geteuid() == 0, "run as root: it starts the server as 65532 and reads its sockets"
    with tempfile.TemporaryDirectory() as tmp:
        webhook = Webhook(binary, Path(tmp))
        try:
            pid = webhook.process.pid
            fields = status_fields(pid)
            assert fields["Uid"][:2] == [str(CHART_UID)] * 2 and fields["Gid"][:2] == [str(CHART_UID)] * 2, fields["Uid"]
            assert fields["CapEff"] == ["0000000000000000"] and fields["CapBnd"] == ["0000000000000000"], fields
            assert fields["NoNewPrivs"] == ["1"], fields["NoNewPrivs"]

            context = ssl.create_default_context(cafile=webhook.ca)
            with socket.create_connection(("127.0.0.1", webhook.port)) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    reply = tls.recv(4096)
                    assert reply.startswith(b"HTTP/1.1 200"), reply[:100]
                    accepted = server_socket_for(pid, tls.getsockname())
                    with accepted:
                        nodelay = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                        debug = accepted.getsockopt(socket.SOL_SOCKET, socket.SO_DEBUG)
                    assert nodelay != 0, "TCP_NODELAY is not set on the server's accepted connection"
                    assert debug == 0, "SO_DEBUG is set on the server's accepted connection"
        finally:
            webhook.stop()
    print(f"unprivileged check: the server runs as uid/gid {CHART_UID} with no capabilities and no new privileges, "
          "answers over TLS, and its accepted connection has TCP_NODELAY set (read from its own socket)")


if __name__ == "__main__":
    main()
