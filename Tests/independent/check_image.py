#!/usr/bin/env python3
"""The image as the chart runs it, run by CI after scripts/build-image.

Renders the chart with its default values (Helm's own library) and starts the
image with podman the way the rendered Deployment would run it: its args, its
user and group, a read-only root filesystem, every capability dropped, no
privilege escalation, the TLS secret (mode 0440, group 65532 as fsGroup makes
it) and the policy ConfigMap mounted read-only where the chart mounts them.
Host networking, so the only arg changed is the port. Then:
  - /healthz and /readyz answer over TLS with the secret's CA;
  - /mutate?timeout=5s with the exact body a real kube-apiserver sent for a
    Spark executor returns a patch that the third-party jsonpatch applies;
  - the process runs as uid/gid 65532 with no capabilities and NoNewPrivs,
    read from /proc on the host;
  - after 1,000 more requests its RSS is under the chart's memory limit;
  - `podman stop` (SIGTERM) drains and it exits 0, saying "Server stopped";
  - started bare (no args) it serves with a development certificate under /tmp,
    and bare on a read-only root it exits at once saying which flags or mounts
    to give.
Prints the image size and the RSS figures. Exits non-zero on the first failure.
Usage: check_image.py IMAGE BINARY   (BINARY: a host build, for `certs generate`)
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonpatch
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_chart import render, by_kind  # noqa: E402
from check_patches import free_port  # noqa: E402
from check_unprivileged import status_fields  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CAPTURE = ROOT / "fixtures" / "cases" / "apiserver-spark-3.5.3-executor-basic" / "input.json"
# This host: runc (crun refuses hybrid cgroups), explicit rlimits within the hard limit.
NOFILE = min(65536, int(subprocess.run(["sh", "-c", "ulimit -Hn"], capture_output=True, text=True).stdout.strip()))
PODMAN_RUN = ["podman", "run", "--runtime", "runc", "--ulimit", f"nofile={NOFILE}:{NOFILE}",
              "--ulimit", "nproc=32768:32768", "--network", "host"]
# readOnlyRootFilesystem as Kubernetes applies it: podman's --read-only alone would mount
# writable tmpfs on /tmp, /var/tmp and /run, which a pod does not get.
READ_ONLY_ROOT = ["--read-only", "--read-only-tmpfs=false"]


def podman(*args, check=True):
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check)


def memory_bytes(quantity):
    number, unit = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", quantity).groups()
    return int(number) * {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, None: 1}[unit]


def wait_ready(url, ca, container):
    """Polls /readyz until it answers 200, or the container has stopped (then its logs say why)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url, verify=ca, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        if podman("inspect", "--format", "{{.State.Running}}", container).stdout.strip() != "true":
            break
        time.sleep(0.05)
    raise AssertionError(f"not ready: {podman('logs', container, check=False).stderr[-2000:]}")


def chart_deployment():
    documents, manifests = render({})
    [deployment] = by_kind(documents, "Deployment")
    [policy] = by_kind(documents, "ConfigMap")
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    return pod, container, policy


def run_as_chart(image, workdir, binary):
    pod, container, policy = chart_deployment()
    security, pod_security = container["securityContext"], pod["securityContext"]
    assert security["readOnlyRootFilesystem"] and security["allowPrivilegeEscalation"] is False, security
    assert security["capabilities"]["drop"] == ["ALL"] and "add" not in security["capabilities"], security
    uid, gid, fs_group = pod_security["runAsUser"], pod_security["runAsGroup"], pod_security["fsGroup"]

    # The secret and ConfigMap volumes, as kubelet writes them: root-owned, the fsGroup's group.
    volumes = {v["name"]: v for v in pod["volumes"]}
    sources = {}
    for mount in container["volumeMounts"]:
        volume, local = volumes[mount["name"]], workdir / mount["name"]
        local.mkdir()
        if "secret" in volume:
            subprocess.run([binary, "certs", "generate", "--service", "spark-conform", "--namespace", "spark-conform",
                            "--out", str(workdir / "generated")], check=True, capture_output=True)
            for name in ("tls.crt", "tls.key"):
                shutil.copy(workdir / "generated" / name, local / name)
                os.chown(local / name, 0, fs_group)
                os.chmod(local / name, volume["secret"]["defaultMode"])
        else:
            for name, text in policy["data"].items():
                (local / name).write_text(text)
        os.chmod(local, 0o755)
        assert mount.get("readOnly"), f"{mount['name']} is not mounted read-only"
        sources[mount["mountPath"]] = local

    port = free_port()
    args = [re.sub(r"^--port=.*", f"--port={port}", a) for a in container["args"]]
    assert args != container["args"], "the chart gives no --port"
    name = f"spark-conform-check-{os.getpid()}"
    command = [*PODMAN_RUN, "-d", "--name", name, *READ_ONLY_ROOT, "--user", f"{uid}:{gid}", "--cap-drop", "ALL",
               "--security-opt", "no-new-privileges"]
    for path, local in sources.items():
        command += ["-v", f"{local}:{path}:ro"]
    subprocess.run([*command, image, *args], check=True, capture_output=True)
    return name, port, workdir / "generated" / "ca.crt", memory_bytes(container["resources"]["limits"]["memory"])


