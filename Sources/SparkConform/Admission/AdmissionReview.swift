import SparkConformJSON

/// Decoding of the AdmissionReview envelope and encoding of the response.
public struct AdmissionReview: Sendable {
    /// Echoed in the response (`admission.k8s.io/v1`, or `v1beta1`).
    public var apiVersion: String
    public var request: AdmissionRequest

    static let supportedVersions = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    /// Container and pod fields no rule reads (the rules only write their own
    /// init container's `command` and `resources`), and `managedFields`: the
    /// parser keeps them as checked bytes until something reads them.
    public static let deferredPodFields = JSONParser.DeferredKeys([
        "env", "envFrom", "args", "command", "ports", "resources", "livenessProbe", "readinessProbe", "startupProbe",
        "lifecycle", "managedFields", "status",
    ])

    public init(apiVersion: String = "admission.k8s.io/v1", request: AdmissionRequest) {
        self.apiVersion = apiVersion
        self.request = request
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws(AdmissionDecodingError) -> AdmissionReview {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, deferring: deferredPodFields)
        } catch {
            throw AdmissionDecodingError(message: "body is not valid JSON: \(error)")
        }
        return try decode(document)
    }

    public static func decode(_ document: JSONValue) throws(AdmissionDecodingError) -> AdmissionReview {
        guard document.objectValue != nil else {
            throw AdmissionDecodingError(message: "body must be a JSON object (an AdmissionReview), not \(document.typeName)")
        }
        guard document["kind"]?.stringValue == "AdmissionReview" else {
            throw AdmissionDecodingError(message: "kind must be \"AdmissionReview\", got \(describe(document["kind"]))")
        }
        guard let apiVersion = document["apiVersion"]?.stringValue, supportedVersions.contains(apiVersion) else {
            throw AdmissionDecodingError(
                message: "apiVersion must be admission.k8s.io/v1 (or v1beta1), got \(describe(document["apiVersion"]))")
        }
        guard let request = document["request"], !request.isNull else {
            throw AdmissionDecodingError(message: "AdmissionReview has no request")
        }
        guard request.objectValue != nil else {
            throw AdmissionDecodingError(message: "request must be an object, not \(request.typeName)")
        }
        guard let uid = request["uid"]?.stringValue, !uid.isEmpty else {
            throw AdmissionDecodingError(message: "request.uid is missing or not a string")
        }
        guard let kind = request["kind"], let kindName = kind["kind"]?.stringValue, let version = kind["version"]?.stringValue
        else {
            throw AdmissionDecodingError(message: "request.kind must have kind and version")
        }
        guard let operation = request["operation"]?.stringValue else {
            throw AdmissionDecodingError(message: "request.operation is missing or not a string")
        }
        let object = request["object"].flatMap { $0.isNull ? nil : $0 }
        return AdmissionReview(
            apiVersion: apiVersion,
            request: AdmissionRequest(
                uid: uid,
                kind: GroupVersionKind(group: kind["group"]?.stringValue ?? "", version: version, kind: kindName),
                operation: operation,
                namespace: request["namespace"]?.stringValue ?? "",
                name: request["name"]?.stringValue ?? "",
                object: object,
                dryRun: request["dryRun"]?.boolValue ?? false,
                username: request[path: ["userInfo", "username"]]?.stringValue))
    }

    private static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        if let string = value.stringValue { return "\"\(string)\"" }
        return value.typeName
    }

    /// The response the apiserver expects: uid echoed, a patch only when non-empty.
    /// Written straight to bytes, the base64 patch without an intermediate string:
    /// this is the one document the webhook writes for every pod.
    public func responseBytes(_ decision: Decision) -> [UInt8] {
        var out = ByteWriter(capacity: 512 + decision.sentPatch.count * 400)
        out.append(#"{"apiVersion":"#)
        JSONWriter.writeString(apiVersion, into: &out)
        out.append(#","kind":"AdmissionReview","response":{"uid":"#)
        JSONWriter.writeString(request.uid, into: &out)
        out.append(#","allowed":true"#)
        if !decision.sentPatch.isEmpty {
            var patch = ByteWriter(capacity: decision.sentPatch.count * 256)
            PatchOperation.writeDocument(decision.sentPatch, into: &patch)
            out.append(#","patchType":"JSONPatch","patch":""#)
            patch.withBytes { out.appendBase64($0) }
            out.append(UInt8(ascii: "\""))
        }
        if !decision.warnings.isEmpty {
            out.append(#","warnings":["#)
            for (index, warning) in decision.warnings.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(warning, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        let annotations = decision.auditAnnotations
        if !annotations.isEmpty {
            out.append(#","auditAnnotations":{"#)
            for (index, annotation) in annotations.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(annotation.key, into: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.writeString(annotation.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append("}}")
        return out.finish()
    }
}
