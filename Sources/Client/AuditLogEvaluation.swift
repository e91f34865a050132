import Foundation
import K8sAuditFields
import RulesEngine

/// Streams an audit log through the engine: one document per line, alerts written as they are found.
struct AuditLogEvaluation {
    let engine: RulesEngine
    let formatter: AlertFormatter
    let keepGoing: Bool
    let allMatches: Bool

    private(set) var lines = 0
    private(set) var events = 0
    private(set) var rejectedLines = 0
    /// Alerts per rule, indexed like `engine.rules`.
    private var alertsByRule: [Int]
    private var alerts = 0
    private var out = OutputBuffer(fileDescriptor: 1)
    private var progress: ProgressLine?

    /// `showProgress`: keep a live count on stderr (only worth it, and only done, on a terminal).
    init(engine: RulesEngine, formatter: AlertFormatter, keepGoing: Bool, allMatches: Bool, showProgress: Bool) {
        self.engine = engine; self.formatter = formatter; self.keepGoing = keepGoing; self.allMatches = allMatches
        alertsByRule = Array(repeating: 0, count: engine.rules.count)
        progress = showProgress && isatty(2) == 1 ? ProgressLine() : nil
    }

    /// Returns false when a bad line stopped the run (without --keep-going).
    mutating func run(_ reader: AuditLogReader) -> Bool {
        var stopped = false
        reader.forEachLine { line, lineNumber in
            lines = lineNumber
            if Self.isBlank(line) { return true }
            do {
                let docEvents = try K8sAuditDocument.events(from: line)
                for event in docEvents {
                    events += 1
                    let context = K8sEventContext(event: event)
                    do {
                        try engine.forEachMatch(for: context, allMatches: allMatches) { index, rule in
                            out.writeAlert(formatter, rule, context)
                            alerts += 1
                            alertsByRule[index] += 1
                        }
                    } catch {
                        return reject(line: line, number: lineNumber, reason: "unknown error processing audit event (\(error))")
                    }
                }
            } catch {
                return reject(line: line, number: lineNumber, reason: "\(error)")
            }
            return true
        } onChunkEnd: {
            out.flush()
            progress?.update("\(lines) lines, \(events) events, \(alerts) alerts")
        } onReadError: { message in
            out.flush()
            FileHandle.standardError.write(Data("pspctl watch: \(message)\n".utf8))
            stopped = true
        }
        out.flush()
        progress?.clear()
        return !stopped && !(rejectedLines > 0 && !keepGoing)
    }

    /// Reports a bad line; returns whether to continue.
    private mutating func reject<Line: Collection>(line: Line, number: Int, reason: String) -> Bool where Line.Element == UInt8 {
        rejectedLines += 1
        out.flush()
        progress?.clear()
        var shown = String(decoding: line.prefix(300), as: UTF8.self)
        if line.count > 300 { shown += "…" }
        let suffix = keepGoing ? ", skipping" : ", stopping"
        FileHandle.standardError.write(Data("pspctl watch: Could not read k8s audit event line #\(number), \"\(shown)\": \(reason)\(suffix)\n".utf8))
        return keepGoing
    }

    private static func isBlank<Line: Collection>(_ line: Line) -> Bool where Line.Element == UInt8 {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || $0 == 0x0B || $0 == 0x0C }
    }

    func printSummary(verbose: Bool) {
        var text = "pspctl watch: \(lines) lines, \(events) events, \(alerts) alerts"
        if rejectedLines > 0 { text += ", \(rejectedLines) rejected lines" }
        text += "\n"
        if verbose {
            // Falco's end-of-run statistics; severities keyed by the priority as written in the rules file.
            var bySeverity: [String: Int] = [:]
            var byRule: [(String, Int)] = []
            for (index, count) in alertsByRule.enumerated() where count > 0 {
                bySeverity[engine.rules[index].prioritySpelling, default: 0] += count
                byRule.append((engine.rules[index].name, count))
            }
            text += "Events detected: \(alerts)\nRule counts by severity:\n"
            for (k, v) in bySeverity.sorted(by: { $0.key < $1.key }) { text += "   \(k): \(v)\n" }
            text += "Triggered rules by rule name:\n"
            for (k, v) in byRule.sorted(by: { $0.0 < $1.0 }) { text += "   \(k): \(v)\n" }
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A write buffer over a file descriptor (alerts can be many; one write per chunk, not per alert).
struct OutputBuffer {
    let fileDescriptor: Int32
    private var buffer: [UInt8] = []

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// One alert line (with its newline), rendered straight into the buffer.
    mutating func writeAlert(_ formatter: AlertFormatter, _ rule: borrowing CompiledRule, _ context: K8sEventContext) {
        formatter.write(rule, context, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A one-line live count on a terminal's stderr, redrawn at most twice a second.
struct ProgressLine {
    private var lastDraw = ContinuousClock.now
    private var drawn = false

    mutating func update(_ text: String) {
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(500) else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[Kpspctl watch: \(text)".utf8))
    }

    mutating func clear() {
        guard drawn else { return }
        drawn = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
