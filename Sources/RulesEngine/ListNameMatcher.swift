/// Finds which list names occur anywhere in a text as raw substrings, for Falco's "used" flag of lists
/// (falco-rules.md §3.2: `shell` is used by the text `shell_binaries`). An Aho–Corasick automaton over
/// the names' bytes: one pass per text, whatever the number of names, and each name is reported once
/// for the whole load.
struct ListNameMatcher {
    /// Transitions, keyed by `state << 8 | byte`.
    private var next: [Int: Int32] = [:]
    private var failure: [Int32] = [0]
    /// The list index a state spells in full, or -1.
    private var terminal: [Int32] = [-1]
    /// The nearest state along the failure links that spells a name, or -1.
    private var outputLink: [Int32] = [-1]
    private var reported: [Bool] = [false]
    /// Names not reported yet; when none is left, texts are not scanned.
    private var unreported = 0

    init(names: [[UInt8]]) {
        var parent: [Int32] = [0], byteIn: [UInt8] = [0], depth: [Int] = [0]
        for (index, name) in names.enumerated() where !name.isEmpty {
            var state = 0
            for byte in name {
                let key = state << 8 | Int(byte)
                if let existing = next[key] {
                    state = Int(existing)
                } else {
                    let new = Int32(terminal.count)
                    next[key] = new
                    parent.append(Int32(state)); byteIn.append(byte); depth.append(depth[state] + 1)
                    terminal.append(-1); failure.append(0); outputLink.append(-1); reported.append(false)
                    state = Int(new)
                }
            }
            if terminal[state] < 0 {
                terminal[state] = Int32(index)
                unreported += 1
            }
        }
        // Failure links in order of depth (a state's link is shorter, so it is ready first).
        var byDepth = Array(1..<terminal.count)
        byDepth.sort { depth[$0] < depth[$1] }
        for state in byDepth {
            let up = Int(parent[state])
            if up != 0 {
                var candidate = Int(failure[up])
                while true {
                    if let target = next[candidate << 8 | Int(byteIn[state])] {
                        failure[state] = target
                        break
                    }
                    if candidate == 0 { break }
                    candidate = Int(failure[candidate])
                }
            }
            let link = Int(failure[state])
            outputLink[state] = terminal[link] >= 0 ? Int32(link) : outputLink[link]
        }
    }

    /// Calls `found` with the index of every name in `bytes` not reported before.
    mutating func scan<Bytes: Sequence<UInt8>>(_ bytes: Bytes, found: (Int) -> Void) {
        guard unreported > 0 else { return }
        var state = 0
        for byte in bytes {
            while true {
                if let target = next[state << 8 | Int(byte)] { state = Int(target); break }
                if state == 0 { break }
                state = Int(failure[state])
            }
            var hit = terminal[state] >= 0 ? state : Int(outputLink[state])
            while hit >= 0, !reported[hit] {
                reported[hit] = true
                unreported -= 1
                found(Int(terminal[hit]))
                hit = Int(outputLink[hit])
            }
        }
    }
}