def check_as_chart(image, binary):
    with tempfile.TemporaryDirectory() as tmp:
        container, port, ca, memory_limit = run_as_chart(image, Path(tmp), binary)
        try:
            base = f"https://localhost:{port}"
            wait_ready(base + "/readyz", ca, container)
            assert requests.get(base + "/healthz", verify=ca, timeout=5).status_code == 200

            pid = int(podman("inspect", "--format", "{{.State.Pid}}", container).stdout)
            fields = status_fields(pid)
            assert fields["Uid"][:2] == ["65532", "65532"] and fields["Gid"][:2] == ["65532", "65532"], (fields["Uid"], fields["Gid"])
            assert fields["CapEff"] == ["0000000000000000"] and fields["NoNewPrivs"] == ["1"], fields
            rss_start = int(fields["VmRSS"][0])

            body = CAPTURE.read_bytes()
            review = json.loads(body)
            session = requests.Session()
            # As a kube-apiserver calls it: the path carries ?timeout=5s.
            answer = session.post(base + "/mutate?timeout=5s", data=body, headers={"Content-Type": "application/json"},
                                  verify=ca, timeout=10).json()["response"]
            assert answer["uid"] == review["request"]["uid"] and answer["allowed"] and answer["patchType"] == "JSONPatch", answer
            patch = json.loads(base64.b64decode(answer["patch"]))
            jsonpatch.JsonPatch(patch).apply(review["request"]["object"])
            for _ in range(1000):
                reply = session.post(base + "/mutate?timeout=5s", data=body, headers={"Content-Type": "application/json"},
                                     verify=ca, timeout=10)
                assert reply.status_code == 200
            rss_after = int(status_fields(pid)["VmRSS"][0])
            assert rss_after * 1024 < memory_limit, f"RSS {rss_after} KiB over the chart's limit"

            stopped = podman("stop", "-t", "30", container)
            assert stopped.returncode == 0, stopped.stderr
            exit_code = podman("inspect", "--format", "{{.State.ExitCode}}", container).stdout.strip()
            logs = podman("logs", container).stderr
            assert exit_code == "0", f"exit code {exit_code}: {logs[-2000:]}"
            assert "Server stopped" in logs, logs[-2000:]
            assert "PRIVATE KEY" not in logs
        finally:
            podman("rm", "-f", container, check=False)
    return len(patch), rss_start, rss_after


