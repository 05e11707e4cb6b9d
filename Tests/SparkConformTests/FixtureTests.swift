import SparkConform
import SparkConformTestSupport
import Testing

/// The four real Spark 3.5.3 pods through the default policy, asserted on the patched pod.
@Suite struct FixtureTests {
    static let spotToleration: JSONValue = ["key": "spot", "operator": "Equal", "value": "true", "effect": "NoSchedule"]

    static func zoneTerm(_ appID: String) -> JSONValue {
        [
            "labelSelector": ["matchLabels": ["spark-app-selector": .string(appID), "spark-role": "driver"]],
            "topologyKey": "topology.kubernetes.io/zone",
        ]
    }

    static func isolationTerm(_ appID: String) -> JSONValue {
        [
            "labelSelector": [
                "matchExpressions": [
                    ["key": "spark-app-selector", "operator": "NotIn", "values": [.string(appID)]],
                    ["key": "spark-role", "operator": "In", "values": ["executor"]],
                ]
            ],
            "topologyKey": "kubernetes.io/hostname",
        ]
    }

    static func permissionsContainer(mountPath: String) -> JSONValue {
        [
            "name": "volume-permissions",
            "image": "public.ecr.aws/docker/library/busybox:1.36",
            "imagePullPolicy": "IfNotPresent",
            "command": ["chown", "-R", "185:185", .string(mountPath)],
            "resources": ["requests": ["cpu": "10m", "memory": "16Mi"], "limits": ["cpu": "100m", "memory": "64Mi"]],
            "securityContext": [
                "runAsUser": 0, "runAsNonRoot": false, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                "privileged": false, "capabilities": ["drop": ["ALL"], "add": ["CHOWN", "DAC_READ_SEARCH"]],
            ],
            "volumeMounts": [["name": "spark-local-dir-1", "mountPath": .string(mountPath)]],
        ]
    }

    static let ruleFields: [[String]] = [
        ["spec", "affinity"], ["spec", "nodeSelector"], ["spec", "tolerations"], ["spec", "volumes"],
        ["spec", "initContainers"],
    ]

    @Test(arguments: Fixture.names)
    func everyFixtureIsIdempotentAndTouchesOnlyRuleFields(name: String) throws {
        let mutation = try Mutation(try Fixture.pod(name))
        #expect(!mutation.decision.patch.isEmpty)
        mutation.expectIdempotent()
        #expect(mutation.patched.removing(Self.ruleFields) == mutation.original.removing(Self.ruleFields))
        #expect(mutation.decision.outcomes.map(\.rule) == RuleID.allCases)
        #expect(mutation.decision.conflicts.isEmpty)
    }

    @Test func basicExecutor() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        let appID = try #require(PodView(pod).appID)
        let mutation = try Mutation(pod)
        let spec = try #require(mutation.patched["spec"])
        #expect(
            spec["affinity"] == [
                "podAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [Self.zoneTerm(appID)]],
                "podAntiAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [Self.isolationTerm(appID)]],
            ])
        #expect(spec["nodeSelector"] == ["node-lifecycle": "spot"])
        #expect(spec["tolerations"] == [Self.spotToleration])
        let localDir = spec["volumes"]?.arrayValue?.first { $0["name"] == "spark-local-dir-1" }
        #expect(localDir == ["name": "spark-local-dir-1", "hostPath": ["path": "/pv-disks/local", "type": "DirectoryOrCreate"]])
        #expect(spec["initContainers"] == [Self.permissionsContainer(mountPath: "/var/data/spark-9400f93f-1d2c-40cd-bbc8-155e22f211dd")])
        #expect(spec["serviceAccountName"] == "spark")
        #expect(mutation.status(.zoneColocation) == .applied)
        #expect(mutation.status(.appIsolation) == .applied)
        #expect(mutation.status(.nodeLifecycle) == .applied)
        #expect(mutation.status(.localDirs) == .applied)
        #expect(mutation.status(.serviceAccount) == .satisfied)
        // Absent parents are created by one add each; the volume source is swapped in place.
        #expect(
            mutation.paths == [
                "remove /spec/volumes/1/emptyDir", "add /spec/volumes/1/hostPath",
                "add /spec/affinity", "add /spec/nodeSelector", "add /spec/tolerations", "add /spec/initContainers",
            ])
    }

    @Test func basicDriver() throws {
        let mutation = try Mutation(try Fixture.pod("spark-3.5.3-driver-basic"))
        #expect(mutation.patched["spec"]?["nodeSelector"] == ["node-lifecycle": "on-demand"])
        #expect(mutation.patched["spec"]?["affinity"] == nil)
        #expect(mutation.patched["spec"]?["tolerations"] == nil)
        #expect(mutation.patched["spec"]?["volumes"] == mutation.original["spec"]?["volumes"])
        #expect(mutation.paths == ["add /spec/nodeSelector"])
        #expect(mutation.status(.zoneColocation) == .skipped)
        #expect(mutation.status(.appIsolation) == .skipped)
        #expect(mutation.status(.nodeLifecycle) == .applied)
        #expect(mutation.status(.localDirs) == .skipped)
        #expect(mutation.status(.serviceAccount) == .satisfied)
    }

    @Test func blogDriverKeepsItsNodeSelector() throws {
        let mutation = try Mutation(try Fixture.pod("spark-3.5.3-driver-hostpath"))
        #expect(
            mutation.patched["spec"]?["nodeSelector"] == ["eks.amazonaws.com/nodegroup": "spark-nvme", "node-lifecycle": "on-demand"])
        #expect(mutation.paths == ["add /spec/nodeSelector/node-lifecycle"])
    }

    @Test func blogExecutorKeepsUserHostPathAndGetsPermissions() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-hostpath")
        let mutation = try Mutation(pod)
        let spec = try #require(mutation.patched["spec"])
        #expect(spec["volumes"] == pod["spec"]?["volumes"])
        #expect(spec["initContainers"] == [Self.permissionsContainer(mountPath: "/tmp/spark")])
        #expect(spec["nodeSelector"] == ["eks.amazonaws.com/nodegroup": "spark-nvme", "node-lifecycle": "spot"])
        #expect(mutation.status(.localDirs) == .applied)
        #expect(mutation.outcome(.localDirs)?.reason.contains("/tmp/spark") == true)
    }
}
