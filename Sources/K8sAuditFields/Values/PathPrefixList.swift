/// The paths of `pmatch` (pspctl's correction of §3.3): a value matches when one of the listed paths is a
/// component-wise prefix of it, as libsinsp's `pmatch` does for syscall fields (falco-rules.md §8.5):
/// empty components are dropped, so `/etc` covers `/etc`, `/etc/` and `/etc/passwd` but not `/etcx`, and
/// `/` covers everything.
final class PathPrefixList: Sendable {
    private let prefixes: [[ArraySlice<UInt8>]]

    init(_ values: [K8sValue]) {
        prefixes = values.map { Self.components($0.canonical) }
    }

    func covers(_ path: String) -> Bool {
        let components = Self.components(path)
        return prefixes.contains { prefix in
            prefix.count <= components.count && zip(prefix, components).allSatisfy { $0.elementsEqual($1) }
        }
    }

    private static func components(_ path: String) -> [ArraySlice<UInt8>] {
        Array(path.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
    }
}
