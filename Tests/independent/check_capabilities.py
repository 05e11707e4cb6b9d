#!/usr/bin/env python3
"""Independent check of the permissions init container's capabilities, run by CI as root.

Takes the capabilities the real `spark-conform preview` gives the init container,
then runs the real `chown -R 185:185` as uid 0 under `setpriv` (util-linux) with
exactly that bounding set on a tree of 0700 directories and 0600 files owned by
another user, as Spark leaves local dirs. It must succeed with the chosen set and
fail with every smaller one; and the set must be one Pod Security's baseline level
allows (the Pod Security Standards' list of added capabilities baseline permits).
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE_ALLOWED = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}


def init_container(binary):
    # Nodes with the blog's NVMe mount, said in the one line a platform team writes
    # (the default keeps the emptyDir where no mount is known).
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as policy:
        policy.write("rules: {local-dirs: {hostPaths: [/pv-disks/local]}}\n")
        policy.flush()
        pod = subprocess.run([binary, "preview", "--output", "pod", "--format", "json", "--namespace", "spark",
                              "--policy", policy.name, str(ROOT / "fixtures" / "spark-3.5.3-executor-basic.json")],
                             check=True, capture_output=True, text=True).stdout
    containers = json.loads(pod)["spec"]["initContainers"]
    return next(c for c in containers if c["name"] == "volume-permissions")


def make_tree(base):
    """Spark's local dirs as another user left them: private directories, private files."""
    top = base / "spark-local"
    (top / "blockmgr-1" / "0a").mkdir(parents=True)
    (top / "blockmgr-1" / "0a" / "shuffle_0_0_0.data").write_bytes(b"x" * 64)
    for path in [top, top / "blockmgr-1", top / "blockmgr-1" / "0a"]:
        os.chown(path, 1000, 1000)
        os.chmod(path, 0o700)
    data = top / "blockmgr-1" / "0a" / "shuffle_0_0_0.data"
    os.chown(data, 1000, 1000)
    os.chmod(data, 0o600)
    return top


def chown_with(capabilities, command, tree):
    caps = ",".join(["-all"] + ["+" + c.lower() for c in capabilities])
    run = subprocess.run(["setpriv", "--reuid=0", "--regid=0", "--clear-groups", f"--inh-caps={caps}",
                          f"--ambient-caps={caps}", f"--bounding-set={caps}", "--"] + command[:3] + [str(tree)],
                         capture_output=True, text=True)
    owners = {(os.stat(p).st_uid, os.stat(p).st_gid) for p in [tree, *tree.rglob("*")]}
    return run.returncode == 0 and owners == {(185, 185)}, run.stderr.strip()


def main():
    if os.geteuid() != 0:
        raise SystemExit("check_capabilities: must run as root (it runs chown as uid 0 with a reduced capability set)")
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "debug" / "spark-conform")
    container = init_container(binary)
    security = container["securityContext"]
    chosen = security["capabilities"]["add"]
    assert security["capabilities"]["drop"] == ["ALL"], security
    assert security["runAsUser"] == 0 and security["allowPrivilegeEscalation"] is False, security
    assert set(chosen) <= BASELINE_ALLOWED, f"capabilities {chosen} are not all allowed at baseline"
    command = container["command"]
    assert command[:3] == ["chown", "-R", "185:185"], command
    with tempfile.TemporaryDirectory() as tmp:
        ok, error = chown_with(chosen, command, make_tree(Path(tmp) / "chosen"))
        assert ok, f"chown -R with {chosen} failed: {error}"
        for size in range(len(chosen)):
            for subset in itertools.combinations(chosen, size):
                ok, _ = chown_with(list(subset), command, make_tree(Path(tmp) / ("sub-" + "-".join(subset or ("none",)))))
                assert not ok, f"chown -R also works with only {list(subset)}: {chosen} is more than it needs"
    print(f"capabilities check: chown -R {command[2]} as uid 0 with {chosen} (all allowed at baseline) makes a tree of "
          f"private directories of another user its own; every smaller set fails")


if __name__ == "__main__":
    main()
