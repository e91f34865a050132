/// One part of a parsed output format.
enum OutputPiece {
    /// Literal text, kept as UTF-8 too: text alerts append it as bytes.
    case literal(String, utf8: [UInt8])
    case field(K8sFieldReference)
}

/// Splits a k8s_audit output format into literal text and field references (§4.1): a leading `*` is
/// dropped, every `%` must start a field recognised as in conditions, whatever follows the field (and its
/// `[index]`) is literal text again. There is no escape for `%` and no width.
struct OutputFormatParser {
    let registry: K8sFieldRegistry

    func parse(_ format: String) throws(K8sFieldError) -> [OutputPiece] {
        let bytes = Array(format.utf8)
        var position = bytes.first == UInt8(ascii: "*") ? 1 : 0
        var pieces: [OutputPiece] = []
        var literalStart = position
        let recognizer = FieldNameRecognizer(registry: registry)
        while position < bytes.count {
            guard bytes[position] == UInt8(ascii: "%") else { position += 1; continue }
            if literalStart < position { pieces.append(Self.literal(bytes[literalStart..<position])) }
            let rest = bytes[(position + 1)...]
            guard let recognised = try recognizer.recognize(rest) else {
                throw K8sFieldError(message: "Could not parse format string \"\(format)\": unknown filtercheck field \(String(decoding: rest, as: UTF8.self))")
            }
            pieces.append(.field(try K8sFieldReference(recognised)))
            position += 1 + recognised.length
            literalStart = position
        }
        if literalStart < bytes.count { pieces.append(Self.literal(bytes[literalStart...])) }
        return pieces
    }

    private static func literal(_ bytes: ArraySlice<UInt8>) -> OutputPiece {
        .literal(String(decoding: bytes, as: UTF8.self), utf8: Array(bytes))
    }
}