def check_bare(image):
    """`docker run IMAGE`, and the same on a read-only root."""
    name = f"spark-conform-bare-{os.getpid()}"
    port = free_port()
    # The image's own user and command; only the port changes (host network).
    subprocess.run([*PODMAN_RUN, "-d", "--name", name, image, "serve", f"--port={port}"], check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 30
        while not (match := re.search(r'"ca":"([^"]+)"', podman("logs", name).stderr)):
            assert time.monotonic() < deadline, podman("logs", name).stderr
            assert podman("inspect", "--format", "{{.State.Running}}", name).stdout.strip() == "true", podman("logs", name).stderr
            time.sleep(0.05)
        ca_path = match.group(1).replace("\\/", "/")
        assert ca_path.startswith("/tmp/spark-conform-dev-cert."), ca_path
        with tempfile.TemporaryDirectory() as tmp:
            podman("cp", f"{name}:{ca_path}", f"{tmp}/ca.crt")
            wait_ready(f"https://localhost:{port}/readyz", f"{tmp}/ca.crt", name)
    finally:
        podman("rm", "-f", name, check=False)

    started = time.monotonic()
    name = f"spark-conform-bare-read-only-{os.getpid()}"
    try:
        bare = subprocess.run([*PODMAN_RUN, "--name", name, *READ_ONLY_ROOT, image], capture_output=True, text=True, timeout=60)
    finally:
        podman("rm", "-f", name, check=False)
    took = time.monotonic() - started
    assert bare.returncode != 0, bare
    assert "no TLS certificate given, and nowhere writable" in bare.stderr and "--tls-cert-file" in bare.stderr, bare.stderr
    return took


def check_build_context(dockerfile=ROOT / "Dockerfile"):
    """The Dockerfile's build stage, up to its build command, sees a package SwiftPM can load.
    Its WORKDIR and COPY lines are replayed on the local base image with the real
    .dockerignore (no Swift image here), the result copied out and described."""
    lines = dockerfile.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"FROM \S+ AS build$", line))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("FROM "))
    steps = [line for line in lines[start + 1:end] if line.startswith(("WORKDIR ", "COPY "))]
    [workdir] = [line.split()[1] for line in steps if line.startswith("WORKDIR ")]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "Dockerfile").write_text("\n".join(["FROM localhost/debian:bookworm-slim", *steps]) + "\n")
        tag = f"localhost/spark-conform-context:{os.getpid()}"
        podman("build", "--runtime", "runc", "--network", "none", "--pull=never", "-q", "-f", f"{tmp}/Dockerfile", "-t", tag, str(ROOT))
        container = podman("create", tag, "true").stdout.strip()
        try:
            podman("cp", f"{container}:{workdir}", f"{tmp}/context")
        finally:
            podman("rm", "-f", container, check=False)
            podman("rmi", "-f", tag, check=False)
        described = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=f"{tmp}/context",
                                   capture_output=True, text=True)
        assert described.returncode == 0, f"the build stage's context is not a loadable package: {described.stderr[-1500:]}"
        products = [product["name"] for product in json.loads(described.stdout)["products"]]
        assert "spark-conform" in products, products
        assert (Path(tmp) / "context" / "scripts" / "build-release").exists(), "the build script is not in the context"
    return steps


def version(text):
    return tuple(int(part) for part in text.split("."))


def check_versions():
    """The versions tell the truth: the manifest's tools version is at least every resolved
    dependency's, and the Dockerfile's builder is the toolchain this check builds with."""
    tools = re.match(r"// swift-tools-version:\s*([\d.]+)", (ROOT / "Package.swift").read_text()).group(1)
    needs = {}
    for manifest in (ROOT / ".build" / "checkouts").glob("*/Package.swift"):
        found = re.match(r"// swift-tools-version:\s*([\d.]+)", manifest.read_text())
        if found:
            needs[manifest.parent.name] = found.group(1)
    assert needs, "no resolved dependencies in .build/checkouts (run swift build first)"
    above = {name: v for name, v in needs.items() if version(v) > version(tools)}
    assert not above, f"Package.swift says tools {tools}, but these dependencies need more: {above}"
    builder = re.search(r"^ARG SWIFT_IMAGE=swift:([\d.]+)-bookworm$", (ROOT / "Dockerfile").read_text(), re.M)
    assert builder, "the Dockerfile names no swift:<version>-bookworm builder"
    toolchain = re.search(r"Swift version (\d+\.\d+)", subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout)
    assert toolchain and builder.group(1) == toolchain.group(1), \
        f"the Dockerfile builds with Swift {builder.group(1)}, CI with {toolchain.group(1) if toolchain else '?'}"
    assert version(builder.group(1)) >= version(tools), f"builder {builder.group(1)} is older than tools {tools}"
    return tools, builder.group(1), max(needs.values(), key=version)


def main():
    image, binary = sys.argv[1], sys.argv[2]
    size = int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout)
    tools, builder, highest = check_versions()
    steps = check_build_context()
    operations, rss_start, rss_after = check_as_chart(image, binary)
    took = check_bare(image)
    print(f"image check: tools {tools} (dependencies need up to {highest}), builder Swift {builder} as CI's; "
          f"the build stage's context ({'; '.join(steps)}) is a loadable package; "
          f"{image} ({size / 1e6:.1f} MB) as the chart runs it (read-only root, 65532, no capabilities, "
          f"no new privileges, its mounts and args): ready, {operations}-operation patch for a real apiserver request, "
          f"RSS {rss_start / 1024:.1f} MiB at start and {rss_after / 1024:.1f} MiB after 1,000 requests, clean stop; "
          f"bare: serves with a development certificate under /tmp, and on a read-only root exits in {took:.1f} s saying what to give")


if __name__ == "__main__":
    main()
