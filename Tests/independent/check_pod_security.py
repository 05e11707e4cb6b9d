#!/usr/bin/env python3
"""Independent Pod Security checker, run by CI.

Written from the published Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards):
every control of the baseline and restricted levels, judged on a pod as Pod Security Admission judges it
after all mutating webhooks. For every fixture and every golden case's pod, at each level, through the real
server routed as the chart routes it (`/mutate/<level>` for a labelled namespace, `/mutate` with the policy's
cluster default for an unlabelled one), the patched pod must have no violation the original did not have.
"""
import base64
import json
import sys
import tempfile
import uuid
from pathlib import Path

import jsonpatch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_patches import Webhook, FIXTURES, CASES  # noqa: E402

BASELINE_CAPABILITIES = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                         "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes"}
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}


def containers(pod):
    spec = pod["spec"]
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            yield f"{key}/{container.get('name')}", container


def baseline(pod):
    spec, violations = pod["spec"], set()
    pod_context = spec.get("securityContext") or {}
    if (pod_context.get("windowsOptions") or {}).get("hostProcess"):
        violations.add("hostProcess: pod")
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            violations.add(f"host namespaces: {field}")
    for volume in spec.get("volumes") or []:
        if "hostPath" in volume:
            violations.add(f"hostPath volumes: {volume['name']}")
    for key, value in ((pod.get("metadata") or {}).get("annotations") or {}).items():
        if key.startswith("container.apparmor.security.beta.kubernetes.io/") and value != "runtime/default" and not value.startswith("localhost/"):
            violations.add(f"AppArmor: annotation {key}")
    contexts = [("pod", pod_context)] + [(where, c.get("securityContext") or {}) for where, c in containers(pod)]
    for where, context in contexts:
        if (context.get("appArmorProfile") or {}).get("type") not in (None, "RuntimeDefault", "Localhost"):
            violations.add(f"AppArmor: {where}")
        selinux = context.get("seLinuxOptions") or {}
        if selinux.get("type", "") not in SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
            violations.add(f"SELinux: {where}")
        if (context.get("seccompProfile") or {}).get("type") == "Unconfined":
            violations.add(f"seccomp: {where} Unconfined")
    for sysctl in pod_context.get("sysctls") or []:
        if sysctl.get("name") not in SAFE_SYSCTLS:
            violations.add(f"sysctls: {sysctl.get('name')}")
    for where, container in containers(pod):
        context = container.get("securityContext") or {}
        if (context.get("windowsOptions") or {}).get("hostProcess"):
            violations.add(f"hostProcess: {where}")
        if context.get("privileged"):
            violations.add(f"privileged: {where}")
        for capability in (context.get("capabilities") or {}).get("add") or []:
            if capability not in BASELINE_CAPABILITIES:
                violations.add(f"capabilities: {where} adds {capability}")
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                violations.add(f"host ports: {where} {port['hostPort']}")
        if context.get("procMount", "Default") != "Default":
            violations.add(f"/proc mount: {where}")
    return violations


def restricted(pod):
    spec, violations = pod["spec"], baseline(pod)
    pod_context = spec.get("securityContext") or {}
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            violations.add(f"volume types: {volume['name']} {sorted(kinds - RESTRICTED_VOLUMES)}")
    pod_seccomp = (pod_context.get("seccompProfile") or {}).get("type")
    if pod_context.get("runAsUser") == 0:
        violations.add("runAsUser: pod 0")
    for where, container in containers(pod):
        context = container.get("securityContext") or {}
        if context.get("allowPrivilegeEscalation") is not False:
            violations.add(f"privilege escalation: {where}")
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if non_root is not True:
            violations.add(f"running as non-root: {where}")
        if context.get("runAsUser") == 0:
            violations.add(f"runAsUser: {where} 0")
        if (context.get("seccompProfile") or {}).get("type", pod_seccomp) not in ("RuntimeDefault", "Localhost"):
            violations.add(f"seccomp: {where} not RuntimeDefault or Localhost")
        capabilities = context.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            violations.add(f"capabilities: {where} does not drop ALL")
        for capability in capabilities.get("add") or []:
            if capability != "NET_BIND_SERVICE":
                violations.add(f"capabilities: {where} adds {capability}")
    return violations


LEVELS = {"baseline": baseline, "restricted": restricted}

EC2_CAPACITY_KEYS = {"node-lifecycle", "eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type", "noderole",
                     "eks.amazonaws.com/nodegroup"}


def fargate_refusals(pod):
    """What Fargate refuses or cannot honour: hostPath, added capabilities, EC2 capacity selectors and their tolerations, affinity."""
    spec, found = pod["spec"], set()
    for volume in spec.get("volumes") or []:
        if "hostPath" in volume:
            found.add(f"hostPath: {volume['name']}")
    for where, container in containers(pod):
        for capability in ((container.get("securityContext") or {}).get("capabilities") or {}).get("add") or []:
            found.add(f"capability: {where} {capability}")
    for key in (spec.get("nodeSelector") or {}):
        if key in EC2_CAPACITY_KEYS:
            found.add(f"nodeSelector: {key}")
    for toleration in spec.get("tolerations") or []:
        found.add(f"toleration: {toleration.get('key')}")
    for kind in ("podAffinity", "podAntiAffinity", "nodeAffinity"):
        if kind in (spec.get("affinity") or {}):
            found.add(f"affinity: {kind}")
    return found


