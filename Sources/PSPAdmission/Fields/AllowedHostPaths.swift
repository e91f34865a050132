import PodSecurity
import PSPConverter

// allowedHostPaths (an empty list admits any path): a hostPath volume's path must equal or lie under some
// prefix, segment by segment (`/foo` admits `/foo` and `/foo/bar`, not `/food`; one trailing `/` is ignored on
// both sides). When every matching entry is readOnly, each mount of the volume must be read-only.
extension Validation {
    mutating func validateHostPath(_ volume: Volume, path volumePath: FieldPath) {
        guard !policy.allowedHostPaths.isEmpty else { return }
        let hostPath = volume.hostPath ?? ""
        let matching = policy.allowedHostPaths.filter { Self.hasPathPrefix(hostPath, $0.pathPrefix) }
        guard !matching.isEmpty else {
            add("allowedHostPaths", [.invalid(volumePath.child("hostPath").child("pathPrefix"), .string(hostPath),
                                              "is not allowed to be used")])
            return
        }
        guard matching.allSatisfy(\.readOnly) else { return }
        for (container, containerPath) in pod.spec.visitedContainers {
            for (index, mount) in container.volumeMounts.enumerated() where mount.name == volume.name && !mount.readOnly {
                add("allowedHostPaths", [.invalid(containerPath.child("volumeMounts").index(index).child("readOnly"),
                                                  .bool(false), "must be read-only")])
            }
        }
    }

    static func hasPathPrefix(_ path: String, _ prefix: String) -> Bool {
        let path = path.hasSuffix("/") ? String(path.dropLast()) : path
        let prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        guard path.utf8.starts(with: prefix.utf8) else { return false }
        let rest = path.utf8.dropFirst(prefix.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }
}
