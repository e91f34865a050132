import AuditJSON
import Foundation
import PodSecurity
import YAMLKit

/// A Kubernetes object of a kind Pod Security Admission judges, read from a manifest, with its pod spec
/// (the pod's own, or the controller's template) known to be there.
public struct ManifestWorkload: @unchecked Sendable {
    public var location: ManifestLocation
    public var kind: WorkloadKind
    /// The object as JSON (an item of a typed list such as a PodList may have no `kind` of its own).
    public var object: JSONNode
    /// The object's `apiVersion` (its list's for an item without one; empty when none is written).
    public var apiVersion: String
    /// `metadata.name`, else `metadata.generateName`.
    public var name: String
    /// `metadata.namespace`, nil when the manifest leaves it to the command line.
    public var namespace: String?
}

/// What one object of a manifest is.
public enum ManifestItem: @unchecked Sendable {
    /// An object of a judged kind.
    case workload(ManifestWorkload)
    /// An object of another kind (a Service, a ConfigMap, a custom resource …): counted, not judged.
    case otherKind(String, ManifestLocation)
    /// A document or object that cannot be judged, or an input that cannot be read.
    case invalid(ManifestError)
}

/// Reads manifests: multi-document YAML (through YAMLKit), JSON (one object or a stream of them, through
/// AuditJSON), `List` and `<Kind>List` objects (their items), from files, directories (recursively) or
/// bytes read from standard input.
public struct ManifestReader: Sendable {
    /// The extensions a directory's files must have to be read (as kubectl's).
    public static let extensions = ["yaml", "yml", "json"]
    /// Inputs larger than this are refused (a file or standard input is read whole).
    public var maxInputBytes: Int
    /// The deepest nesting of `List` objects inside `List` objects.
    public static let maxListDepth = 8

    public init(maxInputBytes: Int = 64 << 20) { self.maxInputBytes = maxInputBytes }

