#!/usr/bin/env python3
"""Offline checks of the Helm chart, run by CI.

Lints (strict) and renders charts/spark-conform with Helm's own library
(helm-python-sdk) for the default values and each certificate mode, validates
every rendered manifest against the Kubernetes schema (kubernetes-validate,
strict), and asserts what the webhook configuration and Deployment must say.
Usage: check_chart.py [path to the spark-conform binary]
"""
import base64
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import helm_python as helm
import jsonpatch
import kubernetes_validate
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_patches import CAPTURED_REQUEST, Webhook  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "spark-conform"
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "debug" / "spark-conform")
K8S = kubernetes_validate.latest_version()
RELEASE, NAMESPACE = "spark-conform", "spark-conform"
CRD_GROUPS = ("cert-manager.io/", "monitoring.coreos.com/")

CASES = {
    "default": {},
    "cert-manager": {"certificates": {"mode": "cert-manager"}},
    "cert-manager, own issuer": {"certificates": {"mode": "cert-manager", "certManager": {"issuerRef": {"name": "corp-ca", "kind": "ClusterIssuer"}}}},
    "existing secret": {"certificates": {"mode": "existing", "existing": {"secretName": "my-tls", "caBundle": base64.b64encode(b"-----BEGIN CERTIFICATE-----\n").decode()}}},
    "everything on": {
        "replicaCount": 1, "webhook": {"failurePolicy": "Fail", "optIn": True, "excludeNamespaces": ["kube-system", "monitoring"]},
        "serviceMonitor": {"enabled": True}, "prometheusRule": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
        "grafanaDashboard": {"enabled": True, "namespace": "monitoring", "annotations": {"grafana_folder": "Spark"}}, "networkPolicy": {"enabled": True, "from": [{"ipBlock": {"cidr": "10.0.0.0/16"}}]},
        "preStopSleepSeconds": 0,
        "policy": {"mode": "audit", "rules": {"node-lifecycle": {"preset": "karpenter"}}, "namespaceOverrides": {"etl": {"serviceAccount": "etl-spark"}}},
    },
}


def render(values):
    chart = helm.Chart.load(str(CHART))
    manifests = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    documents = []
    for path, text in manifests.items():
        if path.endswith("NOTES.txt"):
            continue
        documents += [d for d in yaml.safe_load_all(text) if d]
    return documents, manifests


def by_kind(documents, kind):
    return [d for d in documents if d["kind"] == kind]


