import Foundation
import RulesEngine

/// Reads `--rules` paths into (name, text) files in load order, as `RulesEngine.load(path:)` does: a
/// directory gives every regular file in it, sorted by path. Embedded and remote runs read rules files
/// with it, so a file that cannot be read gives the same message at the same point.
public enum RulesFileReader {
    public struct File: Sendable, Equatable {
        public var name: String
        public var text: String
        public init(name: String, text: String) { self.name = name; self.text = text }
    }

    /// Calls `body` with each file in order; throws the read error of a file that cannot be read (a
    /// `RulesLoadError` whose description is the engine's message) when it is reached.
    public static func forEachFile(_ paths: [String], _ body: (File) throws -> Void) throws {
        for path in paths { try read(path, body) }
    }

    private static func read(_ path: String, _ body: (File) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RulesLoadError(file: path, message: "Could not open rules filename \(path) for reading: no such file",
                                 context: nil, isReadError: true)
        }
        if isDirectory.boolValue {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for entry in entries.map({ path + "/" + $0 }).sorted() {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: entry, isDirectory: &isDir), !isDir.boolValue {
                    try read(entry, body)
                }
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RulesLoadError(file: path, message: "Could not open rules filename \(path) for reading", context: nil,
                                 isReadError: true)
        }
        try body(File(name: path, text: String(decoding: data, as: UTF8.self)))
    }
}
