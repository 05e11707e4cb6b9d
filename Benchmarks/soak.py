#!/usr/bin/env python3
"""Soak: over a million requests against the release binary, with a
certificate rotation and policy reloads (one invalid) in the middle of the
load, then SIGTERM during load. Checks zero failed requests and flat memory.

Usage: Benchmarks/soak [--requests N] [--connections C]
"""
import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build_release, captured_review, current_rss_kib, peak_rss_kib, MUTATE_PATH, ROOT, wait_ready  # noqa: E402


def h2load(port, body, connections, requests, log_file):
    Path(log_file).unlink(missing_ok=True)  # h2load appends to an existing log
    output = subprocess.run(
        ["h2load", "-n", str(requests), "-c", str(connections), "-m", "1", "-t", "1", "--h1", "-d", body,
         "-H", "content-type: application/json", "--log-file", log_file, f"https://localhost:{port}{MUTATE_PATH}"],
        capture_output=True, text=True).stdout
    line = next(l for l in output.splitlines() if l.startswith("requests:"))
    words = line.replace(",", "").split()
    number = lambda word: int(words[words.index(word) - 1])
    statuses = [int(l.split("\t")[1]) for l in Path(log_file).read_text().splitlines()]
    rps = next(l for l in output.splitlines() if l.startswith("finished in")).split()[3]
    return {"done": number("done"), "succeeded": number("succeeded"), "failed": number("failed"),
            "errored": number("errored"), "non200": sum(1 for s in statuses if s != 200),
            "responses": len(statuses), "rps": float(rps)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--binary", default=None)
    args = parser.parse_args()
    binary = args.binary or build_release()[0]
    work = Path(tempfile.mkdtemp(prefix="spark-conform-soak-"))
    subprocess.run([binary, "certs", "generate", "--out", str(work / "certs")], check=True, capture_output=True)
    body = work / "executor-review.json"
    body.write_text(captured_review("executor"))
    policy = work / "policy.yaml"
    policy.write_text("rules: {service-account: {name: spark}}\n")
    port = 18453
    server = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--policy", str(policy),
         "--policy-reload-interval", "1", "--tls-reload-interval", "1",
         "--tls-cert-file", str(work / "certs/tls.crt"), "--tls-key-file", str(work / "certs/tls.key"),
         "--audit-log", str(work / "audit.log")],
        stdout=subprocess.DEVNULL, stderr=open(work / "server.log", "w"))
    assert wait_ready(port, str(work / "certs/ca.crt"))

    # Phase 1: warm-up, 10% of the requests; the RSS after it is the baseline.
    warm = h2load(port, str(body), args.connections, args.requests // 10, str(work / "warm.log"))
    baseline = current_rss_kib(server.pid)

    # Phase 2: the rest, with rotation and reloads in the middle.
    samples = []
    events = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.monotonic(), current_rss_kib(server.pid)))
            time.sleep(0.5)

    def disturb():
        time.sleep(8)
        subprocess.run([binary, "certs", "generate", "--out", str(work / "next")], check=True, capture_output=True)
        (work / "certs/tls.key").write_bytes((work / "next/tls.key").read_bytes())  # half-rotated for a moment
        time.sleep(1.5)
        (work / "certs/tls.crt").write_bytes((work / "next/tls.crt").read_bytes())
        events.append("certificate rotated (key first: refused, then the pair: accepted)")
        time.sleep(4)
        policy.write_text("rules: {service-account: {name: spark-second}}\n")
        events.append("policy changed")
        time.sleep(4)
        policy.write_text("rules: {service-account: {name: Not_Valid}}\n")
        events.append("invalid policy written")
        time.sleep(4)
        policy.write_text("rules: {service-account: {name: spark}}\n")
        events.append("policy restored")

    threading.Thread(target=sample, daemon=True).start()
    disturber = threading.Thread(target=disturb, daemon=True)
    disturber.start()
    main_phase = h2load(port, str(body), args.connections, args.requests - args.requests // 10, str(work / "main.log"))
    stop.set()
    disturber.join()
    end_rss = current_rss_kib(server.pid)
    peak = peak_rss_kib(server.pid)

    # Phase 3: SIGTERM while 16 connections are busy.
    shutdown_log = str(work / "shutdown.log")
    loader = threading.Thread(target=lambda: events.append(h2load(port, str(body), args.connections, 10_000_000, shutdown_log)))
    loader.start()
    time.sleep(3)
    server.send_signal(signal.SIGTERM)
    exit_code = server.wait(timeout=30)
    loader.join()
    shutdown = events.pop()
    audit_lines = sum(1 for _ in open(work / "audit.log"))
    server_log = (work / "server.log").read_text()

    total = warm["responses"] + main_phase["responses"]
    failed = warm["failed"] + warm["errored"] + warm["non200"] + main_phase["failed"] + main_phase["errored"] + main_phase["non200"]
    drift = (end_rss - baseline) / baseline * 100
    print(f"soak: {total} requests over {args.connections} HTTP/1.1 keep-alive connections "
          f"({warm['rps']:.0f} and {main_phase['rps']:.0f} req/s), failed or non-200: {failed}")
    print("  during load: " + "; ".join(events))
    print(f"  log: {server_log.count('TLS certificate reloaded')} certificate reload(s), "
          f"{server_log.count('TLS certificate refused')} refused; {server_log.count('policy reloaded')} policy reload(s), "
          f"{server_log.count('policy refused')} refused")
    print(f"  RSS after warm-up {baseline / 1024:.1f} MiB, at the end {end_rss / 1024:.1f} MiB (drift {drift:+.1f}%), "
          f"max sampled {max(s for _, s in samples) / 1024:.1f} MiB, peak (VmHWM) {peak / 1024:.1f} MiB")
    answered = warm["responses"] + main_phase["responses"] + shutdown["responses"]
    print(f"  SIGTERM under load: exit code {exit_code}; {shutdown['responses']} responses after 3 s of load, "
          f"non-200: {shutdown['non200']}; {shutdown['errored'] + shutdown['failed']} further requests found their "
          f"connection closed and were not sent")
    print(f"  every request the server decided was answered: {audit_lines == answered} "
          f"({audit_lines} audit lines, {answered} responses)")

if __name__ == "__main__":
    main()
