/// Images and image repositories of the pod's containers (§2.4.5). Any examined container without a
/// string `image` makes the whole field `<NA>`.
enum ContainerImageFields {
    static let specs: [FieldSpec] = [
        field("ka.req.pod.containers.image", "When the request object refers to a container, the container's images.",
              index: .optionalNumeric, firstContainerOnly: false, repositoryOnly: false),
        field("ka.req.container.image", "When the request object refers to a container, the container's image. (Deprecated, use ka.req.pod.containers.image instead)",
              index: .none, firstContainerOnly: true, repositoryOnly: false),
        field("ka.req.pod.containers.image.repository", "The same as req.container.image, but only the repository part (e.g. falcosecurity/falco).",
              index: .optionalNumeric, firstContainerOnly: false, repositoryOnly: true),
        field("ka.req.container.image.repository", "The same as req.container.image, but only the repository part (e.g. falcosecurity/falco). (Deprecated, use ka.req.pod.containers.image.repository instead)",
              index: .none, firstContainerOnly: true, repositoryOnly: true),
    ]

    private static func field(_ name: String, _ description: String, index: K8sIndexMode,
                              firstContainerOnly: Bool, repositoryOnly: Bool) -> FieldSpec {
        FieldSpec(name: name, description: description, indexMode: index) { context in
            guard let containers = PodPaths.containers.resolve(in: context) else { return .failure }
            var values = ValueAccumulator()
            var everyImageIsAString = true
            JSONValues.visitChildren(of: containers) { container in
                guard let image = container["image"]?.string else { everyImageIsAString = false; return false }
                values.append(K8sValue(classifying: repositoryOnly ? repository(of: image) : image))
                return !firstContainerOnly
            }
            return everyImageIsAString ? values.values : .failure
        }
    }

    /// libsinsp's `split_container_image` with the registry prefix kept: everything up to the first `/`
    /// stays; after it, the digest (`@…`) and then the tag (`:…`) are cut. No normalisation.
    static func repository(of image: String) -> String {
        let bytes = Array(image.utf8)
        let restStart = bytes.firstIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        var rest = bytes[restStart...]
        if let at = rest.firstIndex(of: UInt8(ascii: "@")) { rest = rest[..<at] }
        if let colon = rest.firstIndex(of: UInt8(ascii: ":")) { rest = rest[..<colon] }
        return String(decoding: bytes[..<restStart] + rest, as: UTF8.self)
    }
}
