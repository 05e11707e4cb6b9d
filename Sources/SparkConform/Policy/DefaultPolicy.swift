/// The embedded default policy, written out with comments. `spark-conform
/// policy default` prints it; loading it gives exactly `Policy()`.
public enum DefaultPolicy {
    public static let yaml = """
        # spark-conform policy. Every field is optional: what is left out keeps
        # the value shown here (the embedded default, after the AWS blog
        # "Spark on EKS best practices").

        # enforce: patch pods. audit: compute and report, patch nothing.
        mode: enforce

        namespaces:
          include: []            # empty: every namespace
          exclude: [kube-system]

        # Pods may opt out with the annotations spark-conform.io/skip: "true"
        # and spark-conform.io/skip-rules: "app-isolation,local-dirs".
        allowPodOptOut: true

        # The Pod Security level of namespaces without a
        # pod-security.kubernetes.io/enforce label: the cluster default the
        # apiserver's AdmissionConfiguration sets. Labelled namespaces are told by
        # the webhook entry they match (the chart has one per level).
        podSecurity:
          defaultLevel: privileged   # privileged | baseline | restricted

        rules:
          # The blog's labels, added when missing: spark/app (the app's name) and
          # spark/component (driver | executor). A Fargate profile can then select
          # a plain spark-submit's executors. Off by default.
          app-labels:
            enabled: false
            appKey: spark/app
            componentKey: spark/component

          # Executors in the driver's Availability Zone (no cross-AZ shuffle).
          zone-colocation:
            enabled: true
            strength: required   # required | preferred
            weight: 100          # used when preferred
            topologyKey: topology.kubernetes.io/zone

          # An executor never shares a node with another application's executors.
          app-isolation:
            enabled: true
            strength: required
            weight: 100
            topologyKey: kubernetes.io/hostname

          # Driver on on-demand capacity, executors on Spot.
          node-lifecycle:
            enabled: true
            # The preset gives the node label and the Spot toleration:
            #   auto         any cluster: drivers require "not Spot" under each label below
            #                (NotIn: a node without the label passes), executors prefer
            #                Spot under each and tolerate each preset's Spot taint;
            #                drivers get karpenter.sh/do-not-disrupt: "true"
            #   eksctl       node-lifecycle: on-demand | spot, toleration spot=true:NoSchedule
            #   eks-managed  eks.amazonaws.com/capacityType: ON_DEMAND | SPOT
            #   karpenter    karpenter.sh/capacity-type: on-demand | spot, and drivers get
            #                karpenter.sh/do-not-disrupt: "true" (consolidation never evicts them)
            #   eks-auto     EKS Auto Mode: karpenter's, and eks.amazonaws.com/compute-type: auto
            #   custom       labelKey, onDemandValue and spotValue must be given
            # Every preset but auto requires its label: a pod stays Pending where no
            # node carries it.
            preset: auto
            # Each of these replaces the preset's value when given:
            # labelKey: node-lifecycle
            # onDemandValue: on-demand
            # spotValue: spot
            # spotToleration: {key: spot, value: "true", effect: NoSchedule}   # null: none
            preferSpot: false    # executors prefer Spot, fall back to on-demand
            preferSpotWeight: 100
            override: false      # replace a user's conflicting value

          # Spark on node groups of its own. Off by default; the blog's dedicated
          # node groups are labelled noderole=spark and tainted for Spark:
          #   driver:   {nodeSelector: {noderole: spark}, tolerations: [{key: noderole, value: spark, effect: NoSchedule}]}
          #   executor: {nodeSelector: {noderole: spark}, tolerations: [{key: noderole, value: spark, effect: NoSchedule}]}
          dedicated-nodes:
            enabled: false
            driver: {nodeSelector: {}, tolerations: []}
            executor: {nodeSelector: {}, tolerations: []}
            override: false      # replace a user's conflicting nodeSelector value

          # Spark's emptyDir local dirs become hostPath volumes on NVMe, made
          # writable for the Spark user by an init container.
          local-dirs:
            enabled: true
            roles: [executor]
            # hostPath (the blog's: NVMe host paths and a root init container),
            # ephemeral (a generic ephemeral volume from ephemeral.storageClass,
            # writable through fsGroup) or keep (leave the emptyDir). Unset, with
            # no hostPaths either, the node-lifecycle preset decides: eksctl (the
            # blog's nodes mount NVMe at /pv-disks/local) hostPath, every other
            # keep (no mount is known there; on Karpenter with instanceStorePolicy
            # RAID0 the emptyDir is already on NVMe).
            # mode: hostPath
            # Where the namespace's Pod Security level forbids hostPath:
            modeAtBaseline: keep     # ephemeral | keep
            modeAtRestricted: keep   # ephemeral | keep
            ephemeral: {size: 100Gi} # and storageClass: <a local-NVMe provisioner's class>
            # hostPaths: [/pv-disks/local]   # assigned round-robin; naming them means hostPath
            uid: 185
            gid: 185
            initContainer:
              image: public.ecr.aws/docker/library/busybox:1.36
              resources:
                requests: {cpu: 10m, memory: 16Mi}
                limits: {cpu: 100m, memory: 64Mi}

          # IRSA: pods on the namespace default service account get this one,
          # where it is known to exist (the apiserver refuses a pod whose account
          # does not): in the namespaces listed here ("*": every namespace), in a
          # namespace whose override names an account, or when the request comes
          # from that account itself (an executor created by a driver running as it).
          service-account:
            enabled: true
            roles: [driver, executor]
            name: spark
            existsIn: []
            roleArn: null        # set to inject the IRSA env and token volume
            region: null

        # Per namespace: mode, podSecurity, serviceAccount, roleArn, region, rules: {<rule>: false}
        namespaceOverrides: {}

        """
}
