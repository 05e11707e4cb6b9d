#!/usr/bin/env python3
"""Speed and memory of `spark-conform audit report` on a large audit log.

1. Runs the real server (audit mode unless --mode enforce) and sends it every fixture and every
   golden case's pod in four namespaces: a log the server itself wrote.
2. Grows that log to N lines (default 1,000,000) by repeating its records
   across 50 namespaces with new uids, pod names and app ids, with a bad line
   every 10,000 lines.
3. Times `audit report` over it (wall clock and peak RSS from /usr/bin/time
   when present, else from the kernel's rusage), text and JSON.
Usage: audit_report.py BINARY [LINES] [--mode audit|enforce] [--keep FILE]
(audit mode's records carry the patch enforce mode would send: about three times the bytes.)
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "independent"))
from check_patches import free_port  # noqa: E402


def pods():
    found = [json.loads(p.read_text()) for p in sorted((ROOT / "fixtures").glob("*.json"))]
    for case in sorted((ROOT / "fixtures" / "cases").iterdir()):
        source = case / "input.json"
        if (case / "policy.yaml").exists() or not source.exists():
            continue
        value = json.loads(source.read_text())
        if value.get("kind") == "Pod":
            found.append(value)
    return found


def seed_log(binary, workdir, mode):
    """The records the real server writes for every pod, in the given mode."""
    port = free_port()
    log = workdir / "seed.log"
    policy = workdir / "policy.yaml"
    policy.write_text(f"mode: {mode}\n")
    server = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--policy", str(policy),
                               "--dev-cert-dir", str(workdir / "certs"), "--audit-log", str(log)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    session, ca = requests.Session(), str(workdir / "certs" / "ca.crt")
    url = f"https://localhost:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            session.get(url + "/readyz", verify=ca, timeout=1).raise_for_status()
            break
        except Exception:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.1)
    sent = 0
    for index, pod in enumerate(pods()):
        for namespace in ("etl", "ml-training", "analytics", "reporting"):
            review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
                "uid": str(uuid.uuid4()), "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "resource": {"group": "", "version": "v1", "resource": "pods"}, "namespace": namespace,
                "operation": "CREATE", "object": pod, "userInfo": {"username": f"system:serviceaccount:{namespace}:spark"}}}
            session.post(url + "/mutate", json=review, verify=ca, timeout=10).raise_for_status()
            sent += 1
    server.terminate()  # flushes the audit log
    server.wait(timeout=30)
    lines = log.read_text().splitlines()
    assert len(lines) == sent, f"{len(lines)} audit lines for {sent} requests"
    return [json.loads(line) for line in lines]


def grow(records, count, path):
    with open(path, "w") as out:
        for index in range(count):
            if index % 10_000 == 9_999:
                out.write("not an audit record {\n")
                continue
            record = dict(records[index % len(records)])
            app = index // 40
            record["uid"] = str(uuid.UUID(int=index))
            record["namespace"] = f"team-{app % 50:02d}"
            if record.get("appId"):
                record["appId"] = f"spark-{app:032x}"
            record["pod"] = f"{record['pod']}-{index}"
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


def timed(command):
    start = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert result.returncode == 0, result.stderr
    return elapsed, max(peak, before) / 1024, result.stdout


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 1_000_000
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else "audit"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        records = seed_log(binary, workdir, mode)
        log = Path(keep) if keep else workdir / "big.log"
        grow(records, count, log)
        size = os.path.getsize(log)
        print(f"log: {count:,} lines, {size / 2**20:.0f} MiB, from {len(records)} records the server wrote in {mode} mode")
        for form in ("text", "json"):
            # Each run is its own child: ru_maxrss of children is the largest so far, so text runs first.
            elapsed, peak_mib, output = timed([binary, "audit", "report", "--format", form, str(log)])
            print(f"audit report --format {form}: {elapsed:.2f} s, {count / elapsed / 1e6:.2f} M lines/s, "
                  f"{size / elapsed / 2**20:.0f} MiB/s, peak RSS {peak_mib:.1f} MiB, output {len(output):,} bytes")
            if form == "json":
                report = json.loads(output)
                assert report["input"]["lines"] == count
                assert report["input"]["badLines"] == count // 10_000
                assert len(report["namespaces"]) == 50


if __name__ == "__main__":
    main()
