import CYAML

public enum YAML {
    /// The deepest nesting of sequences and mappings a document may have, counting levels reached through
    /// aliases. Real inputs stay far below: rules files nest about 6 levels, PSPs and admission
    /// configurations about 6, pods about 10, the deepest CRD schemas about 40. The bound is set by the
    /// consumers, which walk the tree recursively (synthesized `==`, the indirect enum's release, LuaValue,
    /// the rules loader's warnings, Kubernetes object decoding): under AddressSanitizer in a debug build
    /// they take up to ~2.3 KB of stack a level (`==` ~1.2 KB), so 128 levels take at most ~300 KB of a
    /// 512 KB secondary-thread stack, and a small part of the 8 MB main-thread stack (tested on a 512 KB
    /// thread). Measured on this project's loader; a consumer with bigger frames must be re-measured.
    public static let maxNestingDepth = 128

    /// The most nodes that aliases may add to a stream, over all its documents: each alias adds the node
    /// count of its anchored node, aliases inside it included. Resolved aliases share their storage, but
    /// every consumer that walks the tree pays for the expanded size, so a few hundred bytes of nested
    /// anchors ("billion laughs") would otherwise cost any walk billions of steps. go-yaml v3 has a similar
    /// guard. Nodes written out in the text do not count: they are bounded by the input's size.
    public static let maxAliasExpansion = 1_000_000

    /// Parses every document of a YAML stream into node trees (an empty stream gives no documents).
    /// Throws `YAMLError` for a syntax error, and for a document beyond `maxNestingDepth` or
    /// `maxAliasExpansion` (at the event that crossed the limit).
    public static func parseDocuments(_ text: String) throws(YAMLError) -> [YAMLNode] {
        var builder = TreeBuilder(events: LibYAMLEventParser(text))
        return try builder.readStream()
    }
}

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

