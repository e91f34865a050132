/// `ka.uri.param[K]` (§2.4.3): the first query parameter of `/requestURI` whose percent-decoded name is K,
/// returned raw (undecoded), with upstream's splitting rules.
enum RequestURIParamField {
    static let spec = FieldSpec(
        name: "ka.uri.param",
        description: "The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val)",
        indexMode: .requiredKey
    ) { index, _ in
        let key = Array((index ?? "").utf8)
        let requestURI = PointerPath("/requestURI")
        return { context throws(K8sEvaluationError) in
            guard let uri = requestURI.resolve(in: context.event.object)?.string else { return .failure }
            guard let value = try parameter(key, in: Array(uri.utf8)) else { return .failure }
            return .one(K8sValue(classifying: String(decoding: value, as: UTF8.self)))
        }
    }

    static func parameter(_ key: [UInt8], in uri: [UInt8]) throws(K8sEvaluationError) -> ArraySlice<UInt8>? {
        let pathAndQuery = lineReaderSplit(uri[...], on: UInt8(ascii: "?"))
        guard pathAndQuery.count == 2 else { return nil }
        for pair in lineReaderSplit(pathAndQuery[1], on: UInt8(ascii: "&")) {
            let parts = lineReaderSplit(pair, on: UInt8(ascii: "="))
            guard parts.count == 2 else { continue }
            if try percentDecoded(parts[0]) == key { return parts[1] }
        }
        return nil
    }

    /// `std::getline` splitting: the pieces between delimiters; a trailing empty piece is dropped and an
    /// empty input gives no pieces (`a?` → [a], `?x` → ["", x], `a&&b` → [a, "", b]).
    static func lineReaderSplit(_ text: ArraySlice<UInt8>, on delimiter: UInt8) -> [ArraySlice<UInt8>] {
        var pieces = text.split(separator: delimiter, omittingEmptySubsequences: false)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces
    }

    /// `%XX` decoding (hex digits in either case; `+` stays `+`). A `%` not followed by two hex digits is
    /// an evaluation error, as upstream's uri decoder throws.
    static func percentDecoded(_ text: ArraySlice<UInt8>) throws(K8sEvaluationError) -> [UInt8] {
        var decoded: [UInt8] = []
        var position = text.startIndex
        while position < text.endIndex {
            let byte = text[position]
            guard byte == UInt8(ascii: "%") else { decoded.append(byte); position += 1; continue }
            guard position + 2 < text.endIndex,
                  let high = ByteText.hexDigitValue(text[position + 1]), let low = ByteText.hexDigitValue(text[position + 2]) else {
                throw K8sEvaluationError(message: "ka.uri.param: invalid percent-encoding in query parameter name \"\(String(decoding: text, as: UTF8.self))\"")
            }
            decoded.append(high << 4 | low)
            position += 3
        }
        return decoded
    }
}