def check_case(name, values):
    report = helm.lint(str(CHART), values, strict=True, namespace=NAMESPACE, kube_version="v1.30.0")
    problems = [m for m in report["messages"] if m["severity"] >= 2] + report["errors"]
    assert not problems, f"{name}: lint: {problems}"
    documents, manifests = render(values)
    for document in documents:
        if document["apiVersion"].startswith(CRD_GROUPS):
            assert document["metadata"]["name"] and document["spec"], f"{name}: empty {document['kind']}"
            continue
        kubernetes_validate.validate(document, K8S, strict=True)

    [hook_config] = by_kind(documents, "MutatingWebhookConfiguration")
    assert hook_config["metadata"]["name"] < "pod-identity-webhook", "must sort before the EKS pod-identity webhook"
    hooks = hook_config["webhooks"]
    assert len({hook["name"] for hook in hooks}) == len(hooks), "webhook names must be unique"
    for hook in hooks:
        assert hook["admissionReviewVersions"] == ["v1"]
        assert hook["sideEffects"] == "None"
        assert hook["matchPolicy"] == "Equivalent"
        assert hook["reinvocationPolicy"] == "IfNeeded"
        assert hook["timeoutSeconds"] == 5
        assert hook["failurePolicy"] == values.get("webhook", {}).get("failurePolicy", "Ignore")
        assert hook["rules"] == [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "scope": "Namespaced"}]
        assert hook["objectSelector"] == {"matchExpressions": [{"key": "spark-role", "operator": "In", "values": ["driver", "executor"]}]}
        expressions = hook["namespaceSelector"]["matchExpressions"]
        excluded = expressions[0]
        assert excluded["key"] == "kubernetes.io/metadata.name" and excluded["operator"] == "NotIn"
        assert "kube-system" in excluded["values"] and NAMESPACE in excluded["values"]
        if values.get("webhook", {}).get("optIn"):
            assert {"key": "spark-conform.io/enabled", "operator": "In", "values": ["true"]} in expressions
        service = hook["clientConfig"]["service"]
        assert {k: v for k, v in service.items() if k != "path"} == {"name": RELEASE, "namespace": NAMESPACE, "port": 443}
    check_pod_security_routing(hooks, values)
    hook = hooks[0]

    mode = values.get("certificates", {}).get("mode", "generate")
    if mode == "cert-manager":
        assert hook_config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == f"{NAMESPACE}/{RELEASE}-tls"
        assert all("caBundle" not in h["clientConfig"] for h in hooks)
        [certificate] = [c for c in by_kind(documents, "Certificate") if c["metadata"]["name"].endswith("-tls")]
        assert set(certificate["spec"]["dnsNames"]) >= {f"{RELEASE}.{NAMESPACE}.svc", f"{RELEASE}.{NAMESPACE}.svc.cluster.local"}
        assert certificate["spec"]["secretName"] == f"{RELEASE}-tls"
        own_issuer = values["certificates"].get("certManager", {}).get("issuerRef")
        assert bool(by_kind(documents, "Issuer")) != bool(own_issuer)
    elif mode == "existing":
        assert all(h["clientConfig"]["caBundle"] == values["certificates"]["existing"]["caBundle"] for h in hooks)
        assert not by_kind(documents, "Secret")
    else:
        [secret] = by_kind(documents, "Secret")
        assert all(h["clientConfig"]["caBundle"] == secret["data"]["ca.crt"] for h in hooks)
        check_generated_certificate(secret)

    [deployment] = by_kind(documents, "Deployment")
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    assert spec["replicas"] == values.get("replicaCount", 2)
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    [container] = pod["containers"]
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["scheme"] == "HTTPS" and container[probe]["httpGet"]["port"] == "https"
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    if values.get("preStopSleepSeconds", 5):
        assert container["lifecycle"]["preStop"]["sleep"]["seconds"] == 5
    else:
        assert "lifecycle" not in container
    assert [v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v] == [values.get("certificates", {}).get("existing", {}).get("secretName") or f"{RELEASE}-tls"]
    # The webhook's own account: no token, and no RBAC anywhere for it (Roles of sparkNamespaces are Spark's).
    [account] = [a for a in by_kind(documents, "ServiceAccount") if a["metadata"]["namespace"] == NAMESPACE]
    assert account["automountServiceAccountToken"] is False
    assert not by_kind(documents, "ClusterRole") and not by_kind(documents, "ClusterRoleBinding"), "the webhook needs no RBAC"
    assert not [r for r in by_kind(documents, "Role") + by_kind(documents, "RoleBinding") if r["metadata"]["namespace"] == NAMESPACE]
    assert all(s["name"] != account["metadata"]["name"] for b in by_kind(documents, "RoleBinding") for s in b["subjects"])
    assert len(by_kind(documents, "PodDisruptionBudget")) == (1 if values.get("replicaCount", 2) > 1 else 0)
    assert len(by_kind(documents, "ServiceMonitor")) == (1 if values.get("serviceMonitor", {}).get("enabled") else 0)
    assert len(by_kind(documents, "NetworkPolicy")) == (1 if values.get("networkPolicy", {}).get("enabled") else 0)
    assert len(by_kind(documents, "PrometheusRule")) == (1 if values.get("prometheusRule", {}).get("enabled") else 0)
    dashboards = [c for c in by_kind(documents, "ConfigMap") if "spark-conform.json" in c["data"]]
    assert len(dashboards) == (1 if values.get("grafanaDashboard", {}).get("enabled") else 0)
    for dashboard in dashboards:
        assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert dashboard["metadata"]["namespace"] == values["grafanaDashboard"].get("namespace", NAMESPACE)
        json.loads(dashboard["data"]["spark-conform.json"])

    # The rendered policy is one the webhook accepts.
    [config_map] = [c for c in by_kind(documents, "ConfigMap") if "policy.yaml" in c["data"]]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as policy:
        policy.write(config_map["data"]["policy.yaml"])
        policy.flush()
        result = subprocess.run([BINARY, "policy", "check", policy.name], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: rendered policy refused: {result.stderr}"
    if values.get("webhook", {}).get("failurePolicy") == "Fail":
        notes = next(text for path, text in manifests.items() if path.endswith("NOTES.txt"))
        assert "WARNING: failurePolicy is Fail" in notes
    return len(documents)


def check_generated_certificate(secret):
    with tempfile.TemporaryDirectory() as tmp:
        for key in ("ca.crt", "tls.crt", "tls.key"):
            Path(tmp, key).write_bytes(base64.b64decode(secret["data"][key]))
        subprocess.run(["openssl", "verify", "-CAfile", f"{tmp}/ca.crt", f"{tmp}/tls.crt"], check=True, capture_output=True)
        names = subprocess.run(["openssl", "x509", "-in", f"{tmp}/tls.crt", "-noout", "-ext", "subjectAltName"],
                               check=True, capture_output=True, text=True).stdout
        for dns in (f"{RELEASE}.{NAMESPACE}.svc", f"{RELEASE}.{NAMESPACE}.svc.cluster.local"):
            assert f"DNS:{dns}" in names, f"generated certificate lacks {dns}: {names}"
        key_modulus = subprocess.run(["openssl", "pkey", "-in", f"{tmp}/tls.key", "-pubout"], check=True, capture_output=True).stdout
        cert_modulus = subprocess.run(["openssl", "x509", "-in", f"{tmp}/tls.crt", "-noout", "-pubkey"], check=True, capture_output=True).stdout
        assert key_modulus == cert_modulus, "generated key does not match its certificate"


def expect_refused(values, message):
    try:
        render(values)
    except helm.HelmError as error:
        assert message in str(error), f"refused for another reason: {error}"
        return
    raise AssertionError(f"values were accepted but should fail with {message!r}: {values}")


def selector_matches(selector, labels):
    """Kubernetes label selector semantics (matchLabels and matchExpressions, all must hold)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def check_pod_security_routing(hooks, values):
    """Every namespace the webhook serves matches exactly one entry, and its path names the namespace's level."""
    enforce = "pod-security.kubernetes.io/enforce"
    expected_path = {None: "/mutate", "privileged": "/mutate/privileged", "baseline": "/mutate/baseline",
                     "restricted": "/mutate/restricted", "strict": "/mutate/restricted"}
    for level, path in expected_path.items():
        labels = {"kubernetes.io/metadata.name": "spark"}
        if values.get("webhook", {}).get("optIn"):
            labels["spark-conform.io/enabled"] = "true"
        if level:
            labels[enforce] = level
        matching = [h for h in hooks if selector_matches(h["namespaceSelector"], labels)]
        assert len(matching) == 1, f"a namespace labelled {level!r} matches {[h['name'] for h in matching]}"
        assert matching[0]["clientConfig"]["service"]["path"] == path, f"{level!r} goes to {matching[0]['clientConfig']['service']['path']}"
        # Excluded namespaces match none, whatever their level.
        excluded = dict(labels, **{"kubernetes.io/metadata.name": "kube-system"})
        assert not [h for h in hooks if selector_matches(h["namespaceSelector"], excluded)]


SPARK_NAMESPACES = {
    "sparkNamespaces": [{"name": "spark", "roleArn": "arn:aws:iam::111122223333:role/spark-jobs"},
                        {"name": "etl", "serviceAccount": "etl-spark"}],
    "policy": {"namespaceOverrides": {"etl": {"mode": "audit"}}},
}
# What Spark's driver does in its namespace (Spark's "Running on Kubernetes", RBAC).
DRIVER_NEEDS = {"pods": {"create", "get", "list", "watch", "delete"}, "services": {"create", "get", "delete"},
                "configmaps": {"create", "get", "delete"}, "persistentvolumeclaims": {"create", "get", "list", "delete"}}


def check_spark_namespaces():
    """sparkNamespaces: the account, Role and binding in each namespace; the rendered policy names the
    account there; and the real server gives a person's plain driver that account there, not elsewhere."""
    documents, _ = render(SPARK_NAMESPACES)
    for entry, account in (("spark", "spark"), ("etl", "etl-spark")):
        [service_account] = [d for d in by_kind(documents, "ServiceAccount") if d["metadata"]["namespace"] == entry]
        assert service_account["metadata"]["name"] == account
        annotations = service_account["metadata"].get("annotations") or {}
        assert (annotations.get("eks.amazonaws.com/role-arn") == "arn:aws:iam::111122223333:role/spark-jobs") == (entry == "spark")
        [role] = [d for d in by_kind(documents, "Role") if d["metadata"]["namespace"] == entry]
        granted = {}
        for rule in role["rules"]:
            for resource in rule["resources"]:
                granted.setdefault(resource, set()).update(rule["verbs"])
        for resource, verbs in DRIVER_NEEDS.items():
            assert verbs <= granted.get(resource, set()), f"{entry}: the Role lacks {verbs - granted.get(resource, set())} on {resource}"
        [binding] = [d for d in by_kind(documents, "RoleBinding") if d["metadata"]["namespace"] == entry]
        assert binding["roleRef"]["name"] == role["metadata"]["name"]
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": entry}]
    policy_text = by_kind(documents, "ConfigMap")[0]["data"]["policy.yaml"]
    policy = yaml.safe_load(policy_text)
    assert policy["namespaceOverrides"] == {"spark": {"serviceAccount": "spark"}, "etl": {"mode": "audit", "serviceAccount": "etl-spark"}}, policy
    driver = json.loads((ROOT / "fixtures" / "spark-3.5.3-driver-basic.json").read_text())
    driver["spec"]["serviceAccountName"] = "default"
    person = {"username": "alice@example.com", "groups": ["system:authenticated"]}
    with tempfile.TemporaryDirectory() as tmp:
        webhook = Webhook(BINARY, Path(tmp), policy_text)
        try:
            for namespace, expected in (("spark", "spark"), ("other", "default")):
                request = dict(CAPTURED_REQUEST, namespace=namespace, userInfo=person, name=driver["metadata"]["name"])
                patched = jsonpatch.JsonPatch(webhook.patch(driver, namespace, request)).apply(driver)
                assert patched["spec"]["serviceAccountName"] == expected, f"{namespace}: {patched['spec']['serviceAccountName']}"
        finally:
            webhook.stop()


def main():
    total = 0
    for name, values in CASES.items():
        total += check_case(name, values)
    total += check_case("spark namespaces", SPARK_NAMESPACES)
    check_spark_namespaces()
    expect_refused({"sparkNamespaces": [{"name": "Spark"}]}, "sparkNamespaces")
    expect_refused({"sparkNamespaces": [{"name": "spark", "roleArn": "spark-role"}]}, "roleArn")
    expect_refused({"webhook": {"failurePolicy": "Maybe"}}, "failurePolicy")
    expect_refused({"certificates": {"mode": "existing", "existing": {"secretName": "x"}}}, "caBundle")
    expect_refused({"certificates": {"mode": "self"}}, "mode")
    expect_refused({"replicas": 3}, "replicas")
    print(f"chart check: {len(CASES)} value sets linted (strict) and rendered, {total} manifests valid against Kubernetes {K8S} "
          f"(cert-manager, ServiceMonitor and PrometheusRule resources checked for shape; check_alerts.py runs the rules), 6 bad value sets refused; "
          f"sparkNamespaces: account, Role and binding per namespace, the account named in the rendered policy, and a person's plain "
          f"driver gets it there through the real server and keeps default elsewhere")


if __name__ == "__main__":
    main()
