#!/usr/bin/env python3
"""The chart's alerting rules and Grafana dashboard, checked with Prometheus' own tools.

Renders the chart with both switched on, then:
- `promtool check rules` on the PrometheusRule's groups;
- `promtool test rules`: each alert fires on synthetic series made for it, and
  none fires on the series of a healthy webhook;
- every metric name the rules and the dashboard use either appears in a real
  /metrics scrape of the server after traffic (with the label values they
  select on), or is an apiserver metric listed below with its source;
- the dashboard parses and its panels are complete.
Usage: check_alerts.py [path to the spark-conform binary]
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import requests
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_chart import render, by_kind, RELEASE  # noqa: E402
from check_patches import Webhook, FIXTURES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "debug" / "spark-conform")
VALUES = {"prometheusRule": {"enabled": True}, "grafanaDashboard": {"enabled": True}}

# The apiserver's webhook metrics: kubernetes/kubernetes,
# staging/src/k8s.io/apiserver/pkg/admission/metrics/metrics.go (namespace "apiserver",
# subsystem "admission"; every one labelled with the webhook's name).
APISERVER_METRICS = {
    "apiserver_admission_webhook_fail_open_count": "counter {name, type}",
    "apiserver_admission_webhook_rejection_count": "counter {name, type, operation, error_type, rejection_code}",
    "apiserver_admission_webhook_request_total": "counter {name, type, operation, code, rejected}",
    "apiserver_admission_webhook_admission_duration_seconds": "histogram {name, type, operation, rejected}",
}
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "rate", "increase", "histogram_quantile", "by", "without", "on", "ignoring",
    "group_left", "group_right", "and", "or", "unless", "bool", "vector", "time", "absent", "label_values",
}
JOB = f'job="{RELEASE}"'
WEBHOOK = 'name="pods.spark-conform.io",type="admit"'
RESTRICTED = 'name="restricted.pods.spark-conform.io",type="admit"'


def series(text, values):
    return {"series": text, "values": values}


def healthy():
    """A webhook at work: admissions counted, nothing failing, fast, a certificate valid for a year."""
    return [
        series(f"apiserver_admission_webhook_request_total{{{WEBHOOK},operation=\"CREATE\",code=\"200\",rejected=\"false\"}}", "0+5x40"),
        series(f"apiserver_admission_webhook_fail_open_count{{{WEBHOOK}}}", "0x40"),
        series(f"apiserver_admission_webhook_rejection_count{{{WEBHOOK},operation=\"CREATE\",error_type=\"no_error\",rejection_code=\"0\"}}", "0x40"),
        series(f"apiserver_admission_webhook_admission_duration_seconds_bucket{{{WEBHOOK},operation=\"CREATE\",rejected=\"false\",le=\"0.005\"}}", "0+5x40"),
        series(f"apiserver_admission_webhook_admission_duration_seconds_bucket{{{WEBHOOK},operation=\"CREATE\",rejected=\"false\",le=\"+Inf\"}}", "0+5x40"),
        series(f"spark_conform_admission_requests_total{{{JOB},outcome=\"patched\"}}", "0+5x40"),
        series(f"spark_conform_admission_requests_total{{{JOB},outcome=\"internal_error\"}}", "0x40"),
        series(f"spark_conform_admission_requests_total{{{JOB},outcome=\"rejected\"}}", "0x40"),
        series(f"spark_conform_http_refusals_total{{{JOB},reason=\"request_timeout\"}}", "0x40"),
        series(f"spark_conform_admission_duration_seconds_bucket{{{JOB},le=\"0.001\"}}", "0+5x40"),
        series(f"spark_conform_admission_duration_seconds_bucket{{{JOB},le=\"+Inf\"}}", "0+5x40"),
        series(f"spark_conform_tls_certificate_expiry_timestamp_seconds{{{JOB}}}", f"{365 * 86400}x40"),
        series(f"spark_conform_policy_reloads_total{{{JOB},result=\"failure\"}}", "0x40"),
        series(f"spark_conform_tls_reloads_total{{{JOB},result=\"failure\"}}", "0x40"),
    ]


def replacing(base, changed):
    """The healthy series with some replaced (same series text) or added."""
    names = {s["series"] for s in changed}
    return [s for s in base if s["series"] not in names] + changed


# Per alert: the series that must make it fire (on top of a healthy webhook, with the
# series they change removed) and when to look.
SCENARIOS = {
    "SparkConformFailedOpen": ("12m", [series(f"apiserver_admission_webhook_fail_open_count{{{WEBHOOK}}}", "0 0 0 0 0 1 2 3 4 5 6 6 6 6 6")], []),
    "SparkConformApiserverRejections": ("12m", [series(
        f"apiserver_admission_webhook_rejection_count{{{RESTRICTED},operation=\"CREATE\",error_type=\"calling_webhook_error\",rejection_code=\"0\"}}",
        "0+1x40")], []),
    # The apiserver calls; no replica counts an admission (its series stay flat or are gone).
    "SparkConformNoAdmissions": ("12m", [], ["spark_conform_admission_requests_total{" + JOB + ",outcome=\"patched\"}"]),
    "SparkConformInternalErrors": ("12m", [series(f"spark_conform_admission_requests_total{{{JOB},outcome=\"internal_error\"}}", "0+1x40")], []),
    "SparkConformRejectedRequests": ("12m", [series(f"spark_conform_http_refusals_total{{{JOB},reason=\"request_timeout\"}}", "0 0 0 0 0 0 0 3 3 3 3 3 3 3 3")], []),
    "SparkConformSlowDecisions": ("25m", [
        series(f"spark_conform_admission_duration_seconds_bucket{{{JOB},le=\"0.001\"}}", "0+1x40"),
        series(f"spark_conform_admission_duration_seconds_bucket{{{JOB},le=\"0.25\"}}", "0+5x40"),
    ], []),
    "SparkConformSlowForApiserver": ("25m", [
        series(f"apiserver_admission_webhook_admission_duration_seconds_bucket{{{WEBHOOK},operation=\"CREATE\",rejected=\"false\",le=\"0.005\"}}", "0+1x40"),
        series(f"apiserver_admission_webhook_admission_duration_seconds_bucket{{{WEBHOOK},operation=\"CREATE\",rejected=\"false\",le=\"2.5\"}}", "0+5x40"),
    ], []),
    "SparkConformCertificateExpiresSoon": ("5m", [series(f"spark_conform_tls_certificate_expiry_timestamp_seconds{{{JOB}}}", f"{7 * 86400}x40")], []),
    "SparkConformReloadFailed": ("12m", [series(f"spark_conform_policy_reloads_total{{{JOB},result=\"failure\"}}", "0 0 0 0 0 0 1 1 1 1 1 1 1 1 1")], []),
}


def promtool(*args):
    result = subprocess.run(["promtool", *args], capture_output=True, text=True)
    assert result.returncode == 0, f"promtool {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def check_rules(groups, workdir):
    rules_file = workdir / "rules.yml"
    rules_file.write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    promtool("check", "rules", str(rules_file))
    alerts = {rule["alert"]: rule for group in groups for rule in group["rules"]}
    assert set(alerts) == set(SCENARIOS), f"alerts without a scenario, or scenarios without an alert: {set(alerts) ^ set(SCENARIOS)}"
    for name, rule in alerts.items():
        assert rule["annotations"].get("runbook"), f"{name} has no runbook line"
        assert rule["labels"].get("severity") in ("warning", "critical"), f"{name}: severity"

    def expected(name):
        rule = alerts[name]
        return [{"exp_labels": dict(rule["labels"], alertname=name), "exp_annotations": rule["annotations"]}]

    tests = []
    for name, (eval_time, changed, removed) in SCENARIOS.items():
        inputs = [s for s in replacing(healthy(), changed) if s["series"] not in removed]
        checks = [{"eval_time": eval_time, "alertname": name, "exp_alerts": expected(name)}]
        # The scenario is about this alert: every other one stays quiet in it.
        checks += [{"eval_time": eval_time, "alertname": other, "exp_alerts": []} for other in alerts if other != name]
        tests.append({"name": f"{name} fires", "interval": "1m", "input_series": inputs, "alert_rule_test": checks})
    tests.append({"name": "a healthy webhook raises nothing", "interval": "1m", "input_series": healthy(),
                  "alert_rule_test": [{"eval_time": time, "alertname": name, "exp_alerts": []}
                                      for name in alerts for time in ("12m", "25m", "35m")]})
    test_file = workdir / "rules_test.yml"
    test_file.write_text(yaml.safe_dump({"rule_files": ["rules.yml"], "evaluation_interval": "1m", "tests": tests}, sort_keys=False))
    promtool("test", "rules", str(test_file))
    return alerts


def metric_selectors(expr):
    """(metric, {label: value}) for each metric selector in a PromQL expression."""
    found = []
    # Blank out strings and ranges, keeping every position, so label values and durations are not read as names.
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: '"' + "x" * (len(m.group(0)) - 2) + '"', expr)
    without_strings = re.sub(r"\[[^\]]*\]", lambda m: " " * len(m.group(0)), without_strings)
    for match in re.finditer(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?", without_strings):
        name = match.group(1)
        start = match.start()
        preceding = without_strings[:start].rstrip()
        if name in PROMQL_WORDS or re.fullmatch(r"\d.*", name) or name.startswith("__"):
            continue
        # Label names inside by (...)/on (...) and inside selectors are not metrics.
        if re.search(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$", preceding) or re.search(r"\{[^}]*$", preceding):
            continue
        selector = {}
        original = expr[start:]
        labels = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*\s*\{([^}]*)\}", original)
        if labels:
            selector = dict(re.findall(r'(\w+)\s*=~?\s*"((?:[^"\\]|\\.)*)"', labels.group(1)))
        found.append((name, selector))
    return found


def scrape_after_traffic(workdir):
    webhook = Webhook(BINARY, workdir)
    try:
        for fixture in FIXTURES:
            webhook.patch(json.loads(fixture.read_text()))
        bad = webhook.session.post(webhook.url("/mutate"), data=b"{not json", headers={"Content-Type": "application/json"},
                                   verify=webhook.ca, timeout=10)
        assert bad.status_code == 400
        text = webhook.session.get(webhook.url("/metrics"), verify=webhook.ca, timeout=10).text
    finally:
        webhook.stop()
    families, samples = set(), []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            families.add(name)
            if kind == "histogram":
                families |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
        elif line and not line.startswith("#"):
            name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', line[len(name):].split("}")[0]))
            samples.append((name, labels, float(line.rsplit(" ", 1)[1])))
    assert any(n == "spark_conform_admission_requests_total" and l.get("outcome") == "patched" and v > 0
               for n, l, v in samples), "no patched admission counted after traffic"
    return families, samples


def check_names(exprs, families, samples):
    used = set()
    for where, expr in exprs:
        for name, selector in metric_selectors(expr):
            used.add(name)
            if name.startswith("spark_conform_"):
                assert name in families, f"{where}: {name} is not in the server's /metrics"
                for label, value in selector.items():
                    if label == "job" or value.startswith("$"):
                        continue
                    assert any(n == name and l.get(label) == value for n, l, _ in samples), \
                        f"{where}: {name}{{{label}=\"{value}\"}} never appears in the server's /metrics"
            else:
                base = re.sub(r"_(bucket|sum|count)$", "", name) if name.endswith(("_bucket", "_sum")) else name
                assert base in APISERVER_METRICS, f"{where}: {name} is neither the server's nor a listed apiserver metric"
                pattern = selector.get("name")
                assert pattern, f"{where}: {name} must select the webhook by name"
    return used


def check_dashboard(config_map):
    [(key, text)] = config_map["data"].items()
    assert key.endswith(".json")
    dashboard = json.loads(text)
    assert dashboard["uid"] and dashboard["title"]
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    exprs = []
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["targets"], f"panel {panel['title']} has no query"
        assert panel["gridPos"]["w"] > 0 and panel["gridPos"]["h"] > 0
        exprs += [(f"dashboard panel '{panel['title']}'", t["expr"]) for t in panel["targets"]]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            # label_values(metric, label): the metric is what must exist.
            metric = re.fullmatch(r"label_values\((\w+),\s*\w+\)", variable["definition"]).group(1)
            exprs.append((f"dashboard variable {variable['name']}", metric))
    return dashboard, exprs


def main():
    documents, _ = render(VALUES)
    [rule] = by_kind(documents, "PrometheusRule")
    hooks = by_kind(documents, "MutatingWebhookConfiguration")[0]["webhooks"]
    dashboards = [c for c in by_kind(documents, "ConfigMap") if c["metadata"]["labels"].get("grafana_dashboard") == "1"]
    assert len(dashboards) == 1, "the dashboard ConfigMap must carry the sidecar's label"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        alerts = check_rules(rule["spec"]["groups"], workdir)
        dashboard, dashboard_exprs = check_dashboard(dashboards[0])
        families, samples = scrape_after_traffic(workdir)
    rule_exprs = [(f"alert {name}", alert["expr"]) for name, alert in alerts.items()]
    used = check_names(rule_exprs + dashboard_exprs, families, samples)
    # The name pattern the rules and the dashboard select the apiserver's series by matches every webhook entry.
    for where, expr in rule_exprs + dashboard_exprs:
        for name, selector in metric_selectors(expr):
            if name.startswith("apiserver_"):
                pattern = selector["name"].replace("\\\\", "\\")
                for hook in hooks:
                    assert re.fullmatch(pattern, hook["name"]), f"{where}: {pattern} misses webhook {hook['name']}"
                assert not re.fullmatch(pattern, "pod-identity-webhook.amazonaws.com")
    own = sorted(n for n in used if n.startswith("spark_conform_"))
    apiserver = sorted(n for n in used if not n.startswith("spark_conform_"))
    print(f"alerts check: {len(alerts)} alerts pass promtool check rules; promtool test rules: each fires on its scenario with "
          f"the others quiet, none on a healthy webhook; dashboard '{dashboard['title']}' with {len(dashboard_exprs)} queries; "
          f"{len(own)} server metrics all in a real /metrics scrape after traffic, {len(apiserver)} apiserver metrics all listed "
          f"with their source; the webhook-name pattern matches all {len(hooks)} webhook entries")


if __name__ == "__main__":
    main()
