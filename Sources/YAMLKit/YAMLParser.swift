import CYAML

public enum YAML {
    /// Parses every document of a YAML stream into node trees (an empty stream gives no documents).
    public static func parseDocuments(_ text: String) throws(YAMLError) -> [YAMLNode] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [] }
        return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(YAMLError) -> [YAMLNode] in
            var reader = EventReader(buffer)
            defer { reader.close() }
            return try reader.readStream()
        }
    }
}

/// Drives libyaml's event parser; every C object stays inside this struct.
private struct EventReader {
    private var parser = yaml_parser_t()
    private var anchors: [String: YAMLNode] = [:]
    private var lastEventLine = 1

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        yaml_parser_initialize(&parser)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
    }

    mutating func close() { yaml_parser_delete(&parser) }

    /// One parsed event, copied out of libyaml's structures.
    private enum Event {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(String, YAMLMark)
        case scalar(YAMLScalar, anchor: String?)
        case sequenceStart(anchor: String?, YAMLMark)
        case sequenceEnd
        case mappingStart(anchor: String?, YAMLMark)
        case mappingEnd
    }

    private mutating func next() throws(YAMLError) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown YAML error"
            throw YAMLError(problem: problem, line: Int(parser.problem_mark.line) + 1,
                            column: Int(parser.problem_mark.column) + 1, lastEventLine: lastEventLine)
        }
        defer { yaml_event_delete(&event) }
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        lastEventLine = mark.line
        func text(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            p.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT: return .alias(text(event.data.alias.anchor) ?? "", mark)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = s.value.map { p in
                String(decoding: UnsafeBufferPointer(start: p, count: Int(s.length)), as: UTF8.self)
            } ?? ""
            let style: YAMLScalar.Style
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = text(s.tag).map(Self.expandTag)
            return .scalar(YAMLScalar(value: value, style: style, tag: tag, mark: mark), anchor: text(s.anchor))
        case YAML_SEQUENCE_START_EVENT: return .sequenceStart(anchor: text(event.data.sequence_start.anchor), mark)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT: return .mappingStart(anchor: text(event.data.mapping_start.anchor), mark)
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default: return .streamEnd
        }
    }

    /// `!!str` arrives expanded by libyaml; keep the canonical long form for every tag.
    private static func expandTag(_ tag: String) -> String {
        tag.hasPrefix("!!") ? "tag:yaml.org,2002:" + tag.dropFirst(2) : tag
    }

    mutating func readStream() throws(YAMLError) -> [YAMLNode] {
        var documents: [YAMLNode] = []
        guard case .streamStart = try next() else { return [] }
        while true {
            switch try next() {
            case .documentStart:
                anchors = [:]
                let event = try next()
                if case .documentEnd = event {
                    documents.append(.scalar(YAMLScalar(value: "", style: .plain, tag: nil, mark: YAMLMark(line: lastEventLine, column: 1))))
                    continue
                }
                documents.append(try readNode(startingWith: event))
                _ = try next() // document end
            default:
                return documents
            }
        }
    }

    private mutating func readNode(startingWith event: Event) throws(YAMLError) -> YAMLNode {
        switch event {
        case .scalar(let scalar, let anchor):
            let node = YAMLNode.scalar(scalar)
            if let anchor { anchors[anchor] = node }
            return node
        case .alias(let name, let mark):
            guard let node = anchors[name] else {
                throw YAMLError(problem: "invalid reference: \(name)", line: mark.line, column: mark.column, lastEventLine: lastEventLine)
            }
            return node
        case .sequenceStart(let anchor, let mark):
            var items: [YAMLNode] = []
            while true {
                let e = try next()
                if case .sequenceEnd = e { break }
                items.append(try readNode(startingWith: e))
            }
            let node = YAMLNode.sequence(items, mark)
            if let anchor { anchors[anchor] = node }
            return node
        case .mappingStart(let anchor, let mark):
            var pairs: [YAMLPair] = []
            while true {
                let e = try next()
                if case .mappingEnd = e { break }
                let key = try readNode(startingWith: e)
                let value = try readNode(startingWith: try next())
                pairs.append(YAMLPair(key: key, value: value))
            }
            let node = YAMLNode.mapping(pairs, mark)
            if let anchor { anchors[anchor] = node }
            return node
        default:
            throw YAMLError(problem: "unexpected YAML event", line: lastEventLine, column: 1, lastEventLine: lastEventLine)
        }
    }
}
