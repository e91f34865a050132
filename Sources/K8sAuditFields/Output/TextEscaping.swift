/// Control characters in text that quotes input (alert field values, error messages): escaped so that
/// one alert or one message line is always one line and sends nothing to a terminal (issue 13). The
/// escape is JSON's (`\n`, `\r`, `\t`, `\b`, `\f`, `\u00XX`) and covers C0 controls, DEL and C1
/// controls; every other character, backslashes included, is kept, so ordinary text is unchanged.
public enum TextEscaping {
    /// `text` with every control character escaped (one line).
    public static func escaped(_ text: String) -> String {
        escaped(text, keepingLineBreaks: false)
    }

    /// `text` with every control character but `\n` and `\t` escaped: for messages that are multi-line by
    /// design (a rules-loading error quoting its item).
    public static func escapedKeepingLineBreaks(_ text: String) -> String {
        escaped(text, keepingLineBreaks: true)
    }

    private static func escaped(_ text: String, keepingLineBreaks: Bool) -> String {
        ByteText.withBytes(of: text) { bytes in
            guard ByteText.needsEscaping(bytes, keepingLineBreaks: keepingLineBreaks) else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            ByteText.appendEscapingControls(bytes, to: &out, keepingLineBreaks: keepingLineBreaks)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Appends `bytes` to `out`, escaped as `escaped(_:)` does.
    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if ByteText.needsEscaping(bytes) {
            ByteText.appendEscapingControls(bytes, to: &out)
        } else {
            out.append(contentsOf: bytes)
        }
    }
}

extension K8sOutputFormat {
    /// The text alert line appended as UTF-8 to `out` (what `pspctl watch --output text` prints): the
    /// rendered text of §4.2 with the control characters of every field value escaped, so data in an
    /// event cannot break the line or forge a second alert. The format's own literal text (from the
    /// rules file) is copied as written. Values without control characters render exactly as
    /// `render(in:appendingTo:)` renders them.
    public func renderText(in context: K8sEventContext, appendingTo out: inout [UInt8]) {
        for piece in pieces {
            switch piece {
            case .literal(_, let utf8):
                out.append(contentsOf: utf8)
            case .field(let reference):
                let start = out.count
                reference.appendRendered(in: context, to: &out)
                ByteText.escapeControls(in: &out, from: start)
            }
        }
    }
}