/// libyaml's event parser. libyaml keeps the address of its `yaml_parser_t` and of the input bytes
/// (`yaml_parser_set_input_string` records both), so neither may ever be a Swift value that can be copied
/// or moved: this class allocates both once, at addresses fixed for its whole life, initialises the parser
/// once and deletes it once in `deinit`. No C pointer leaves this class.
private final class LibYAMLEventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// False when libyaml could not allocate its buffers; `next()` then throws and `deinit` deletes nothing.
    private let initialized: Bool
    /// The line of the last event parsed successfully (what Falco's loader reports for a syntax error).
    private(set) var lastEventLine = 1

    init(_ text: String) {
        let count = text.utf8.count
        // At least one byte, so the input pointer is never null, even for an empty text.
        input = .allocate(capacity: max(count, 1))
        _ = input.initialize(fromContentsOf: text.utf8)
        if count == 0 { input[0] = 0 }
        parser = .allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        initialized = yaml_parser_initialize(parser) == 1
        if initialized { yaml_parser_set_input_string(parser, input.baseAddress, count) }
    }

    deinit {
        if initialized { yaml_parser_delete(parser) }
        parser.deinitialize(count: 1)
        parser.deallocate()
        input.deallocate()
    }

    func next() throws(YAMLError) -> Event {
        guard initialized else {
            throw YAMLError(problem: "cannot allocate the YAML parser", line: 1, column: 1, lastEventLine: 1)
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unknown YAML error"
            throw YAMLError(problem: problem, line: Int(parser.pointee.problem_mark.line) + 1,
                            column: Int(parser.pointee.problem_mark.column) + 1, lastEventLine: lastEventLine)
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
}

/// Builds node trees from the events without recursion: open collections live on an explicit stack, so
/// the reader's own stack use does not depend on the input. It enforces both limits of `YAML`.
private struct TreeBuilder {
    let events: LibYAMLEventParser

    /// A finished node with its expanded size (nodes, aliases expanded) and height (collection levels:
    /// 0 for a scalar, 1 for a collection of scalars).
    private struct Built {
        var node: YAMLNode
        var size: Int
        var height: Int
    }

    /// A sequence or mapping whose end event has not come yet.
    private struct Open {
        let isMapping: Bool
        let anchor: String?
        let mark: YAMLMark
        /// The items read so far; for a mapping, keys and values alternate.
        var items: [YAMLNode] = []
        var size = 1
        var height = 1

        mutating func add(_ child: Built) {
            items.append(child.node)
            size += child.size
            height = max(height, child.height + 1)
        }

        func finish() -> YAMLNode {
            guard isMapping else { return .sequence(items, mark) }
            let pairs = stride(from: 0, to: items.count - 1, by: 2).map { YAMLPair(key: items[$0], value: items[$0 + 1]) }
            return .mapping(pairs, mark)
        }
    }

    /// Anchored nodes of the current document, by name (a later anchor of the same name replaces it).
    private var anchors: [String: Built] = [:]
    /// Nodes added by aliases so far in the stream (checked against `YAML.maxAliasExpansion`).
    private var aliasNodes = 0

    init(events: LibYAMLEventParser) { self.events = events }

    mutating func readStream() throws(YAMLError) -> [YAMLNode] {
        var documents: [YAMLNode] = []
        guard case .streamStart = try events.next() else { return [] }
        while true {
            switch try events.next() {
            case .documentStart:
                anchors = [:]
                let event = try events.next()
                if case .documentEnd = event {
                    documents.append(.scalar(YAMLScalar(value: "", style: .plain, tag: nil,
                                                        mark: YAMLMark(line: events.lastEventLine, column: 1))))
                    continue
                }
                documents.append(try readNode(startingWith: event))
                _ = try events.next() // document end
            default:
                return documents
            }
        }
    }

    private func limitError(_ problem: String, at mark: YAMLMark) -> YAMLError {
        YAMLError(problem: problem, line: mark.line, column: mark.column, lastEventLine: mark.line)
    }

    private var depthProblem: String { "the document nests deeper than \(YAML.maxNestingDepth) levels" }

    /// Reads one node (a document's root) whose first event is `first`.
    private mutating func readNode(startingWith first: Event) throws(YAMLError) -> YAMLNode {
        var stack: [Open] = []
        var event = first
        while true {
            let built: Built
            switch event {
            case .scalar(let scalar, let anchor):
                built = Built(node: .scalar(scalar), size: 1, height: 0)
                if let anchor { anchors[anchor] = built }
            case .alias(let name, let mark):
                guard let anchored = anchors[name] else {
                    throw YAMLError(problem: "invalid reference: \(name)", line: mark.line, column: mark.column,
                                    lastEventLine: events.lastEventLine)
                }
                // The copy is as deep and as large as the anchored node where it lands.
                if stack.count + anchored.height > YAML.maxNestingDepth {
                    throw limitError("\(depthProblem) (through the alias *\(name))", at: mark)
                }
                aliasNodes += anchored.size
                if aliasNodes > YAML.maxAliasExpansion {
                    throw limitError("aliases expand the YAML to more than \(YAML.maxAliasExpansion) nodes (at the alias *\(name))", at: mark)
                }
                built = anchored
            case .sequenceStart(let anchor, let mark), .mappingStart(let anchor, let mark):
                guard stack.count < YAML.maxNestingDepth else { throw limitError(depthProblem, at: mark) }
                var isMapping = false
                if case .mappingStart = event { isMapping = true }
                stack.append(Open(isMapping: isMapping, anchor: anchor, mark: mark))
                event = try events.next()
                continue
            case .sequenceEnd, .mappingEnd:
                guard let open = stack.popLast() else { throw unexpectedEvent() }
                built = Built(node: open.finish(), size: open.size, height: open.height)
                if let anchor = open.anchor { anchors[anchor] = built }
            default:
                throw unexpectedEvent()
            }
            guard !stack.isEmpty else { return built.node }
            stack[stack.count - 1].add(built)
            event = try events.next()
        }
    }

    private func unexpectedEvent() -> YAMLError {
        YAMLError(problem: "unexpected YAML event", line: events.lastEventLine, column: 1, lastEventLine: events.lastEventLine)
    }
}
