import Foundation

/// How far reading an input has come, as one line for a terminal: items (lines of a log, documents of
/// manifests) and bytes read, against the input's size when it is known:
///
///     pspctl report: [███████░░░░░░░░░░░░░]  36%  371.2 MiB of 1.0 GiB, 1,204,551 lines
///     pspctl report: 12.5 MiB, 40,112 lines
///
/// The values and their text only; `TerminalProgress` draws it.
public struct ReadProgress: Sendable, Equatable {
    /// What the line starts with (`pspctl report`).
    public var label: String
    /// The plural noun of `items` (`lines`, `documents`).
    public var unit: String
    /// The input's size, when it is a regular file read as it is (not standard input, not decompressed).
    public var totalBytes: Int?
    public var items = 0
    public var bytes = 0

    public init(label: String, unit: String, totalBytes: Int?) {
        self.label = label
        self.unit = unit
        self.totalBytes = totalBytes.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Cells of the bar.
    public static let barWidth = 20

    /// The line, at most `columns - 1` characters (a line as wide as the terminal would wrap on some
    /// terminals, and a wrapped line cannot be erased with a carriage return).
    public func text(columns: Int = 80) -> String {
        var text = label + ": "
        let count = "\(Self.grouped(items)) \(items == 1 ? String(unit.dropLast(unit.hasSuffix("s") ? 1 : 0)) : unit)"
        if let total = totalBytes {
            let done = min(bytes, total)
            let fraction = Double(done) / Double(total)
            let filled = min(Self.barWidth, Int(fraction * Double(Self.barWidth)))
            let percent = String(min(100, Int(fraction * 100)))
            text += "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: Self.barWidth - filled) + "] "
            text += String(repeating: " ", count: 3 - percent.count) + percent + "%  "
            text += "\(Self.size(done)) of \(Self.size(total)), \(count)"
        } else {
            text += "\(Self.size(bytes)), \(count)"
        }
        let width = max(columns - 1, 1)
        return text.count > width ? String(text.prefix(width)) : text
    }

    /// `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// `512 B`, `1.5 KiB`, `371.2 MiB`, `1.0 GiB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes)
        for unit in ["KiB", "MiB", "GiB", "TiB"] {
            value /= 1024
            if value < 1024 || unit == "TiB" {
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
        }
        return "\(bytes) B"
    }
}

/// `ReadProgress` drawn on standard error while an input is read, when standard error is a terminal:
/// redrawn in place (`\r`, erase line) at most every `refreshInterval`, erased by `clear()` before
/// anything else is printed. `make` gives nil where nothing must be drawn (not a terminal, `--quiet`,
/// `TERM=dumb`), so callers write `progress?.advance(…)`.
public final class TerminalProgress {
    public private(set) var progress: ReadProgress
    public static let refreshInterval: Duration = .milliseconds(200)
    private let columns: Int
    private let fileDescriptor: Int32
    private var lastDraw: ContinuousClock.Instant
    private var drawn = false
    /// Items and bytes at the last look at the clock (the clock is read every 256 items or 4 MiB).
    private var checkedItems = 0
    private var checkedBytes = 0

    init(_ progress: ReadProgress, columns: Int, fileDescriptor: Int32) {
        self.progress = progress
        self.columns = columns
        self.fileDescriptor = fileDescriptor
        lastDraw = ContinuousClock.now
    }

    /// A progress line on standard error, or nil when it is not a terminal, `quiet` is set or `TERM` is
    /// `dumb`.
    public static func make(_ progress: ReadProgress, quiet: Bool) -> TerminalProgress? {
        guard !quiet, isatty(2) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return nil }
        return TerminalProgress(progress, columns: terminalColumns(2), fileDescriptor: 2)
    }

    /// The terminal's width (the `COLUMNS` variable when the terminal does not say), 80 when unknown.
    static func terminalColumns(_ fd: Int32) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        return 80
    }

    /// One more item; `bytes` is the total read so far.
    public func advance(items: Int = 1, bytes: Int) {
        progress.items += items
        progress.bytes = bytes
        guard progress.items - checkedItems >= 256 || bytes - checkedBytes >= 4 << 20 else { return }
        checkedItems = progress.items
        checkedBytes = bytes
        let now = ContinuousClock.now
        guard now - lastDraw >= Self.refreshInterval else { return }
        lastDraw = now
        draw()
    }

    private func draw() {
        drawn = true
        write("\r\u{1B}[K" + progress.text(columns: columns))
    }

    /// Erases the line (before a message, a report or the end).
    public func clear() {
        guard drawn else { return }
        drawn = false
        write("\r\u{1B}[K")
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            offset += n
        }
    }
}
