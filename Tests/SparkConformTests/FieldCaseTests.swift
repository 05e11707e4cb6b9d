import SparkConform
import SparkConformTestSupport
import Testing

/// The cases that break admission webhooks in the field, one test each.
@Suite struct FieldCaseTests {
    func executor() throws -> JSONValue { try Fixture.pod("spark-3.5.3-executor-basic") }
    func driver() throws -> JSONValue { try Fixture.pod("spark-3.5.3-driver-basic") }

    @Test func keysWithSlashAndTildeAreEscaped() throws {
        var policy = Policy()
        policy.nodeLifecycle = try PolicyLoader.load(yaml: "rules: {node-lifecycle: {preset: eks-managed}}").nodeLifecycle
        let mutation = try Mutation(try Fixture.pod("spark-3.5.3-driver-hostpath"), policy: policy)
        #expect(mutation.paths == ["add /spec/nodeSelector/eks.amazonaws.com~1capacityType"])
        #expect(mutation.patched[path: ["spec", "nodeSelector", "eks.amazonaws.com/capacityType"]] == "ON_DEMAND")

        let before: JSONValue = ["m": ["a~b/c": "1"]]
        let after: JSONValue = ["m": ["a~b/c": "1", "x/~y": "2"]]
        let operations = PatchBuilder.operations(from: before, to: after)
        #expect(operations.map(\.path.description) == ["/m/x~1~0y"])
        #expect(try JSONPatch.apply(operations, to: before) == after)
        #expect(try JSONPointer(parsing: "/m/x~1~0y").tokens == ["m", "x/~y"])
    }

    @Test func absentParentsAreCreatedWhole() throws {
        // No annotations, affinity, tolerations, nodeSelector, volumes or initContainers at all.
        let pod = try executor().with(["spec", "volumes"], nil)
        #expect(pod[path: ["metadata", "annotations"]] == nil)
        let mutation = try Mutation(pod)
        #expect(mutation.paths == ["add /spec/affinity", "add /spec/nodeSelector", "add /spec/tolerations"])
        #expect(mutation.status(.localDirs) == .skipped)
        mutation.expectIdempotent()
    }

    @Test func emptyMapsFromOlderSparkAreFilled() throws {
        // Spark 3.1/3.3 send {} where 3.5 omits the member.
        let pod = try executor().with(["spec", "nodeSelector"], [:]).with(["metadata", "annotations"], [:])
        let mutation = try Mutation(pod)
        #expect(mutation.paths.contains("add /spec/nodeSelector/node-lifecycle"))
        #expect(mutation.patched[path: ["spec", "nodeSelector"]] == ["node-lifecycle": "spot"])
    }