FARGATE_POLICY = """
rules:
  app-labels: {enabled: true}
fargate:
  profiles:
    - name: spark-fargate
      selectors:
        - namespace: spark
          labels: {spark/component: executor}
"""

# Nodes with the blog's NVMe mount: local-dirs asks for hostPath, which the level must refuse
# (the default keeps the emptyDir where no mount is known, which proves nothing here).
HOST_PATHS = "rules: {local-dirs: {hostPaths: [/pv-disks/local]}}\n"

EPHEMERAL_POLICY = """
rules:
  local-dirs:
    hostPaths: [/pv-disks/local]
    modeAtBaseline: ephemeral
    modeAtRestricted: ephemeral
    ephemeral: {storageClass: local-nvme}
  service-account: {existsIn: ["*"]}
"""


def pods():
    for fixture in FIXTURES:
        yield fixture.name, "spark", json.loads(fixture.read_text())
    for case in CASES:
        document = json.loads((case / "input.json").read_text())
        pod = document["request"]["object"] if document.get("kind") == "AdmissionReview" else document
        if document.get("kind") == "AdmissionReview" and document["request"]["operation"] != "CREATE":
            continue
        yield f"case {case.name}", "spark", pod


def check(webhook, path, level, name, pod):
    review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": str(uuid.uuid4()), "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"}, "namespace": "spark", "operation": "CREATE",
        "userInfo": {"username": "system:serviceaccount:spark:spark"}, "object": pod}}
    response = webhook.session.post(webhook.url(path), json=review, verify=webhook.ca, timeout=10)
    response.raise_for_status()
    answer = response.json()["response"]
    patch = json.loads(base64.b64decode(answer["patch"])) if "patch" in answer else []
    patched = jsonpatch.JsonPatch(patch).apply(pod)
    before, after = LEVELS[level](pod), LEVELS[level](patched)
    added = after - before
    assert not added, f"{name} at {level} via {path}: the patch adds {sorted(added)}"
    return len(before)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "spark-conform"
    checked = 0
    routes = [(HOST_PATHS, level, f"/mutate/{level}") for level in LEVELS]
    routes += [(HOST_PATHS + "podSecurity: {defaultLevel: %s}\n" % level, level, "/mutate") for level in LEVELS]
    routes += [(EPHEMERAL_POLICY, level, f"/mutate/{level}") for level in LEVELS]
    for policy, level, path in routes:
        with tempfile.TemporaryDirectory() as tmp:
            webhook = Webhook(binary, Path(tmp), policy)
            try:
                for name, _, pod in pods():
                    check(webhook, path, level, name, pod)
                    checked += 1
            finally:
                webhook.stop()
    # Fargate: every executor the blog's profile selects (after app-labels) gets nothing Fargate refuses.
    fargate = 0
    with tempfile.TemporaryDirectory() as tmp:
        webhook = Webhook(binary, Path(tmp), FARGATE_POLICY)
        try:
            for name, _, pod in pods():
                if (pod["metadata"].get("labels") or {}).get("spark-role") != "executor":
                    continue
                if "spark-conform.io/skip" in (pod["metadata"].get("annotations") or {}):
                    continue  # opted out: the webhook leaves it as it is
                review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
                    "uid": str(uuid.uuid4()), "kind": {"group": "", "version": "v1", "kind": "Pod"},
                    "namespace": "spark", "operation": "CREATE", "object": pod}}
                answer = webhook.session.post(webhook.url("/mutate"), json=review, verify=webhook.ca, timeout=10).json()["response"]
                patched = jsonpatch.JsonPatch(json.loads(base64.b64decode(answer["patch"])) if "patch" in answer else []).apply(pod)
                assert (patched["metadata"].get("labels") or {}).get("spark/component") == "executor", name
                added = fargate_refusals(patched) - fargate_refusals(pod)
                assert not added, f"{name} on Fargate: the patch adds {sorted(added)}"
                fargate += 1
        finally:
            webhook.stop()
    assert fargate > 10
    # The checker itself can fail: the blog's executor brings a hostPath, a root container with CHOWN fails restricted.
    blog = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "spark-3.5.3-executor-hostpath.json").read_text())
    assert any(v.startswith("hostPath volumes") for v in baseline(blog))
    assert "hostPath: spark-local-dir-1" in fargate_refusals(blog)
    root = {"spec": {"containers": [{"name": "c", "securityContext": {"runAsUser": 0, "capabilities": {"add": ["CHOWN"]}}}]}}
    assert "capabilities: containers/c adds CHOWN" in restricted(root) and not baseline(root)
    print(f"pod security check: {checked} pods patched at baseline and restricted (labelled namespaces, the cluster "
          f"default, ephemeral local dirs), no violation added by the patch; {fargate} executors selected by the blog's "
          f"Fargate profile, nothing Fargate refuses added")


if __name__ == "__main__":
    main()
