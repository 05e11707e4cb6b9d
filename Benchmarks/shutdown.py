#!/usr/bin/env python3
"""Shutdown under load, seen from the client: 16 threads, each a TLS
HTTP/1.1 keep-alive connection sending AdmissionReviews back to back; after
3 s the server gets SIGTERM. Counts responses received, requests sent whose
response never came (the connection ended first), and the server's audit
lines. A clean shutdown has audit lines == responses and none lost.

Usage: python3 Benchmarks/shutdown.py [path to spark-conform]
"""
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import os
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, build_release, captured_review, MUTATE_PATH, wait_ready  # noqa: E402

binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else build_release()[0]
os.chdir(tempfile.mkdtemp(prefix='spark-conform-shutdown-'))
subprocess.run([binary, 'certs', 'generate', '--out', 'certs'], check=True, capture_output=True)
body = captured_review("executor").encode()
port = 18480
srv = subprocess.Popen([binary, 'serve', '--log-level', os.environ.get('LVL', 'info'), '--host', '127.0.0.1', '--port', str(port), '--tls-cert-file', 'certs/tls.crt', '--tls-key-file', 'certs/tls.key', '--audit-log', 'audit.log'], stderr=open('srv.log', 'w'))
assert wait_ready(port, 'certs/ca.crt')
base = sum(1 for _ in open('audit.log'))
ctx = ssl.create_default_context(cafile='certs/ca.crt')
ctx.set_alpn_protocols(['http/1.1'])
stats = {'ok': 0, 'lost_after_send': 0, 'refused': 0, 'closed_before_send': 0}
lock = threading.Lock()
stop = threading.Event()
request = (f'POST {MUTATE_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n').encode() + body
def worker():
    while not stop.is_set():
        try:
            s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
        except OSError:
            with lock: stats['refused'] += 1
            time.sleep(0.01); continue
        f = s.makefile('rb')
        while not stop.is_set():
            try:
                s.sendall(request)
            except OSError:
                with lock: stats['closed_before_send'] += 1
                break
            try:
                status = f.readline()
                if not status:
                    raise OSError('eof')
                length = 0
                close = False
                while True:
                    line = f.readline()
                    if line in (b'\r\n', b''): break
                    if line.lower().startswith(b'content-length:'): length = int(line.split(b':')[1])
                    if line.lower().startswith(b'connection:') and b'close' in line.lower(): close = True
                data = f.read(length)
                assert len(data) == length
                with lock: stats['ok'] += 1
                if close:
                    # As HTTP/1.1 requires (and Go's client does): no further request on this connection.
                    with lock: stats['closed_by_server_header'] = stats.get('closed_by_server_header', 0) + 1
                    break
            except (OSError, AssertionError, ssl.SSLError) as e:
                with lock:
                    stats['lost_after_send'] += 1
                    stats.setdefault('why', []).append(repr(e)[:60])
                break
        try: s.close()
        except OSError: pass
threads = [threading.Thread(target=worker) for _ in range(16)]
for t in threads: t.start()
time.sleep(3)
t0=time.monotonic(); srv.send_signal(signal.SIGTERM)
code = srv.wait(timeout=30); print("exit after", time.monotonic()-t0)
stop.set()
for t in threads: t.join()
audit = sum(1 for _ in open('audit.log')) - base
why = stats.pop('why', [])
print('exit', code, stats, 'audit lines', audit, 'lost because:', sorted(set(why)))
