#!/usr/bin/env python3
"""Independent check of the webhook's patches, run by CI.

Starts the real `spark-conform serve` binary over TLS, sends an AdmissionReview
for every fixture (and variants of them) under two policies, and for every
golden case in fixtures/cases/ under the case's own policy (where the patch must
equal what the offline `preview` says for the case, and the server's own
`/preview?rules=` view of the rules the case is about must equal its patch.json), then:
  - applies the returned patch with the third-party `jsonpatch` (RFC 6902),
  - validates the patched pod against the Kubernetes Pod schema with
    `kubernetes-validate` in strict mode, plus the rules the schema cannot
    express (unique volume names, unique mount paths, label syntax),
  - sends the patched pod again and requires an empty patch (idempotence).
Exits non-zero on the first failure, naming the case.
"""
import base64
import copy
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import jsonpatch
import yaml
import kubernetes_validate
import requests

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
CASES = sorted(path for path in (ROOT / "fixtures" / "cases").iterdir() if path.is_dir())
K8S_VERSION = kubernetes_validate.latest_version()
# An executor created by its driver's service account, as a kube-apiserver 1.36 sent it.
CAPTURED_REQUEST = json.loads((ROOT / "fixtures" / "cases" / "apiserver-sa-token-spark-3.5.3-executor-basic-exec-2" / "input.json").read_text())["request"]
NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

