#!/usr/bin/env python3
"""Where Spark pods land, after the webhook, on clusters of every style, run by CI.

A node-placement checker written from kube-scheduler's own rules, not from the
webhook's code:
  - NodeAffinity filter (pkg/scheduler/framework/plugins/nodeaffinity, with
    component-helpers/scheduling/corev1/nodeaffinity): every nodeSelector entry
    must match, and the required nodeSelectorTerms are ORed, the expressions
    inside one term ANDed; In and Exists need the key, NotIn and DoesNotExist
    match a node without it; Gt and Lt compare integers.
  - TaintToleration filter (pkg/scheduler/framework/plugins/tainttoleration,
    component-helpers/scheduling/corev1 TolerationsTolerateTaint): every
    NoSchedule and NoExecute taint needs a toleration (Exists with an empty key
    tolerates every taint; an empty effect matches every effect).
  - NodeAffinity score: the sum of the weights of the preferred terms a node matches.
Pod (anti-)affinity to other pods is not modelled: no other pods are placed here.

Node sets: the real Node objects of fixtures/clusters (the blog's eksctl node
groups, EKS managed node groups), Karpenter's and EKS Auto Mode's nodes as a
NodePool allows them to be launched (one per capacity type and zone, with the
NodePool's labels and taints, as Karpenter reads the same requirements), the
managed nodes with no capacity labels, and on-demand-only sets.

Every fixture and golden-case pod goes through the real server with the default
policy. On every style: a pod that could be scheduled before the patch can be
after it; a driver never lands on a node labelled Spot unless it asked for
Spot itself (a conflict the webhook kept); an executor's best-scored node is a
Spot node wherever a Spot node can take it. Each explicit preset is checked on
its own style the same way, strictly (driver on on-demand, executor on Spot).
So is the policy `policy init --from-cluster` writes for each saved cluster, on
that cluster's nodes. And the checker proves it can fail: the old default (preset eksctl) must strand
pods on the managed, Karpenter and unlabelled styles.
Usage: check_placement.py BINARY
"""
import base64
import copy
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonpatch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_patches import Webhook, FIXTURES, CASES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CLUSTERS = ROOT / "fixtures" / "clusters"
SPOT_LABELS = {"node-lifecycle": {"spot", "ec2Spot"}, "eks.amazonaws.com/capacityType": {"SPOT"},
               "karpenter.sh/capacity-type": {"spot"}}
ZONES = ("us-east-1a", "us-east-1b")


# ---- the scheduler's rules ----------------------------------------------------------------

def expression_matches(expression, labels):
    key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
    present = key in labels
    if operator == "In":
        return present and labels[key] in values
    if operator == "NotIn":
        return not present or labels[key] not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt"):
        try:
            node, bound = int(labels[key]), int(values[0])
        except (KeyError, ValueError, IndexError):
            return False
        return node > bound if operator == "Gt" else node < bound
    raise ValueError(f"unknown operator {operator}")


def term_matches(term, labels):
    # matchFields (metadata.name) is not used by Spark pods or the webhook; a term with none matches nothing.
    expressions = term.get("matchExpressions") or []
    if not expressions and not term.get("matchFields"):
        return False
    return all(expression_matches(e, labels) for e in expressions)


def tolerates(toleration, taint):
    if toleration.get("effect") and toleration["effect"] != taint["effect"]:
        return False
    if toleration.get("operator", "Equal") == "Exists":
        return not toleration.get("key") or toleration["key"] == taint["key"]
    return toleration.get("key", "") == taint["key"] and toleration.get("value", "") == taint.get("value", "")


def feasible(pod, node):
    spec, labels = pod["spec"], node["labels"]
    if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
        return False
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms")
    if required is not None and not any(term_matches(t, labels) for t in required):
        return False
    tolerations = spec.get("tolerations") or []
    return all(any(tolerates(t, taint) for t in tolerations)
               for taint in node["taints"] if taint["effect"] in ("NoSchedule", "NoExecute"))


