#!/usr/bin/env python3
"""Load benchmark: the webhook against nginx over the same TLS, interleaved.

Builds the release binary, generates a certificate, starts the webhook, an
nginx that answers every request with the webhook's executor response (the
ceiling of an HTTPS server on this machine that does no work) and the
webhook's own transport answering the same bytes (the floor: what the server
costs without the decision), then drives them with h2load over HTTP/1.1 keep-alive
(what kube-apiserver uses for service webhooks) and over h2, at 1, 16 and 64
connections, one request in flight per connection. Rounds interleave the
servers so machine drift cancels; medians over rounds are reported.

Usage: Benchmarks/run [--rounds N] [--requests N] [--only h1:1,h1:16,...]
"""
import argparse
import json
import os
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import http.client
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def captured_review(kind):
    """The exact body a real kube-apiserver 1.36 sent for a Spark 3.5.3 pod of this kind
    (fixtures/apiserver-captures: managedFields and the defaulted pod included)."""
    return (ROOT / "fixtures" / "cases" / f"apiserver-spark-3.5.3-{kind}-basic" / "input.json").read_text()


# As a kube-apiserver calls a webhook: its timeout in the query.
MUTATE_PATH = "/mutate?timeout=5s"


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def peak_rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def current_rss_kib(pid):
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE // 1024


def wait_ready(port, ca, deadline_seconds=10):
    context = ssl.create_default_context(cafile=ca)
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=1)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.002)
    return False


