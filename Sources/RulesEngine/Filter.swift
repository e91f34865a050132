import ConditionLanguage
import K8sAuditFields
import SyscallFields

/// A compiled condition: the macro-free tree with every check built once (falco-rules.md §7.2).
/// `a and b and c` is one group of three members; evaluation is left to right with short-circuit.
indirect enum Filter: @unchecked Sendable {
    case and([Filter])
    case or([Filter])
    case not(Filter)
    case k8s(K8sCheck, Comparison)
    /// Syscall checks are validated at load; evaluating syscall events is the sensors' issue.
    case syscall(SyscallCheck)
}

/// All k8s_audit filters of an engine flattened into one array of nodes, so evaluating an event walks
/// plain integers instead of retaining and releasing tree nodes (the hot path of `pspctl watch`).
/// Identical subtrees are stored once and their result kept per event: Falco's macros (`kevt`,
/// `kcreate`, `pod` …) are expanded into almost every rule, but each is evaluated once per event.
/// Equality checks of one field against different words are decided together (`K8sEqualitySwitch`).
struct K8sFilterProgram: @unchecked Sendable {
    private struct Node: Hashable {
        enum Kind: UInt8 { case and, or, not, check }
        var kind: Kind
        /// For and/or: range in `children`; for not: the operand's node; for check: index in `checks`.
        var first: Int32
        var count: Int32
    }

    private var nodes: [Node] = []
    private var children: [Int32] = []
    /// The checks, kept alive here; evaluation goes through `unretained` so no reference counting
    /// happens per check and event.
    private var checks: ContiguousArray<K8sCheck> = []
    private var unretained: ContiguousArray<Unmanaged<K8sCheck>> = []
    /// Identical checks (same field, operator and values) are shared across rules, so each is
    /// evaluated at most once per event: Falco's macros (`kevt`, `kcreate`, `pod` …) repeat them in
    /// almost every rule.
    private var checkIndex: [Comparison: Int32] = [:]
    /// Check and not nodes by their content, so that identical subtrees share one node.
    private var nodeIndex: [Node: Int32] = [:]
    /// And/or nodes by their member list (their `first` depends on where the list was stored).
    private var groupIndex: [GroupKey: Int32] = [:]
    private struct GroupKey: Hashable { let kind: Node.Kind; let members: [Int32] }
    /// Root node of each program entry, in the order of the filters.
    private(set) var roots: [Int32] = []
    /// The node of each check (by index in `checks`).
    private var checkNodes: [Int32] = []
    private var switchTable = SwitchTable(switches: [], checkCount: 0, checkNodes: [])

    /// The equality switches over the checks (one object, so a walk holds it with one reference).
    private final class SwitchTable: @unchecked Sendable {
        let switches: [K8sEqualitySwitch]
        /// The switch (index in `switches`) of each check, -1 for none.
        let switchOfCheck: [Int32]
        let checkNodes: [Int32]

        init(switches: [K8sEqualitySwitch], checkCount: Int, checkNodes: [Int32]) {
            self.switches = switches
            self.checkNodes = checkNodes
            var switchOfCheck = [Int32](repeating: -1, count: checkCount)
            for (index, checkSwitch) in switches.enumerated() {
                for member in checkSwitch.members { switchOfCheck[member] = Int32(index) }
            }
            self.switchOfCheck = switchOfCheck
        }
    }

    /// The program of `filters`; entry `i` is filter `i`.
    init(_ filters: [Filter]) {
        roots = filters.map { append($0) }
        switchTable = SwitchTable(switches: K8sEqualitySwitch.switches(over: Array(checks)),
                                  checkCount: checks.count, checkNodes: checkNodes)
    }

    private mutating func append(_ filter: Filter) -> Int32 {
        switch filter {
        case .k8s(let check, let comparison):
            let index: Int32
            if let existing = checkIndex[comparison] {
                index = existing
            } else {
                checks.append(check)
                unretained.append(Unmanaged.passUnretained(check))
                index = Int32(checks.count - 1)
                checkIndex[comparison] = index
                checkNodes.append(intern(Node(kind: .check, first: index, count: 0)))
            }
            return checkNodes[Int(index)]
        case .syscall:
            // Never part of a k8s program; an impossible member evaluates to false.
            return group(.or, [])
        case .not(let operand):
            return intern(Node(kind: .not, first: append(operand), count: 0))
        case .and(let members):
            return group(.and, members.map { append($0) })
        case .or(let members):
            return group(.or, members.map { append($0) })
        }
    }