    @Test func existingSchedulingIsMergedNotReplaced() throws {
        let userNodeAffinity: JSONValue = [
            "requiredDuringSchedulingIgnoredDuringExecution": [
                "nodeSelectorTerms": [["matchExpressions": [["key": "arch", "operator": "In", "values": ["arm64"]]]]]
            ]
        ]
        let userPreferred: JSONValue = [
            ["weight": 10, "podAffinityTerm": ["labelSelector": ["matchLabels": ["cache": "on"]], "topologyKey": "kubernetes.io/hostname"]]
        ]
        let userToleration: JSONValue = ["key": "gpu", "operator": "Exists", "effect": "NoSchedule"]
        let pod = try executor()
            .with(["spec", "affinity"], ["nodeAffinity": userNodeAffinity, "podAffinity": ["preferredDuringSchedulingIgnoredDuringExecution": userPreferred]])
            .with(["spec", "tolerations"], [userToleration])
            .with(["spec", "nodeSelector"], ["team": "data"])
        let mutation = try Mutation(pod)
        let appID = try #require(PodView(pod).appID)
        #expect(
            mutation.paths.filter { !$0.contains("volumes") && !$0.contains("initContainers") } == [
                "add /spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution",
                "add /spec/affinity/podAntiAffinity", "add /spec/tolerations/-", "add /spec/nodeSelector/node-lifecycle",
            ])
        let affinity = try #require(mutation.patched[path: ["spec", "affinity"]])
        #expect(affinity["nodeAffinity"] == userNodeAffinity)
        #expect(affinity["podAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"] == userPreferred)
        #expect(affinity["podAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"] == [FixtureTests.zoneTerm(appID)])
        #expect(mutation.patched[path: ["spec", "tolerations"]] == [userToleration, FixtureTests.spotToleration])
        #expect(mutation.patched[path: ["spec", "nodeSelector"]] == ["team": "data", "node-lifecycle": "spot"])
        mutation.expectIdempotent()
    }

    @Test func existingSpotTolerationIsRecognised() throws {
        let pod = try executor().with(["spec", "tolerations"], [["key": "spot", "operator": "Exists"]])
        let mutation = try Mutation(pod)
        #expect(mutation.patched[path: ["spec", "tolerations"]] == [["key": "spot", "operator": "Exists"]])
    }

    @Test func conflictingUserValueIsKeptAndReported() throws {
        let pod = try executor().with(["spec", "nodeSelector"], ["node-lifecycle": "on-demand"])
        let mutation = try Mutation(pod)
        #expect(mutation.patched[path: ["spec", "nodeSelector"]] == ["node-lifecycle": "on-demand"])
        #expect(!mutation.paths.contains { $0.contains("nodeSelector") })
        let conflict = try #require(mutation.decision.conflicts.first)
        #expect(conflict == Conflict(rule: .nodeLifecycle, field: "spec.nodeSelector.node-lifecycle", podValue: "on-demand", policyValue: "spot", resolution: .keptPodValue))
        #expect(mutation.decision.warnings == ["spark-conform: node-lifecycle: kept spec.nodeSelector.node-lifecycle=on-demand (policy: spot)"])
        #expect(mutation.decision.auditAnnotations.contains { $0.key == "conflicts" && $0.value.contains("node-lifecycle") })
        mutation.expectIdempotent()
    }

    @Test func overridePolicyReplacesConflictingValue() throws {
        var policy = Policy()
        policy.nodeLifecycle.override = true
        let pod = try executor().with(["spec", "nodeSelector"], ["node-lifecycle": "on-demand"])
        let mutation = try Mutation(pod, policy: policy)
        #expect(mutation.paths.contains("replace /spec/nodeSelector/node-lifecycle"))
        #expect(mutation.patched[path: ["spec", "nodeSelector", "node-lifecycle"]] == "spot")
        #expect(mutation.decision.conflicts.first?.resolution == .overridden)
        mutation.expectIdempotent(policy: policy)
    }

    @Test func preferSpotUsesPreferredNodeAffinity() throws {
        var policy = Policy()
        policy.nodeLifecycle.preferSpot = true
        let mutation = try Mutation(try executor(), policy: policy)
        #expect(mutation.patched[path: ["spec", "nodeSelector"]] == nil)
        #expect(
            mutation.patched[path: ["spec", "affinity", "nodeAffinity"]] == [
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    ["weight": 100, "preference": ["matchExpressions": [["key": "node-lifecycle", "operator": "In", "values": ["spot"]]]]]
                ]
            ])
        #expect(mutation.patched[path: ["spec", "tolerations"]] == [FixtureTests.spotToleration])
        mutation.expectIdempotent(policy: policy)
    }

    @Test func clientModeExecutorSkipsRequiredZoneAffinity() throws {
        let pod = try executor().with(["metadata", "ownerReferences"], nil)
        let mutation = try Mutation(pod)
        #expect(mutation.status(.zoneColocation) == .skipped)
        #expect(mutation.outcome(.zoneColocation)?.reason.contains("client mode") == true)
        #expect(mutation.patched[path: ["spec", "affinity", "podAffinity"]] == nil)
        #expect(mutation.status(.appIsolation) == .applied)

        var policy = Policy()
        policy.zoneColocation.strength = .preferred
        let preferred = try Mutation(pod, policy: policy)
        #expect(preferred.status(.zoneColocation) == .applied)
        #expect(preferred.patched[path: ["spec", "affinity", "podAffinity", "preferredDuringSchedulingIgnoredDuringExecution"]]?.arrayValue?.count == 1)
    }

    func withLocalDirs(_ volumes: [JSONValue], mounts: [JSONValue]) throws -> JSONValue {
        var pod = try executor()
        let others = (pod[path: ["spec", "volumes"]]?.arrayValue ?? []).filter { $0["name"] != "spark-local-dir-1" }
        pod[path: ["spec", "volumes"]] = .array(others + volumes)
        var container = try #require(pod[path: ["spec", "containers"]]?.arrayValue?.first)
        let otherMounts = (container["volumeMounts"]?.arrayValue ?? []).filter { $0["name"] != "spark-local-dir-1" }
        container[path: ["volumeMounts"]] = .array(otherMounts + mounts)
        pod[path: ["spec", "containers"]] = [container]
        return pod
    }

    @Test func tmpfsLocalDirIsLeftAlone() throws {
        let pod = try withLocalDirs(
            [["name": "spark-local-dir-1", "emptyDir": ["medium": "Memory"]]],
            mounts: [["name": "spark-local-dir-1", "mountPath": "/var/data/a"]])
        let mutation = try Mutation(pod)
        #expect(mutation.patched[path: ["spec", "volumes"]] == pod[path: ["spec", "volumes"]])
        #expect(mutation.patched[path: ["spec", "initContainers"]] == nil)
        #expect(mutation.status(.localDirs) == .satisfied)
        #expect(mutation.outcome(.localDirs)?.reason.contains("tmpfs") == true)
    }

    @Test func emptyDirWithSizeLimitIsLeftAlone() throws {
        let pod = try withLocalDirs(
            [["name": "spark-local-dir-1", "emptyDir": ["sizeLimit": "10Gi"]]],
            mounts: [["name": "spark-local-dir-1", "mountPath": "/var/data/a"]])
        let mutation = try Mutation(pod)
        #expect(mutation.patched[path: ["spec", "volumes"]] == pod[path: ["spec", "volumes"]])
    }

    @Test func multipleLocalDirsGoRoundRobinAndOtherSourcesStay() throws {
        var policy = Policy()
        policy.localDirs.hostPaths = ["/nvme0", "/nvme1"]
        let pod = try withLocalDirs(
            [
                ["name": "spark-local-dir-1", "emptyDir": [:]],
                ["name": "spark-local-dir-2", "emptyDir": [:]],
                ["name": "spark-local-dir-3", "emptyDir": [:]],
                ["name": "spark-local-dir-4", "persistentVolumeClaim": ["claimName": "scratch"]],
                ["name": "spark-local-dir-5", "hostPath": ["path": "/mnt/user"]],
            ],
            mounts: (1...5).map { ["name": .string("spark-local-dir-\($0)"), "mountPath": .string("/data/\($0)")] })
        let mutation = try Mutation(pod, policy: policy)
        let volumes = try #require(mutation.patched[path: ["spec", "volumes"]]?.arrayValue)
        func source(_ name: String) -> JSONValue? {
            volumes.first { $0["name"]?.stringValue == name }.map { $0.removing([["name"]]) }
        }
        #expect(source("spark-local-dir-1") == ["hostPath": ["path": "/nvme0", "type": "DirectoryOrCreate"]])
        #expect(source("spark-local-dir-2") == ["hostPath": ["path": "/nvme1", "type": "DirectoryOrCreate"]])
        #expect(source("spark-local-dir-3") == ["hostPath": ["path": "/nvme0", "type": "DirectoryOrCreate"]])
        #expect(source("spark-local-dir-4") == ["persistentVolumeClaim": ["claimName": "scratch"]])
        #expect(source("spark-local-dir-5") == ["hostPath": ["path": "/mnt/user"]])
        let initContainer = try #require(mutation.patched[path: ["spec", "initContainers"]]?.arrayValue?.first)
        #expect(initContainer["command"] == ["chown", "-R", "185:185", "/data/1", "/data/2", "/data/3", "/data/5"])
        #expect(initContainer["volumeMounts"]?.arrayValue?.map { $0["name"]?.stringValue ?? "" } == ["spark-local-dir-1", "spark-local-dir-2", "spark-local-dir-3", "spark-local-dir-5"])
        // Unique volume names after the patch.
        let names = volumes.compactMap { $0["name"]?.stringValue }
        #expect(Set(names).count == names.count)
        mutation.expectIdempotent(policy: policy)
    }

    @Test func sidecarBeforeSparkContainer() throws {
        var pod = try executor()
        let spark = try #require(pod[path: ["spec", "containers"]]?.arrayValue?.first)
        let sidecar: JSONValue = [
            "name": "log-shipper", "image": "fluent-bit",
            "volumeMounts": [["name": "spark-local-dir-1", "mountPath": "/sidecar/logs"]],
        ]
        pod[path: ["spec", "containers"]] = [sidecar, spark]
        let mutation = try Mutation(pod)
        let mountPath = try #require(spark["volumeMounts"]?.arrayValue?.first { $0["name"] == "spark-local-dir-1" }?["mountPath"])
        let initContainer = try #require(mutation.patched[path: ["spec", "initContainers"]]?.arrayValue?.first)
        #expect(initContainer["volumeMounts"] == [["name": "spark-local-dir-1", "mountPath": mountPath]])
        #expect(mutation.patched[path: ["spec", "containers"]] == pod[path: ["spec", "containers"]])
    }

    @Test func nonSparkPodIsAllowedUnchanged() throws {
        let pod = try executor().with(["metadata", "labels", "spark-role"], nil)
        let decision = Mutator.decide(pod: pod, namespace: "spark", policy: Policy())
        #expect(decision.patch.isEmpty)
        #expect(decision.reason?.contains("not a Spark pod") == true)
        #expect(decision.outcomes.isEmpty)
    }

    @Test func updateIsAllowedUnchanged() throws {
        let request = AdmissionRequest(uid: "u", kind: .pod, operation: "UPDATE", namespace: "spark", object: try executor())
        let decision = Mutator.decide(request, policy: Policy())
        #expect(decision.patch.isEmpty)
        #expect(decision.reason == "operation UPDATE is not mutated")
    }

    @Test func skipAnnotationOptsOutWholePod() throws {
        let pod = try executor().with(["metadata", "annotations"], ["spark-conform.io/skip": "true"])
        let mutation = try Mutation(pod)
        #expect(mutation.decision.patch.isEmpty)
        #expect(mutation.decision.reason == "pod opted out with spark-conform.io/skip")

        var policy = Policy()
        policy.allowPodOptOut = false
        let enforced = try Mutation(pod, policy: policy)
        #expect(!enforced.decision.patch.isEmpty)
        #expect(enforced.decision.warnings.contains { $0.contains("disabled by policy") })
    }

    @Test func skipRulesAnnotationOptsOutNamedRules() throws {
        let pod = try executor().with(["metadata", "annotations"], ["spark-conform.io/skip-rules": "app-isolation, local-dirs,bogus"])
        let mutation = try Mutation(pod)
        #expect(mutation.status(.appIsolation) == .skipped)
        #expect(mutation.status(.localDirs) == .skipped)
        #expect(mutation.status(.zoneColocation) == .applied)
        #expect(mutation.patched[path: ["spec", "affinity", "podAntiAffinity"]] == nil)
        #expect(mutation.patched[path: ["spec", "initContainers"]] == nil)
        #expect(mutation.decision.warnings == ["spark-conform: unknown rule in spark-conform.io/skip-rules: bogus"])
    }

    @Test func defaultServiceAccountIsReplaced() throws {
        let pod = try executor().with(["spec", "serviceAccountName"], "default").with(["spec", "serviceAccount"], "default")
        let mutation = try Mutation(pod)
        #expect(mutation.paths.contains("replace /spec/serviceAccountName"))
        #expect(mutation.paths.contains("replace /spec/serviceAccount"))
        #expect(mutation.patched[path: ["spec", "serviceAccountName"]] == "spark")
        #expect(mutation.patched[path: ["spec", "serviceAccount"]] == "spark")
        mutation.expectIdempotent()
    }

    @Test func missingServiceAccountIsAdded() throws {
        let pod = try executor().with(["spec", "serviceAccountName"], nil).with(["spec", "serviceAccount"], nil)
        let mutation = try Mutation(pod)
        #expect(mutation.paths.contains("add /spec/serviceAccountName"))
        #expect(mutation.patched[path: ["spec", "serviceAccount"]] == nil)
        #expect(mutation.status(.serviceAccount) == .applied)
    }

    @Test func userServiceAccountIsKept() throws {
        let pod = try executor().with(["spec", "serviceAccountName"], "team-etl").with(["spec", "serviceAccount"], nil)
        var policy = Policy()
        policy.serviceAccount.roleARN = "arn:aws:iam::111122223333:role/spark"
        let mutation = try Mutation(pod, policy: policy)
        #expect(mutation.patched[path: ["spec", "serviceAccountName"]] == "team-etl")
        #expect(mutation.status(.serviceAccount) == .satisfied)
        #expect(mutation.outcome(.serviceAccount)?.reason.contains("IRSA not injected") == true)
        #expect(!mutation.paths.contains { $0.contains("env") })
    }

    @Test func roleARNInjectsWhatPodIdentityWebhookWould() throws {
        var policy = Policy()
        policy.serviceAccount.roleARN = "arn:aws:iam::111122223333:role/spark"
        policy.serviceAccount.region = "eu-west-1"
        let pod = try executor().with(["spec", "serviceAccountName"], "default")
        let mutation = try Mutation(pod, policy: policy)
        let containers = try #require(mutation.patched[path: ["spec", "containers"]]?.arrayValue)
            + (mutation.patched[path: ["spec", "initContainers"]]?.arrayValue ?? [])
        #expect(containers.count == 2)
        for container in containers {
            let env = container["env"]?.arrayValue ?? []
            func value(_ name: String) -> JSONValue? { env.first { $0["name"]?.stringValue == name }?["value"] }
            #expect(value("AWS_ROLE_ARN") == "arn:aws:iam::111122223333:role/spark")
            #expect(value("AWS_WEB_IDENTITY_TOKEN_FILE") == "/var/run/secrets/eks.amazonaws.com/serviceaccount/token")
            #expect(value("AWS_STS_REGIONAL_ENDPOINTS") == "regional")
            #expect(value("AWS_REGION") == "eu-west-1")
            #expect(value("AWS_DEFAULT_REGION") == "eu-west-1")
            #expect(container["volumeMounts"]?.arrayValue?.contains(["name": "aws-iam-token", "mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount", "readOnly": true]) == true)
        }
        let volume = mutation.patched[path: ["spec", "volumes"]]?.arrayValue?.first { $0["name"] == "aws-iam-token" }
        #expect(
            volume?["projected"] == [
                "defaultMode": 420,
                "sources": [["serviceAccountToken": ["audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": "token"]]],
            ])
        mutation.expectIdempotent(policy: policy)
    }

    @Test func namespaceOverridesApply() throws {
        let policy = try PolicyLoader.load(yaml: """
            namespaceOverrides:
              team-a:
                serviceAccount: spark-team-a
                rules: {app-isolation: false}
            """)
        let pod = try executor().with(["spec", "serviceAccountName"], "default")
        let inTeam = try Mutation(pod, namespace: "team-a", policy: policy)
        #expect(inTeam.patched[path: ["spec", "serviceAccountName"]] == "spark-team-a")
        #expect(inTeam.status(.appIsolation) == .skipped)
        #expect(inTeam.outcome(.appIsolation)?.reason == "disabled by policy")
        let elsewhere = try Mutation(pod, namespace: "other", policy: policy)
        #expect(elsewhere.patched[path: ["spec", "serviceAccountName"]] == "spark")
        #expect(elsewhere.status(.appIsolation) == .applied)
    }

    @Test func excludedNamespaceIsUntouched() throws {
        let decision = Mutator.decide(pod: try executor(), namespace: "kube-system", policy: Policy())
        #expect(decision.patch.isEmpty)
        #expect(decision.reason?.contains("not covered") == true)
    }

    @Test func auditModePatchesNothingButSaysWhat() throws {
        var policy = Policy()
        policy.mode = .audit
        let mutation = try Mutation(try executor(), policy: policy)
        #expect(mutation.decision.patch.isEmpty)
        #expect(mutation.decision.wouldPatch == Mutator.decide(pod: try executor(), namespace: "spark", policy: Policy()).patch)
        #expect(
            mutation.decision.warnings == [
                "spark-conform audit mode: zone-colocation would apply: required podAffinity to driver of spark-4eee1c3004c44079a286f29…",
                "spark-conform audit mode: app-isolation would apply: required podAntiAffinity to other applications' executors by kube…",
                "spark-conform audit mode: node-lifecycle would apply: nodeSelector node-lifecycle=spot; toleration spot=true:NoSchedule",
                "spark-conform audit mode: local-dirs would apply: spark-local-dir-1 emptyDir -> hostPath /pv-disks/local; init contain…",
            ])
        #expect(mutation.decision.warnings.allSatisfy { $0.count < 120 })
    }

    @Test func invalidAppIDIsNotWrittenIntoASelector() throws {
        let pod = try executor().with(["metadata", "labels", "spark-app-selector"], "not a valid/label")
        let mutation = try Mutation(pod)
        #expect(mutation.status(.zoneColocation) == .skipped)
        #expect(mutation.status(.appIsolation) == .skipped)
    }
}