def post(port, ca, body):
    context = ssl.create_default_context(cafile=ca)
    connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=5)
    connection.request("POST", MUTATE_PATH, body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def h2load(port, body_file, connections, requests, h1, log_file):
    args = ["h2load", "-n", str(requests), "-c", str(connections), "-m", "1", "-t", "1",
            "-d", body_file, "-H", "content-type: application/json", "--log-file", log_file]
    if h1:
        args.append("--h1")
    args.append(f"https://localhost:{port}{MUTATE_PATH}")
    Path(log_file).unlink(missing_ok=True)  # h2load appends to an existing log
    output = subprocess.run(args, capture_output=True, text=True, timeout=600).stdout
    result = {"succeeded": 0, "failed": 0, "rps": 0.0, "seconds": 0.0}
    for line in output.splitlines():
        if line.startswith("finished in"):
            parts = line.replace(",", "").split()
            result["seconds"] = float(parts[2].rstrip("ms")) / (1000 if parts[2].endswith("ms") else 1)
            result["rps"] = float(parts[3])
        if line.startswith("requests:"):
            words = line.replace(",", "").split()
            result["succeeded"] = int(words[words.index("succeeded") - 1])
            result["failed"] = int(words[words.index("failed") - 1]) + int(words[words.index("errored") - 1])
    statuses = []
    durations = []
    for line in Path(log_file).read_text().splitlines():
        _, status, micros = line.split("\t")
        statuses.append(int(status))
        durations.append(int(micros))
    durations.sort()
    result["non200"] = sum(1 for s in statuses if s != 200)
    result["p50"] = durations[len(durations) // 2] / 1000 if durations else 0
    result["p99"] = durations[int(len(durations) * 0.99)] / 1000 if durations else 0
    return result


NGINX_CONF = """
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log error;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  client_body_buffer_size 64k;
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {dir}/certs/tls.crt;
    ssl_certificate_key {dir}/certs/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /mutate {{
      default_type application/json;
      return 200 '{body}';
    }}
  }}
}}
"""


# Interleaved in this order within each configuration; the floor is our own server
# (same TLS, same transport) answering the same fixed bytes (Benchmarks/FloorServer).
TARGETS = [("webhook", "executor"), ("nginx", "executor"), ("floor", "executor"), ("webhook", "driver")]
TARGETS_SHOWN = [("nginx", "executor"), ("floor", "executor"), ("webhook", "executor"), ("webhook", "driver")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20000, help="per run at 16 and 64 connections")
    parser.add_argument("--only", default=None,
                        help="comma-separated runs to keep, e.g. h1:1,h1:16 (for quick before/after checks)")
    args = parser.parse_args()

    binary, floor_binary = build_release()
    workdir = Path(tempfile.mkdtemp(prefix="spark-conform-bench-"))
    subprocess.run([binary, "certs", "generate", "--out", str(workdir / "certs")], check=True, capture_output=True)
    ca = str(workdir / "certs" / "ca.crt")
    bodies = {}
    for kind in ("executor", "driver"):
        path = workdir / f"{kind}-review.json"
        path.write_text(captured_review(kind))
        bodies[kind] = str(path)

    webhook_port, nginx_port = 18443, 18444
    start = time.monotonic()
    webhook = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(webhook_port),
                                "--tls-cert-file", str(workdir / "certs/tls.crt"),
                                "--tls-key-file", str(workdir / "certs/tls.key"),
                                "--audit-log", str(workdir / "audit.log")],
                               stdout=subprocess.DEVNULL, stderr=open(workdir / "webhook.log", "w"))
    assert wait_ready(webhook_port, ca), "webhook did not become ready"
    ready_ms = (time.monotonic() - start) * 1000
    status, executor_response = post(webhook_port, ca, Path(bodies["executor"]).read_bytes())
    assert status == 200 and b'"patchType":"JSONPatch"' in executor_response

    (workdir / "nginx.conf").write_text(NGINX_CONF.format(
        workers=os.cpu_count(), dir=workdir, port=nginx_port, body=executor_response.decode()))
    nginx = subprocess.Popen(["nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_ready_nginx(nginx_port, ca), "nginx did not start"
    nginx_pids = [nginx.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(nginx.pid)],
                                                              capture_output=True, text=True).stdout.split()]
    status, nginx_response = post(nginx_port, ca, Path(bodies["executor"]).read_bytes())
    assert status == 200 and len(nginx_response) == len(executor_response)
    (workdir / "executor-response.json").write_bytes(executor_response)
    floor_port = 18445
    floor = subprocess.Popen([floor_binary, str(floor_port), str(workdir / "certs/tls.crt"),
                              str(workdir / "certs/tls.key"), str(workdir / "executor-response.json")],
                             stdout=subprocess.DEVNULL, stderr=open(workdir / "floor.log", "w"))
    assert wait_ready_nginx(floor_port, ca), "floor server did not start"
    status, floor_response = post(floor_port, ca, Path(bodies["executor"]).read_bytes())
    assert status == 200 and floor_response == executor_response

    configs = []
    for h1 in (True, False):
        for connections in (1, 16, 64):
            requests = args.requests // 4 if connections == 1 else args.requests
            if args.only is None or f"{'h1' if h1 else 'h2'}:{connections}" in args.only.split(","):
                configs.append((h1, connections, requests))
    results = {}
    for round_number in range(args.rounds):
        for h1, connections, requests in configs:
            for target, kind in TARGETS:
                port, pids = {"webhook": (webhook_port, [webhook.pid]), "nginx": (nginx_port, nginx_pids),
                              "floor": (floor_port, [floor.pid])}[target]
                before = cpu_ticks(pids)
                result = h2load(port, bodies[kind], connections, requests, h1, str(workdir / "h2load.log"))
                result["cpu_us"] = (cpu_ticks(pids) - before) / TICKS * 1e6 / max(1, result["succeeded"])
                results.setdefault((target, kind, h1, connections), []).append(result)
        print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)

    webhook_peak = peak_rss_kib(webhook.pid)
    webhook_now = current_rss_kib(webhook.pid)
    parts = rss_parts_kib(webhook.pid)
    floor_peak = peak_rss_kib(floor.pid)
    nginx.send_signal(signal.SIGQUIT)
    floor.send_signal(signal.SIGKILL)
    webhook.send_signal(signal.SIGTERM)
    webhook.wait(timeout=10)
    nginx.wait(timeout=10)

    def median(values, key):
        return statistics.median(v[key] for v in values)

    print(f"machine: {os.cpu_count()} cores, {machine_model()}; h2load {h2load_version()}, nginx {nginx_version()} "
          f"({os.cpu_count()} workers); {args.rounds} interleaved rounds, medians shown")
    print(f"request body: executor {Path(bodies['executor']).stat().st_size} B, driver {Path(bodies['driver']).stat().st_size} B; "
          f"response {len(executor_response)} B (nginx returns the same bytes)")
    print()
    header = f"{'proto':6} {'conns':>5} {'target':18} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>10} {'req/s vs nginx':>14} {'CPU vs nginx':>12} {'failed':>6}"
    print(header)
    print("-" * len(header))
    failures = 0
    for h1, connections, _ in configs:
        nginx_runs = results[("nginx", "executor", h1, connections)]
        for target, kind in TARGETS_SHOWN:
            runs = results[(target, kind, h1, connections)]
            failed = sum(r["failed"] + r["non200"] for r in runs)
            failures += failed
            rps, p50, p99, cpu = (median(runs, k) for k in ("rps", "p50", "p99", "cpu_us"))
            ratio = rps / median(nginx_runs, "rps")
            cpu_ratio = cpu / median(nginx_runs, "cpu_us")
            label = {"nginx": "nginx (ceiling)", "floor": "transport floor"}.get(target, f"webhook {kind}")
            print(f"{'h1.1' if h1 else 'h2':6} {connections:>5} {label:18} {rps:>9.0f} {p50:>7.3f} {p99:>7.3f} {cpu:>10.1f} "
                  f"{ratio:>14.2f} {cpu_ratio:>12.2f} {failed:>6}")
    print()
    print(f"webhook: ready {ready_ms:.0f} ms after start; peak RSS {webhook_peak / 1024:.1f} MiB "
          f"(at the end {webhook_now / 1024:.1f} MiB: {parts.get('RssAnon', 0) / 1024:.1f} MiB anonymous, "
          f"{parts.get('RssFile', 0) / 1024:.1f} MiB file-backed code and data); failed or non-200 requests: {failures}")
    print(f"transport floor: peak RSS {floor_peak / 1024:.1f} MiB")

    if not all((t, "executor", True, c) in results for t in ("webhook", "nginx") for c in (1, 16)):
        return
    key = ("webhook", "executor", True, 16)
    ceiling = results[("nginx", "executor", True, 16)]
    checks = [
        ("h1.1 16 conns CPU/request <= 3x nginx", median(results[key], "cpu_us") / median(ceiling, "cpu_us") <= 3),
        ("h1.1 16 conns req/s >= 45% of nginx", median(results[key], "rps") / median(ceiling, "rps") >= 0.45),
        ("h1.1 16 conns p99 < 2 ms", median(results[key], "p99") < 2),
        ("1 conn p50 < 0.2 ms (h1.1)", median(results[("webhook", "executor", True, 1)], "p50") < 0.2),
        ("peak RSS < 32 MiB", webhook_peak / 1024 < 32),
        ("ready < 200 ms", ready_ms < 200),
        ("zero failed requests", failures == 0),
    ]
    print()
    for name, ok in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {name}")


def build_release():
    """The binary the image ships and the framework-floor server, built (and stripped)
    by the image's own build script."""
    subprocess.run([str(ROOT / "scripts" / "build-release"), str(ROOT / ".build-image"), "spark-conform", "spark-conform-floor"],
                   check=True, stdout=subprocess.DEVNULL)
    return str(ROOT / ".build-image" / "spark-conform"), str(ROOT / ".build-image" / "spark-conform-floor")


def rss_parts_kib(pid):
    """Anonymous (heap, stacks) and file-backed (code, read-only data) resident memory."""
    parts = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:")):
            parts[line.split(":")[0]] = int(line.split()[1])
    return parts


def wait_ready_nginx(port, ca):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            post(port, ca, b"{}")
            return True
        except OSError:
            time.sleep(0.01)
    return False


def machine_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def h2load_version():
    return subprocess.run(["h2load", "--version"], capture_output=True, text=True).stdout.split()[-1]


def nginx_version():
    return subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]


if __name__ == "__main__":
    main()
