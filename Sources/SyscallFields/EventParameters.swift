extension EventParameters {
    /// Names longest first: `evt.arg.NAME` takes the longest parameter name that is a prefix of the
    /// text after the dot (falcosecurity/libs b7eb0dd, `sinsp_utils::find_longest_matching_evt_param`).
    private static let namesLongestFirst: [(name: String, bytes: [UInt8])] = rawTypes.keys
        .map { (name: $0, bytes: Array($0.utf8)) }
        .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.name < $1.name }

    static func longestName<Bytes: Collection>(prefixing text: Bytes) -> String? where Bytes.Element == UInt8 {
        namesLongestFirst.first { text.starts(with: $0.bytes) }?.name
    }
}
