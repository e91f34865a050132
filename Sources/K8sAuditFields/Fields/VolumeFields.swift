import AuditJSON

/// The custom-code volume fields: `ka.req.pod.volumes.volume_type` (§2.4.14) and the deprecated
/// `ka.req.volume.hostpath[K]` (§2.4.13, corrected to mean what its name says).
enum VolumeFields {
    static let volumeType = FieldSpec(
        name: "ka.req.pod.volumes.volume_type",
        description: "When the request object refers to a pod, all volume types",
        indexMode: .optionalNumeric
    ) { context throws(K8sEvaluationError) in
        guard let volumes = PodPaths.volumes.resolve(in: context) else { return .failure }
        var values = ValueAccumulator()
        var unreadable: JSONNode.Kind?
        JSONValues.visitChildren(of: volumes) { volume in
            switch volume.kind {
            case .object:
                for member in volume.members where !ByteText.equal(member.key, "name") {
                    values.append(K8sValue(classifying: member.key))
                }
            case .null: break
            case .array where volume.count == 0: break
            default: unreadable = volume.kind
            }
            return unreadable == nil
        }
        if let unreadable {
            // Upstream reads the member names of every volume and throws on anything else; kept as an
            // evaluation error (such events are not Kubernetes-shaped).
            throw K8sEvaluationError(message: "ka.req.pod.volumes.volume_type: a volume is a JSON \(unreadable), not an object")
        }
        return values.values
    }

    /// pspctl's correction: `true` iff some hostPath volume's path equals K, or, for `K*`, starts with K;
    /// else `false`. `<NA>` when the request has no volume list (like every pod field).
    static let hostPathByPattern = FieldSpec(
        name: "ka.req.volume.hostpath",
        description: "If the request object contains volume definitions, return true if a hostPath volume exists that mounts the specified path(s) from the host (...hostpath[/etc]=true if a volume mounts /etc from the host). The index can end in *, in which case any path starting with the text before the * matches (...hostpath[/usr/*] would match either /usr/local or /usr/bin). Only volumes of type hostPath are considered",
        indexMode: .optionalKey
    ) { index, _ in
        let pattern = Array((index ?? "").utf8)
        let isPrefix = pattern.last == UInt8(ascii: "*")
        let text = String(decoding: isPrefix ? pattern.dropLast() : pattern[...], as: UTF8.self)
        let hostPathPath = PointerPath("/hostPath/path")
        return { context in
            guard let volumes = PodPaths.volumes.resolve(in: context) else { return .failure }
            let found = JSONValues.containsChild(of: volumes) { volume in
                guard let path = hostPathPath.resolve(in: volume)?.string else { return false }
                return isPrefix ? ByteText.hasPrefix(path, text) : ByteText.equal(path, text)
            }
            return .one(.string(found ? "true" : "false"))
        }
    }
}
