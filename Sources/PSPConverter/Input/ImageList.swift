import YAMLKit

/// The `falco-rules-psp-images` annotation: a string holding a YAML flow list of image repositories.
/// falcoctl pasted the text unparsed, so a malformed value produced a rules file Falco could not load;
/// pspctl parses and validates it here.
enum ImageList {
    /// The repositories, or nil when the annotation is empty (the rules then apply to every image).
    static func parse(_ text: String, path: FieldPath) throws(PSPConversionError) -> [String]? {
        let example = "write it as a YAML list of image repositories, e.g. \"[nginx, docker.io/library/redis]\""
        guard text.contains(where: { !$0.isWhitespace }) else { return nil }
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(text)
        } catch {
            throw path.error("not a YAML list (\(error)): \(example)")
        }
        guard documents.count == 1, let items = documents[0].sequenceItems else {
            throw path.error("\"\(text)\" is not a list: \(example)")
        }
        guard !items.isEmpty else {
            throw path.error("the list is empty, so no rule could ever fire: list at least one image repository, or remove the annotation to check every image")
        }
        var images: [String] = []
        for (index, item) in items.enumerated() {
            guard let image = item.scalarText, !image.isEmpty, image.allSatisfy(isRepositoryCharacter) else {
                let shown = item.scalarText.map { "\"\($0)\"" } ?? "a nested collection"
                throw path.error("item \(index) (\(shown)) is not an image repository: \(example)")
            }
            images.append(image)
        }
        return images
    }

    /// Characters of a Docker image reference (repository, registry port, tag, digest).
    private static func isRepositoryCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "._/:@-".contains(c))
    }

    /// The repository part of an image reference, as Falco compares it (tag and digest dropped,
    /// registry kept; k8s-audit-fields.md §2.4.5).
    static func repository(of image: String) -> String {
        var prefix = "", rest = Substring(image)
        if let slash = image.firstIndex(of: "/") {
            prefix = String(image[...slash]); rest = image[image.index(after: slash)...]
        }
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return prefix + rest
    }
}