    /// The files a `-f` path names, in the order they are read: a file as is (whatever its name), a
    /// directory's `.yaml`, `.yml` and `.json` files recursively, in sorted order (entries whose name starts
    /// with `.`, such as `.git`, are skipped, and symbolic links to directories are not followed).
    /// Throws when the path does not exist or a directory holds no such file.
    public static func files(for path: String) throws(ManifestError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError(file: path, message: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        var files: [String] = []
        try walk(path, into: &files)
        guard !files.isEmpty else {
            throw ManifestError(file: path, message: "the directory holds no .yaml, .yml or .json file")
        }
        return files
    }

    private static func walk(_ directory: String, into files: inout [String]) throws(ManifestError) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ManifestError(file: directory, message: "cannot list the directory: \(error.localizedDescription)")
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !name.hasPrefix(".") {
            let path = base + name
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(path, into: &files)
            case S_IFREG, S_IFLNK:
                let ext = (name as NSString).pathExtension
                guard extensions.contains(ext) else { continue }
                if status.st_mode & S_IFMT == S_IFLNK {
                    // A link to a file is read; a link to a directory (or a dangling link) is not followed.
                    var target = stat()
                    guard stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFREG else { continue }
                }
                files.append(path)
            default:
                continue
            }
        }
    }

    /// Reads a file; every object (or error) goes to `body`, in order.
    public func read(file path: String, body: (ManifestItem) -> Void) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.isReadableFile(atPath: path) ? "cannot open it" : "permission denied"
            body(.invalid(ManifestError(file: path, message: "cannot read the file: \(reason)")))
            return
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maxInputBytes + 1) ?? Data() } catch {
            body(.invalid(ManifestError(file: path, message: "cannot read the file: \(error.localizedDescription)")))
            return
        }
        // By extension; a file of another name (given by -f) is sniffed as standard input is.
        let ext = (path as NSString).pathExtension
        read(data: data, name: path, json: ext == "json" ? true : ext == "yaml" || ext == "yml" ? false : nil, body: body)
    }

    /// Reads bytes already in memory (standard input): JSON when `json` says so, else when the first
    /// non-blank character is `{`, else YAML.
    public func read(data: Data, name: String, json: Bool? = nil, body: (ManifestItem) -> Void) {
        guard data.count <= maxInputBytes else {
            body(.invalid(ManifestError(file: name, message: "larger than \(maxInputBytes) bytes (--max-input-bytes)")))
            return
        }
        guard var text = String(data: data, encoding: .utf8) else {
            body(.invalid(ManifestError(file: name, message: "not UTF-8 text")))
            return
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let isJSON = json ?? ManifestDocuments.looksLikeJSON(text)
        let documents = isJSON ? ManifestDocuments.json(text) : ManifestDocuments.yaml(text)
        var number = 0
        for document in documents {
            number += 1
            let location = ManifestLocation(file: name, document: number, line: document.line, helmSource: document.helmSource)
            if isJSON {
                let root: JSONNode
                do { root = try JSONDocument(parsing: document.text.utf8).root } catch {
                    body(.invalid(ManifestError(file: name, location: location, message: "not JSON: \(error)")))
                    continue
                }
                objects(in: root, at: location, body: body)
                continue
            }
            // Comments and blanks only: an empty document, nothing to parse.
            if ManifestDocuments.isBlank(document.text) { continue }
            let nodes: [YAMLNode]
            do { nodes = try YAML.parseDocuments(String(document.text)) } catch {
                var shifted = error
                shifted.line += document.line - 1
                body(.invalid(ManifestError(file: name, location: location, message: "not YAML: \(shifted)")))
                continue
            }
            // An empty document (only comments) is no object; `--- {…}` lines can hold more than one.
            for (offset, node) in nodes.enumerated() {
                if offset > 0 { number += 1 }
                var here = location
                here.document = number
                if case .scalar(let scalar) = node, scalar.isPlain, scalar.value.isEmpty { continue }
                let root: JSONNode
                do {
                    let text = try YAMLToJSON.text(of: node, limit: maxInputBytes)
                    root = try JSONDocument(parsing: text).root
                } catch let failure as YAMLToJSON.Failure {
                    body(.invalid(ManifestError(file: name, location: here,
                                                message: "\(failure.message) (line \(failure.line + document.line - 1))")))
                    continue
                } catch {
                    body(.invalid(ManifestError(file: name, location: here, message: "cannot be read as JSON: \(error)")))
                    continue
                }
                objects(in: root, at: here, body: body)
            }
        }
    }

    /// The objects of one document: the document itself, or the items of a list.
    private func objects(in root: JSONNode, at location: ManifestLocation, itemKind: String? = nil,
                         itemAPIVersion: String? = nil, body: (ManifestItem) -> Void) {
        func invalid(_ message: String) { body(.invalid(ManifestError(file: location.file, location: location, message: message))) }
        // A document holding only `null` (or `~`) is empty, as one holding only comments.
        if root.kind == .null && location.items.isEmpty { return }
        guard root.kind == .object else {
            invalid("not a Kubernetes object but a JSON \(root.kind == .null ? "null" : "\(root.kind)")")
            return
        }
        var kind = root["kind"]?.string ?? ""
        var apiVersion = root["apiVersion"]?.string ?? ""
        if let kindNode = root["kind"], kindNode.kind != .string, kindNode.kind != .null {
            invalid("its kind is a JSON \(kindNode.kind), not a string")
            return
        }
        // A typed list's items may leave out their kind (a PodList's items are Pods).
        if kind.isEmpty, let itemKind { kind = itemKind; if apiVersion.isEmpty { apiVersion = itemAPIVersion ?? "" } }
        guard !kind.isEmpty else {
            invalid("not a Kubernetes object: it has no kind")
            return
        }
        if kind == "List" || (kind.hasSuffix("List") && kind.count > 4 && root["items"] != nil) {
            guard location.items.count < Self.maxListDepth else {
                invalid("lists nest deeper than \(Self.maxListDepth) levels")
                return
            }
            let items = root["items"]
            guard items == nil || items?.kind == .array || items?.kind == .null else {
                invalid("the items of this \(kind) are a JSON \(items!.kind), not an array")
                return
            }
            let elementKind = kind == "List" ? nil : String(kind.dropLast(4))
            for (index, item) in (items?.elements ?? []).enumerated() {
                var here = location
                here.items.append(index + 1)
                objects(in: item, at: here, itemKind: elementKind, itemAPIVersion: apiVersion, body: body)
            }
            return
        }
        let group = apiVersion.contains("/") ? String(apiVersion[..<apiVersion.firstIndex(of: "/")!]) : ""
        guard let workloadKind = WorkloadKind(rawValue: kind), apiVersion.isEmpty || group == workloadKind.apiGroup else {
            // A judged kind in a built-in group that does not serve it is a mistake the API server would
            // refuse, not another kind: saying nothing would let it pass the gate. (A custom resource of the
            // same kind name in its own group, such as a batch.volcano.sh Job, is another kind.)
            if let known = WorkloadKind(rawValue: kind), ["", "apps", "batch", "extensions"].contains(group) {
                invalid(group == "extensions" ? "\(kind) in \(apiVersion) is not served since Kubernetes 1.16 (use \(known.apiVersion))"
                                              : "no \(kind) in \(apiVersion) (\(kind) is \(known.apiVersion))")
                return
            }
            body(.otherKind(kind, location))
            return
        }
        let metadata = root["metadata"]
        if let metadata, metadata.kind != .object, metadata.kind != .null {
            invalid("the metadata of this \(kind) is a JSON \(metadata.kind), not an object")
            return
        }
        let name = [metadata?["name"], metadata?["generateName"]].lazy.compactMap { $0?.string }.first { !$0.isEmpty }
        guard let name else {
            invalid("this \(kind) has no metadata.name")
            return
        }
        let namespace = metadata?["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        guard workloadKind.template(in: root) != nil else {
            let path = workloadKind.templatePath.joined(separator: ".")
            invalid("\(kind) \(name) has no pod template (\(path) is missing or not an object)")
            return
        }
        if workloadKind == .pod, root["spec"]?.kind != .object {
            invalid("Pod \(name) has no spec")
            return
        }
        body(.workload(ManifestWorkload(location: location, kind: workloadKind, object: root, apiVersion: apiVersion,
                                          name: name, namespace: namespace)))
    }
}