def score(pod, node):
    preferred = (((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {})
                 .get("preferredDuringSchedulingIgnoredDuringExecution") or [])
    return sum(p["weight"] for p in preferred if term_matches(p["preference"], node["labels"]))


def is_spot(node):
    return any(node["labels"].get(key) in values for key, values in SPOT_LABELS.items())


# ---- node sets ----------------------------------------------------------------------------

def real_nodes(cluster):
    items = json.loads((CLUSTERS / cluster / "cluster.json").read_text())["items"]
    return [{"name": n["metadata"]["name"], "labels": n["metadata"].get("labels", {}), "taints": n["spec"].get("taints") or []}
            for n in items if n["kind"] == "Node"]


def launchable_nodes(extra_labels=None):
    """What Karpenter may launch from the NodePool in fixtures/clusters/karpenter-healthy: one node
    per capacity type and zone its requirements allow, with its labels and taints."""
    [pool] = json.loads((CLUSTERS / "karpenter-healthy" / "nodepools.json").read_text())["items"]
    template = pool["spec"]["template"]
    requirements = {r["key"]: r.get("values", []) for r in template["spec"]["requirements"] if r["operator"] == "In"}
    nodes = []
    for capacity in requirements["karpenter.sh/capacity-type"]:
        for zone in requirements["topology.kubernetes.io/zone"]:
            labels = dict(template.get("metadata", {}).get("labels", {}))
            labels.update({"karpenter.sh/capacity-type": capacity, "topology.kubernetes.io/zone": zone,
                           "kubernetes.io/arch": requirements["kubernetes.io/arch"][0], "kubernetes.io/os": "linux",
                           "karpenter.sh/nodepool": pool["metadata"]["name"]}, **(extra_labels or {}))
            nodes.append({"name": f"{capacity}-{zone}", "labels": labels, "taints": template["spec"].get("taints") or []})
    return nodes


def without_capacity_labels(nodes):
    stripped = copy.deepcopy(nodes)
    for node in stripped:
        for key in SPOT_LABELS:
            node["labels"].pop(key, None)
    return stripped


def styles():
    eksctl, managed = real_nodes("eksctl-healthy"), real_nodes("managed-with-blog-preset")
    karpenter = launchable_nodes()
    auto_mode = launchable_nodes({"eks.amazonaws.com/compute-type": "auto"})
    return {
        "eksctl": eksctl,
        "eks-managed": managed,
        "karpenter": karpenter,
        "eks-auto": auto_mode,
        "no capacity labels": without_capacity_labels(managed),
        "eksctl on-demand only": [n for n in eksctl if not is_spot(n)],
        "managed on-demand only": [n for n in managed if not is_spot(n)],
    }


# ---- pods through the real server ---------------------------------------------------------

def spark_pods():
    for fixture in FIXTURES:
        yield fixture.name, json.loads(fixture.read_text())
    for case in CASES:
        document = json.loads((case / "input.json").read_text())
        if document.get("kind") == "AdmissionReview":
            if document["request"]["operation"] != "CREATE":
                continue
            document = document["request"]["object"]
        if document.get("kind") != "Pod" or (document["metadata"].get("labels") or {}).get("spark-role") not in ("driver", "executor"):
            continue
        if document["spec"].get("schedulerName") == "fargate-scheduler":
            continue  # Fargate places it, not these nodes
        yield f"case {case.name}", document


def patched_pods(binary, policy):
    with tempfile.TemporaryDirectory() as tmp:
        webhook = Webhook(binary, Path(tmp), policy)
        try:
            for name, pod in spark_pods():
                answer = webhook.review(pod)
                patch = json.loads(base64.b64decode(answer["patch"])) if "patch" in answer else []
                annotations = answer.get("auditAnnotations", {})
                # Placed by node-lifecycle: the rule ran (not opted out or skipped) and met no
                # capacity choice of the user's own (a conflict it kept).
                placed = "node-lifecycle" in annotations.get("rules-met", "").split(",") \
                    and "node-lifecycle:" not in annotations.get("conflicts", "")
                yield name, pod, jsonpatch.JsonPatch(patch).apply(pod), placed
        finally:
            webhook.stop()


def judge(name, style, nodes, original, patched, placed, strict):
    """The problems with where `patched` can land on `nodes`."""
    role = patched["metadata"]["labels"]["spark-role"]
    before = [n for n in nodes if feasible(original, n)]
    after = [n for n in nodes if feasible(patched, n)]
    problems = []
    if before and not after:
        problems.append(f"{name} ({role}) on {style}: schedulable before the patch, on no node after it")
    if not after or not placed:
        return problems
    if role == "driver" and any(is_spot(n) for n in after):
        problems.append(f"{name} (driver) on {style}: may land on Spot node(s) {[n['name'] for n in after if is_spot(n)]}")
    if role == "executor":
        spot = [n for n in after if is_spot(n)]
        best = max(score(patched, n) for n in after)
        if spot and not any(is_spot(n) for n in after if score(patched, n) == best):
            problems.append(f"{name} (executor) on {style}: its best-scored nodes are not Spot")
        if strict and not all(is_spot(n) for n in after):
            problems.append(f"{name} (executor) on {style}: may land on on-demand nodes under a strict preset")
    return problems


def check(binary, policy, style_names, node_sets=None):
    all_styles = node_sets or styles()
    # Strict presets hold executors to Spot; auto only prefers it.
    strict = policy is not None and "preset: auto" not in policy
    problems, judged = [], 0
    for name, original, patched, placed in patched_pods(binary, policy):
        for style in style_names:
            problems += judge(name, style, all_styles[style], original, patched, placed, strict=strict)
            judged += 1
    return problems, judged


def cluster_nodes(cluster):
    """A saved cluster's nodes, and what its NodePools may launch."""
    nodes = real_nodes(cluster)
    if (CLUSTERS / cluster / "nodepools.json").exists():
        nodes += launchable_nodes()
    return nodes


def check_starter_policies(binary):
    """`policy init --from-cluster` on each saved cluster writes a policy this checker accepts on its nodes."""
    judged = 0
    for folder in sorted(p for p in CLUSTERS.iterdir() if (p / "cluster.json").exists()):
        outputs = sorted(str(f) for f in folder.glob("*.json") if f.name != "findings.json")
        policy = subprocess.run([binary, "policy", "init", "--from-cluster", "--from", *outputs],
                                check=True, capture_output=True, text=True).stdout
        nodes = cluster_nodes(folder.name)
        if not nodes:
            continue
        found, count = check(binary, policy, [folder.name], {folder.name: nodes})
        assert not found, f"policy init on {folder.name}:\n{policy}\n  " + "\n  ".join(found[:20])
        judged += count
    return judged


def main():
    binary = sys.argv[1]
    problems, judged = check(binary, None, list(styles()))
    assert not problems, "default policy:\n  " + "\n  ".join(problems[:20])
    presets = {"eksctl": ["eksctl"], "eks-managed": ["eks-managed"], "karpenter": ["karpenter"], "eks-auto": ["eks-auto"]}
    for preset, own in presets.items():
        found, count = check(binary, f"rules: {{node-lifecycle: {{preset: {preset}}}}}\n", own)
        assert not found, f"preset {preset} on its own style:\n  " + "\n  ".join(found[:20])
        judged += count
    judged += check_starter_policies(binary)
    # The checker can fail: the old default strands pods where nodes are not labelled its way.
    old, _ = check(binary, "rules: {node-lifecycle: {preset: eksctl}}\n", ["eks-managed", "karpenter", "no capacity labels"])
    stranded = {p.split(" on ")[1].split(":")[0] for p in old if "on no node after it" in p}
    assert stranded == {"eks-managed", "karpenter", "no capacity labels"}, f"the old default should strand pods there: {stranded}"
    print(f"placement check: {judged} pod placements judged with kube-scheduler's node affinity, selector and taint rules "
          f"on {len(styles())} cluster styles (default policy), each explicit preset on its own style and the policy "
          f"`policy init --from-cluster` writes on each saved cluster: none stranded, "
          f"no driver on Spot, every executor's best node Spot where Spot can take it; the old default strands pods on "
          f"{', '.join(sorted(stranded))}")


if __name__ == "__main__":
    main()