    /// The check or not node with `node`'s content, added when new.
    private mutating func intern(_ node: Node) -> Int32 {
        if let existing = nodeIndex[node] { return existing }
        nodes.append(node)
        let id = Int32(nodes.count - 1)
        nodeIndex[node] = id
        return id
    }

    /// The and/or node over `members`, added (with its member list) when new.
    private mutating func group(_ kind: Node.Kind, _ members: [Int32]) -> Int32 {
        let key = GroupKey(kind: kind, members: members)
        if let existing = groupIndex[key] { return existing }
        let start = Int32(children.count)
        children += members
        nodes.append(Node(kind: kind, first: start, count: Int32(members.count)))
        let id = Int32(nodes.count - 1)
        groupIndex[key] = id
        return id
    }

    /// Evaluates the entries in `order` against one event; calls `onMatch` with each matching entry
    /// until it returns false.
    func evaluate(entries order: [Int], in context: K8sEventContext,
                  onMatch: (Int) -> Bool) throws(K8sEvaluationError) {
        try nodes.withUnsafeBufferPointer { (nodes) throws(K8sEvaluationError) in
            try children.withUnsafeBufferPointer { (children) throws(K8sEvaluationError) in
                try unretained.withUnsafeBufferPointer { (checks) throws(K8sEvaluationError) in
                    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: nodes.count) { (results) throws(K8sEvaluationError) in
                        try withUnsafeTemporaryAllocation(of: Bool.self, capacity: switchTable.switches.count) { (switchTried) throws(K8sEvaluationError) in
                            results.initialize(repeating: Walker.unknown)
                            switchTried.initialize(repeating: false)
                            let walker = Walker(nodes: nodes, children: children, checks: checks, switchTable: switchTable,
                                                results: results, switchTried: switchTried, context: context)
                            for entry in order where try walker.evaluate(roots[entry]) {
                                if !onMatch(entry) { return }
                            }
                        }
                    }
                }
            }
        }
    }

    private struct Walker {
        let nodes: UnsafeBufferPointer<Node>
        let children: UnsafeBufferPointer<Int32>
        let checks: UnsafeBufferPointer<Unmanaged<K8sCheck>>
        let switchTable: SwitchTable
        /// Per-event results of the (shared) nodes: unknown, false or true.
        let results: UnsafeMutableBufferPointer<UInt8>
        /// Per event: whether each switch was consulted (it decides its members at most once).
        let switchTried: UnsafeMutableBufferPointer<Bool>
        let context: K8sEventContext
        static let unknown: UInt8 = 2

        func evaluate(_ id: Int32) throws(K8sEvaluationError) -> Bool {
            let cached = results[Int(id)]
            if cached != Self.unknown { return cached == 1 }
            let value = try evaluateUncached(nodes[Int(id)])
            results[Int(id)] = value ? 1 : 0
            return value
        }

        private func evaluateUncached(_ node: Node) throws(K8sEvaluationError) -> Bool {
            switch node.kind {
            case .check:
                if let decided = try decideBySwitch(check: Int(node.first)) { return decided }
                var result = Result<Bool, K8sEvaluationError>.success(false)
                checks[Int(node.first)]._withUnsafeGuaranteedRef { check in
                    do throws(K8sEvaluationError) {
                        result = .success(try check.evaluate(in: context))
                    } catch {
                        result = .failure(error)
                    }
                }
                return try result.get()
            case .not:
                return try !evaluate(node.first)
            case .and:
                for i in Int(node.first)..<Int(node.first + node.count) {
                    if try !evaluate(children[i]) { return false }
                }
                return true
            case .or:
                for i in Int(node.first)..<Int(node.first + node.count) {
                    if try evaluate(children[i]) { return true }
                }
                return false
            }
        }

        /// The result of check `index` when its switch decides it; the switch then records every member.
        private func decideBySwitch(check index: Int) throws(K8sEvaluationError) -> Bool? {
            let switchIndex = Int(switchTable.switchOfCheck[index])
            guard switchIndex >= 0, !switchTried[switchIndex] else { return nil }
            switchTried[switchIndex] = true
            let checkSwitch = switchTable.switches[switchIndex]
            guard case .decided(let holding) = try checkSwitch.decide(in: context) else { return nil }
            for member in checkSwitch.members {
                results[Int(switchTable.checkNodes[member])] = member == holding ? 1 : 0
            }
            return index == holding
        }
    }
}
