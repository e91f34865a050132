import Foundation
import TestSupport
import XCTest
import YAMLKit

/// The files under `docker/`, read the way the checks need them.
enum Deployment {
    static var dockerDirectory: URL { Pspctl.packageRoot.appendingPathComponent("docker") }
    static var kubernetesDirectory: URL { dockerDirectory.appendingPathComponent("kubernetes") }

    /// The two services: their Dockerfile, the binary it builds, and the ports the manifests use.
    struct Service {
        var product: String
        var grpcPort: Int
        var httpPort: Int
        var dockerfile: URL { Deployment.dockerDirectory.appendingPathComponent("\(product).Dockerfile") }
    }
    static let services = [
        Service(product: "ConverterService", grpcPort: 50051, httpPort: 9090),
        Service(product: "EvaluatorService", grpcPort: 50052, httpPort: 9091),
    ]

    /// The image's user and group (Dockerfile `USER`, pod `runAsUser`/`runAsGroup`, compose `user`).
    static let userID = 10001

    /// Every Kubernetes manifest (each `*.yaml` of docker/kubernetes but the kustomization), sorted.
    static func manifestFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: kubernetesDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" && $0.lastPathComponent != "kustomization.yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// One Kubernetes object of a manifest file, as YAML nodes and as the JSON the API server would store.
    struct Object {
        var file: String
        var node: YAMLNode
        var json: [String: Any]
        var kind: String { json["kind"] as? String ?? "" }
        var name: String { (json["metadata"] as? [String: Any])?["name"] as? String ?? "" }
        var namespace: String? { (json["metadata"] as? [String: Any])?["namespace"] as? String }
        var apiVersion: String { json["apiVersion"] as? String ?? "" }
    }

    static func objects(in file: URL) throws -> [Object] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try YAML.parseDocuments(text).compactMap { document in
            let json = try KubernetesJSON.value(of: document)
            guard let object = json as? [String: Any] else { return nil }   // an empty document
            return Object(file: file.lastPathComponent, node: document, json: object)
        }
    }

    static func allObjects() throws -> [Object] {
        try manifestFiles().flatMap { try objects(in: $0) }
    }

    /// The kinds whose objects carry a pod template, and the REST resource and API group of each.
    static let workloadResources: [String: (resource: String, group: String)] = [
        "Pod": ("pods", ""), "Deployment": ("deployments", "apps"), "StatefulSet": ("statefulsets", "apps"),
        "DaemonSet": ("daemonsets", "apps"), "ReplicaSet": ("replicasets", "apps"),
        "Job": ("jobs", "batch"), "CronJob": ("cronjobs", "batch"),
    ]
}

/// YAML → JSON values for Kubernetes manifests: YAML 1.1 resolution of plain scalars as sigs.k8s.io/yaml
/// does for the forms these manifests use (booleans, integers, null); quoted scalars stay strings.
enum KubernetesJSON {
    struct Unsupported: Error, CustomStringConvertible {
        var text: String
        var line: Int
        var description: String { "line \(line): plain scalar \(text) would be typed differently by Kubernetes; quote it or write it plainly" }
    }

    static func value(of node: YAMLNode) throws -> Any {
        switch node {
        case .mapping(let pairs, _):
            var object: [String: Any] = [:]
            for pair in pairs { object[pair.key.scalarText ?? ""] = try value(of: pair.value) }
            return object
        case .sequence(let items, _):
            return try items.map { try value(of: $0) }
        case .scalar(let scalar):
            guard scalar.isPlain else { return scalar.value }
            let text = scalar.value
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            case "", "~", "null", "Null", "NULL": return NSNull()
            default: break
            }
            if text.range(of: #"^[-+]?(0|[1-9][0-9]*)$"#, options: .regularExpression) != nil, let int = Int(text) {
                return int
            }
            // Forms YAML 1.1 types but that these checks do not model: octal, yes/no/on/off, floats.
            if text.range(of: #"^([-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|(?i:yes|no|on|off|y|n)|[-+]?[0-9]*\.[0-9]+([eE][-+]?[0-9]+)?)$"#,
                          options: .regularExpression) != nil {
                throw Unsupported(text: text, line: scalar.mark.line)
            }
            return text
        }
    }

    static func line(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// A Dockerfile as instructions grouped by build stage (continuation lines joined, comments dropped).
struct Dockerfile {
    struct Instruction {
        var keyword: String   // upper case
        var arguments: String
    }
    struct Stage {
        var name: String?
        var baseImage: String
        var instructions: [Instruction]

        var runCommands: [String] { instructions.filter { $0.keyword == "RUN" }.map(\.arguments) }

        /// Every package an `apt-get install` of this stage names.
        var aptInstalledPackages: Set<String> {
            var packages = Set<String>()
            for run in runCommands {
                for command in run.components(separatedBy: "&&").flatMap({ $0.components(separatedBy: ";") }) {
                    let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                    guard let apt = words.firstIndex(where: { $0 == "apt-get" || $0 == "apt" }),
                          let install = words[apt...].firstIndex(of: "install") else { continue }
                    for word in words[(install + 1)...] where !word.hasPrefix("-") {
                        packages.insert(word.split(separator: "=").first.map(String.init) ?? word)
                    }
                }
            }
            return packages
        }
    }

    var stages: [Stage]

    init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var logical: [String] = []
        var current = ""
        for raw in text.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if line.hasSuffix("\\") {
                current += String(line.dropLast()) + " "
            } else {
                current += line
                if !current.trimmingCharacters(in: .whitespaces).isEmpty { logical.append(current) }
                current = ""
            }
        }
        var stages: [Stage] = []
        for line in logical {
            let keyword = String(line.prefix { !$0.isWhitespace }).uppercased()
            let arguments = line.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
            if keyword == "FROM" {
                let words = arguments.split(separator: " ").map(String.init).filter { !$0.hasPrefix("--") }
                let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2] : nil
                stages.append(Stage(name: name, baseImage: words.first ?? "", instructions: []))
            } else if !stages.isEmpty {
                stages[stages.count - 1].instructions.append(Instruction(keyword: keyword, arguments: arguments))
            }
        }
        self.stages = stages
    }

    /// The stage the image is: the last one.
    var runtime: Stage? { stages.last }
}

/// Runs a command-line tool found on PATH (or in the scripts folder of `python3`'s pip installs).
enum Tool {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    static func path(_ name: String) -> String? {
        var folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        if let scripts = try? run("/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"]),
           scripts.status == 0 {
            folders.append(scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for folder in folders where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not installed: run scripts/install-deps.sh" }
    }

    /// The tool's path; a missing tool fails the test (CI installs every one).
    static func require(_ name: String) throws -> String {
        guard let found = path(name) else { throw Missing(name: name) }
        return found
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], currentDirectory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