FULL_POLICY = """
rules:
  zone-colocation: {strength: preferred, weight: 50}
  node-lifecycle: {preset: karpenter, preferSpot: true, spotToleration: {key: karpenter.sh/spot, value: "true"}}
  local-dirs: {roles: [driver, executor], hostPaths: [/nvme0, /nvme1]}
  service-account:
    name: spark-irsa
    roleArn: arn:aws:iam::111122223333:role/spark
    region: eu-west-1
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def label_key_ok(key):
    prefix, _, name = key.rpartition("/")
    return bool(NAME.match(name)) and len(name) <= 63 and (not prefix or (DNS1123.match(prefix) and len(prefix) <= 253))


def check_selectors(value, where):
    """Every label key and value the webhook may write must be valid label syntax."""
    if isinstance(value, dict):
        for key in ("matchLabels", "nodeSelector"):
            for k, v in (value.get(key) or {}).items():
                assert label_key_ok(k), f"{where}: invalid label key {k!r}"
                assert v == "" or (NAME.match(v) and len(v) <= 63), f"{where}: invalid label value {v!r}"
        for expression in value.get("matchExpressions") or []:
            assert label_key_ok(expression["key"]), f"{where}: invalid key {expression['key']!r}"
            for v in expression.get("values") or []:
                assert NAME.match(v) and len(v) <= 63, f"{where}: invalid label value {v!r}"
        if "topologyKey" in value:
            assert label_key_ok(value["topologyKey"]), f"{where}: invalid topologyKey"
        for child in value.values():
            check_selectors(child, where)
    elif isinstance(value, list):
        for child in value:
            check_selectors(child, where)


def check_pod(pod, where):
    kubernetes_validate.validate(pod, K8S_VERSION, strict=True)
    spec = pod["spec"]
    names = [v["name"] for v in spec.get("volumes", [])]
    assert len(names) == len(set(names)), f"{where}: duplicate volume names {names}"
    for volume in spec.get("volumes", []):
        sources = [k for k in volume if k != "name"]
        assert len(sources) == 1, f"{where}: volume {volume['name']} has sources {sources}"
    all_names = []
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        all_names.append(container["name"])
        paths = [m["mountPath"] for m in container.get("volumeMounts", [])]
        assert len(paths) == len(set(paths)), f"{where}: duplicate mount paths in {container['name']}"
        for mount in container.get("volumeMounts", []):
            assert mount["name"] in names, f"{where}: mount of missing volume {mount['name']}"
        env = [e["name"] for e in container.get("env", [])]
        assert len(env) == len(set(env)), f"{where}: duplicate env in {container['name']}"
    assert len(all_names) == len(set(all_names)), f"{where}: duplicate container names"
    for toleration in spec.get("tolerations", []):
        assert isinstance(toleration.get("value", ""), str), f"{where}: toleration value not a string"
    check_selectors(spec.get("affinity", {}), where)
    check_selectors({"nodeSelector": spec.get("nodeSelector", {})}, where)


def variants(pod):
    yield "as captured", pod
    if pod["metadata"]["labels"].get("spark-role") == "executor":
        client_mode = copy.deepcopy(pod)
        client_mode["metadata"].pop("ownerReferences", None)
        yield "client mode", client_mode
        merged = copy.deepcopy(pod)
        merged["spec"]["tolerations"] = [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]
        merged["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}]}]}}}
        merged["spec"].setdefault("nodeSelector", {})["team"] = "data"
        yield "existing scheduling", merged
    default_sa = copy.deepcopy(pod)
    default_sa["spec"]["serviceAccountName"] = "default"
    default_sa["spec"]["serviceAccount"] = "default"
    yield "default service account", default_sa
    no_sa = copy.deepcopy(pod)
    no_sa["spec"].pop("serviceAccountName", None)
    no_sa["spec"].pop("serviceAccount", None)
    yield "no service account", no_sa


CHART_UID = 65532
# As the chart runs the server: uid and gid 65532, no capabilities, no new privileges.
AS_CHART_RUNS_IT = ["setpriv", f"--reuid={CHART_UID}", f"--regid={CHART_UID}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]


def as_chart_runs_it(args, workdir):
    """The command that runs `args` as the chart runs the server, with `workdir` its own
    to write. Run by another user than root, the server already has no capabilities."""
    if os.geteuid() != 0:
        return ["setpriv", "--no-new-privs", *args]
    os.chown(workdir, CHART_UID, CHART_UID)
    return AS_CHART_RUNS_IT + args


class Webhook:
    def __init__(self, binary, workdir, policy=None):
        self.port = free_port()
        args = [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--dev-cert-dir", str(workdir / "certs")]
        if policy:
            path = workdir / "policy.yaml"
            path.write_text(policy)
            args += ["--policy", str(path)]
        self.process = subprocess.Popen(as_chart_runs_it(args, workdir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.ca = str(workdir / "certs" / "ca.crt")
        self.session = requests.Session()
        deadline = time.monotonic() + 30
        while True:
            try:
                self.session.get(self.url("/readyz"), verify=self.ca, timeout=1).raise_for_status()
                return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise SystemExit(f"webhook did not start: {self.process.stderr.read() if self.process.poll() is not None else 'timeout'}")
                time.sleep(0.1)

    def url(self, path):
        return f"https://localhost:{self.port}{path}"

    def patch(self, pod, namespace="spark", request=None, pod_security=None):
        answer = self.review(pod, namespace, request, pod_security)
        if "patch" not in answer:
            assert "patchType" not in answer
            return []
        assert answer["patchType"] == "JSONPatch"
        return json.loads(base64.b64decode(answer["patch"]))

    def review(self, pod, namespace="spark", request=None, pod_security=None):
        """The AdmissionReview response for `pod`, checked to echo the uid and allow."""
        uid = str(uuid.uuid4())
        # The envelope a real kube-apiserver sent (fixtures/apiserver-captures), unless the case brings its own.
        envelope = request or dict(CAPTURED_REQUEST, namespace=namespace, name=pod["metadata"].get("name"))
        review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": dict(envelope, uid=uid, object=pod)}
        # As the chart's webhook entry for the namespace's enforce label calls it, and as a
        # kube-apiserver calls every webhook: with its timeout in the query (fixtures/apiserver-captures).
        path = (f"/mutate/{pod_security}" if pod_security else "/mutate") + "?timeout=5s"
        response = self.session.post(self.url(path), json=review, verify=self.ca, timeout=10)
        response.raise_for_status()
        answer = response.json()["response"]
        assert answer["uid"] == uid and answer["allowed"] is True
        return answer

    def preview_patch(self, text, namespace, pod_security, rules):
        """`POST /preview?output=patch`: the operations of `rules` only, one pod per line."""
        query = {"output": "patch", "namespace": namespace, "rules": ",".join(rules)}
        if pod_security:
            query["podSecurity"] = pod_security
        response = self.session.post(self.url("/preview"), params=query, data=text.encode(),
                                     headers={"Content-Type": "application/json"}, verify=self.ca, timeout=10)
        response.raise_for_status()
        return [json.loads(line) for line in response.text.splitlines()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "debug" / "spark-conform")
    cases = 0
    for policy_name, policy in (("default policy", None), ("full policy", FULL_POLICY)):
        with tempfile.TemporaryDirectory() as tmp:
            webhook = Webhook(binary, Path(tmp), policy)
            try:
                for fixture in FIXTURES:
                    for variant, pod in variants(json.loads(fixture.read_text())):
                        where = f"{fixture.name} ({variant}, {policy_name})"
                        check_pod(pod, where + " input")
                        patch = webhook.patch(pod)
                        assert patch, f"{where}: expected a patch"
                        patched = jsonpatch.JsonPatch(patch).apply(pod)
                        check_pod(patched, where)
                        again = webhook.patch(patched)
                        assert again == [], f"{where}: not idempotent, second patch {again}"
                        cases += 1
            finally:
                webhook.stop()
    golden = check_golden_cases(binary)
    print(f"independent check: {cases} fixture variants and {golden} golden cases patched, applied with jsonpatch {jsonpatch.__version__}, "
          f"valid against the Kubernetes {K8S_VERSION} Pod schema (strict), idempotent")


def check_golden_cases(binary):
    """Each case of fixtures/cases/ through the real server with its own policy."""
    by_policy = {}
    for case in CASES:
        policy_file = case / "policy.yaml"
        by_policy.setdefault(policy_file.read_text() if policy_file.exists() else None, []).append(case)
    count = 0
    for policy, cases in by_policy.items():
        with tempfile.TemporaryDirectory() as tmp:
            webhook = Webhook(binary, Path(tmp), policy)
            try:
                for case in cases:
                    where = f"case {case.name}"
                    about = yaml.safe_load((case / "case.yaml").read_text())
                    namespace, level, rules = about["namespace"], about.get("podSecurity"), about["rules"]
                    text = (case / "input.json").read_text()
                    document = json.loads(text)
                    if document["kind"] == "AdmissionReview":
                        request, pod = document["request"], document["request"]["object"]
                    else:
                        # Preview, which wrote patch.json, is told of no requester: neither is the server.
                        pod = document
                        request = {k: v for k, v in CAPTURED_REQUEST.items() if k != "userInfo"}
                        request.update(namespace=namespace, name=pod["metadata"].get("name"))
                    check_pod(pod, where + " input")
                    patch = webhook.patch(pod, namespace, request, level)
                    offline = offline_patch(binary, case, namespace, level)
                    assert patch == offline, f"{where}: the server's patch differs from the offline preview's: {patch} != {offline}"
                    view = webhook.preview_patch(text, namespace, level, rules)
                    expected = json.loads((case / "patch.json").read_text())
                    assert view == [expected], f"{where}: the server's view of {rules} differs from patch.json: {view}"
                    patched = jsonpatch.JsonPatch(patch).apply(pod)
                    check_pod(patched, where)
                    again = webhook.patch(patched, namespace, request, level)
                    assert again == [], f"{where}: not idempotent, second patch {again}"
                    count += 1
            finally:
                webhook.stop()
    return count


def offline_patch(binary, case, namespace, level):
    """What `spark-conform preview --output patch` says /mutate sends for the case's pod."""
    args = [binary, "preview", "--output", "patch", "--namespace", namespace, str(case / "input.json")]
    if level:
        args += ["--pod-security", level]
    if (case / "policy.yaml").exists():
        args += ["--policy", str(case / "policy.yaml")]
    lines = subprocess.run(args, check=True, capture_output=True, text=True).stdout.splitlines()
    assert len(lines) == 1, f"case {case.name}: expected one pod, preview printed {len(lines)} lines"
    return json.loads(lines[0])


if __name__ == "__main__":
    main()
