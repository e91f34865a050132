/// A YAML document as a tree, read through libyaml (the only module that touches libyaml).
/// Aliases are resolved to copies of their anchored node; no implicit typing is applied here:
/// scalars keep their text and style so each consumer types them by its own rules
/// (lyaml 6.0 for Falco rules files, YAML 1.1 / sigs.k8s.io/yaml for Kubernetes objects).
public indirect enum YAMLNode: Sendable, Equatable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], YAMLMark)
    case mapping([YAMLPair], YAMLMark)

    public var mark: YAMLMark {
        switch self {
        case .scalar(let s): return s.mark
        case .sequence(_, let m), .mapping(_, let m): return m
        }
    }
    /// Scalar text, or nil for collections.
    public var scalarText: String? {
        if case .scalar(let s) = self { return s.value }
        return nil
    }
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = self { return s }
        return nil
    }
    public var sequenceItems: [YAMLNode]? {
        if case .sequence(let items, _) = self { return items }
        return nil
    }
    public var mappingPairs: [YAMLPair]? {
        if case .mapping(let pairs, _) = self { return pairs }
        return nil
    }
    /// Value of the mapping key whose scalar text is `key` (the last one wins, as in lyaml and go-yaml).
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.last(where: { $0.key.scalarText == key })?.value
    }
}

public struct YAMLPair: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode
    public init(key: YAMLNode, value: YAMLNode) { self.key = key; self.value = value }
}

/// 1-based line and column of a node's start.
public struct YAMLMark: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
}

public struct YAMLScalar: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case plain, singleQuoted, doubleQuoted, literal, folded }
    public var value: String
    public var style: Style
    /// Explicit tag, e.g. `tag:yaml.org,2002:str` for `!!str`; nil when none was written.
    public var tag: String?
    public var mark: YAMLMark
    public init(value: String, style: Style, tag: String?, mark: YAMLMark) {
        self.value = value; self.style = style; self.tag = tag; self.mark = mark
    }
    /// A plain scalar is the only kind implicit typing applies to.
    public var isPlain: Bool { style == .plain && tag == nil }
}

/// A YAML syntax error. `problem` is libyaml's problem text (e.g. `did not find expected ',' or ']'`),
/// `line`/`column` (1-based) where libyaml detected it; `lastEventLine` is the line of the last event
/// parsed successfully before it (what Falco's loader reports).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String
    public var line: Int
    public var column: Int
    public var lastEventLine: Int
    public init(problem: String, line: Int, column: Int, lastEventLine: Int) {
        self.problem = problem; self.line = line; self.column = column; self.lastEventLine = lastEventLine
    }
    public var description: String { "\(problem) (line \(line), column \(column))" }
}
