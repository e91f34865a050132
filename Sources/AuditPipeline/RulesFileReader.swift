import Foundation
import RulesEngine

/// Reads `--rules` paths into (name, text) files in load order with `RulesEngine.load(path:)`'s own walk: a
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
        for path in paths {
            for file in try RulesEngine.rulesFilePaths(path) {
                try body(File(name: file, text: RulesEngine.readRulesFile(file)))
            }
        }
    }
}
