/// One part of a parsed output format.
enum OutputPiece {
    case literal(String)
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
            if literalStart < position { pieces.append(.literal(String(decoding: bytes[literalStart..<position], as: UTF8.self))) }
            let rest = bytes[(position + 1)...]
            guard let recognised = try recognizer.recognize(rest) else {
                throw K8sFieldError(message: "Could not parse format string \"\(format)\": unknown filtercheck field \(String(decoding: rest, as: UTF8.self))")
            }
            pieces.append(.field(try K8sFieldReference(recognised)))
            position += 1 + recognised.length
            literalStart = position
        }
        if literalStart < bytes.count { pieces.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        return pieces
    }
}
