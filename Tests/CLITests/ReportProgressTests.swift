import Foundation
import PolicyReport
import TestSupport
import XCTest

/// The progress line `pspctl report` draws on a terminal's stderr: its text as a unit, nothing at all when
/// stderr is not a terminal, and on a terminal (a pseudo-terminal from util-linux `script`) drawn while the
/// log is read and erased before the report.
final class ReportProgressTests: XCTestCase {
    func testLineWithAKnownSize() {
        var progress = ReadProgress(label: "pspctl report", unit: "lines", totalBytes: 1 << 30)
        progress.items = 1_204_551
        progress.bytes = 389_234_688   // 371.2 MiB, 36.25 %
        XCTAssertEqual(progress.text(columns: 120),
                       "pspctl report: [███████░░░░░░░░░░░░░]  36%  371.2 MiB of 1.0 GiB, 1,204,551 lines")
        progress.bytes = 1 << 30
        progress.items = 1
        XCTAssertEqual(progress.text(columns: 120),
                       "pspctl report: [████████████████████] 100%  1.0 GiB of 1.0 GiB, 1 line")
        progress.bytes = 0
        progress.items = 0
        XCTAssertEqual(progress.text(columns: 120),
                       "pspctl report: [░░░░░░░░░░░░░░░░░░░░]   0%  0 B of 1.0 GiB, 0 lines")
        // A file that grew while read never shows more than 100 %.
        progress.bytes = 2 << 30
        XCTAssertTrue(progress.text(columns: 120).hasPrefix("pspctl report: [████████████████████] 100%  1.0 GiB of 1.0 GiB"))
    }

    func testLineWithoutASize() {
        var progress = ReadProgress(label: "pspctl check", unit: "documents", totalBytes: nil)
        progress.items = 40_112
        progress.bytes = 13_107_200
        XCTAssertEqual(progress.text(), "pspctl check: 12.5 MiB, 40,112 documents")
        progress.items = 999
        progress.bytes = 1023
        XCTAssertEqual(progress.text(), "pspctl check: 1023 B, 999 documents")
        // An empty file has no size to measure against.
        XCTAssertNil(ReadProgress(label: "x", unit: "lines", totalBytes: 0).totalBytes)
    }

    /// Never as wide as the terminal: a wrapped line could not be erased with a carriage return.
    func testLineFitsTheTerminal() {
        var progress = ReadProgress(label: "pspctl report", unit: "lines", totalBytes: 5 << 20)
        progress.items = 123_456_789
        progress.bytes = 1 << 20
        for columns in [1, 10, 40, 79, 80, 200] {
            let text = progress.text(columns: columns)
            XCTAssertLessThanOrEqual(text.count, max(columns - 1, 1), "\(columns): \(text)")
            XCTAssertTrue("pspctl report: [████░░░░░░░░░░░░░░░░]  20%  1.0 MiB of 5.0 MiB, 123,456,789 lines".hasPrefix(text), text)
        }
    }

    /// A shell command that sends a log of 1,000 pod creates to `pspctl report` on standard input in two
    /// halves, 0.5 s apart: a terminal run draws the line while it waits, on a slow machine or a fast one.
    static func slowInputCommand(_ extra: String) throws -> String {
        let spec = ReportTests.podSpec([ReportTests.plain])
        let line = ReportTests.event(verb: "create", resource: "pods", namespace: "ns", name: "p",
                                     object: ReportTests.pod(name: "p", namespace: "ns", spec: spec), user: "u",
                                     time: "2024-05-14T10:00:00Z")
        let half = try Pspctl.temporaryFile(String(repeating: line + "\n", count: 500), suffix: ".jsonl")
        return "(cat \(half); sleep 0.5; cat \(half)) | \(Pspctl.executable.path) report --audit-log - "
            + "--policy pss:restricted:latest --format json \(extra)"
    }

    /// Runs `command` with `sh -c`, or under `script` (stdout and stderr a pseudo-terminal, merged).
    static func shell(_ command: String, terminal: Bool) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        if terminal {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")   // util-linux (Debian's bsdutils, essential)
            process.arguments = ["-qec", command, "/dev/null"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errorData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errorData = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    func testNoProgressWhenStderrIsNotATerminal() throws {
        let result = try Self.shell(try Self.slowInputCommand(""), terminal: false)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "nothing on stderr but warnings and errors when it is not a terminal")
        XCTAssertTrue(result.stdout.hasPrefix("{"), result.stdout)
    }

    /// Under `script` the line is drawn, then erased, and the report starts after the last erase; with
    /// --quiet nothing is drawn.
    func testProgressOnATerminalIsErasedBeforeTheReport() throws {
        let shown = try Self.shell(try Self.slowInputCommand(""), terminal: true)
        XCTAssertEqual(shown.status, 0, shown.stdout)
        let erase = "\r\u{1B}[K"
        XCTAssertTrue(shown.stdout.contains(erase + "pspctl report: "), "no progress line drawn:\n\(shown.stdout.prefix(300))")
        XCTAssertTrue(shown.stdout.contains(" lines"), String(shown.stdout.prefix(300)))
        let lastErase = try XCTUnwrap(shown.stdout.range(of: erase, options: .backwards))
        let json = try XCTUnwrap(shown.stdout.range(of: "{"))
        XCTAssertLessThan(lastErase.lowerBound, json.lowerBound, "the line is erased before the report")
        XCTAssertFalse(shown.stdout[lastErase.upperBound...].contains("pspctl report: "), "nothing drawn after the report starts")

        let quiet = try Self.shell(try Self.slowInputCommand("--quiet"), terminal: true)
        XCTAssertEqual(quiet.status, 0, quiet.stdout)
        XCTAssertTrue(quiet.stdout.contains("\"requests\" : 1000"), String(quiet.stdout.prefix(300)))
        XCTAssertFalse(quiet.stdout.contains("pspctl report: "), String(quiet.stdout.prefix(300)))
        XCTAssertFalse(quiet.stdout.contains(erase))
    }

    /// `pspctl check` counts documents: 300 from a file, then 300 more on standard input after 0.5 s.
    func testCheckShowsDocumentsOnATerminal() throws {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n"
        let part = try Pspctl.temporaryFile(String(repeating: pod + "---\n", count: 300), suffix: ".yaml")
        let command = "(sleep 0.5; cat \(part)) | \(Pspctl.executable.path) check -f \(part) -f - --policy pss:baseline:latest --format json"
        let shown = try Self.shell(command, terminal: true)
        XCTAssertEqual(shown.status, 0, String(shown.stdout.prefix(300)))
        let erase = "\r\u{1B}[K"
        XCTAssertTrue(shown.stdout.contains(erase + "pspctl check: "), "no progress line drawn:\n\(shown.stdout.prefix(300))")
        XCTAssertTrue(shown.stdout.contains(" documents"), String(shown.stdout.prefix(300)))
        let lastErase = try XCTUnwrap(shown.stdout.range(of: erase, options: .backwards))
        let json = try XCTUnwrap(shown.stdout.range(of: "{"))
        XCTAssertLessThan(lastErase.lowerBound, json.lowerBound, "the line is erased before the report")
        let plain = try Self.shell(command, terminal: false)
        XCTAssertEqual(plain.stderr, "", "nothing when stderr is not a terminal")
    }
}
