import Foundation

/// Temporary files for tests: every directory is made under one root per test process, and the root is
/// removed when the process exits, so test runs leave nothing behind in the system's temporary directory.
public enum ScratchDirectory {
    private static let root: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pspctl-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.root) }
        return url
    }()

    /// A fresh, empty directory.
    public static func make() throws -> URL {
        let url = root.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
