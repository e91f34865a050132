/// R, the right-hand list of `in` / `intersects` (§3.1), typed once at load.
///
/// pspctl's correction of §3.4: membership is plain — an integer is in R iff it equals a listed integer or
/// lies within a listed range, whatever the list order or overlaps (no red-black-tree artefacts).
final class ValueList: Sendable {
    /// Small string lists are scanned; larger ones looked up by a hash of their bytes (so that a string
    /// still in the JSON can be looked up without making a String).
    private let stringList: [String]
    private let stringsByHash: [Int: [String]]
    private let integers: Set<Int64>
    private let ranges: [(low: Int64, high: Int64)]

    private static let scanLimit = 8

    private struct RangeKey: Hashable { let low: Int64, high: Int64 }

    init(_ values: [K8sValue]) {
        // De-duplication by hashing (first occurrence kept, in order): a list of 40,000 items, as a PSP
        // with 20,000 forbidden sysctls gives, loads in linear time instead of comparing every pair.
        var strings: [String] = [], integers = Set<Int64>(), ranges: [(low: Int64, high: Int64)] = []
        var byHash: [Int: [String]] = [:]
        var seenRanges = Set<RangeKey>()
        for value in values {
            switch value {
            case .string(let text):
                let hash = ByteText.withBytes(of: text, ByteText.hash)
                if byHash[hash]?.contains(where: { ByteText.equal($0, text) }) ?? false { continue }
                byHash[hash, default: []].append(text)
                strings.append(text)
            case .integer(let number): integers.insert(number)
            case .range(let low, let high):
                if seenRanges.insert(RangeKey(low: low, high: high)).inserted { ranges.append((low, high)) }
            }
        }
        if strings.count > Self.scanLimit {
            stringsByHash = byHash
            stringList = []
        } else {
            stringsByHash = [:]
            stringList = strings
        }
        self.integers = integers
        self.ranges = ranges
    }

    /// True when some element of R equals `value` under §3.2 equality.
    func contains(_ value: K8sValue) -> Bool {
        switch value {
        case .string(let text):
            return ByteText.withBytes(of: text, containsString)
        case .integer(let number):
            return integers.contains(number) || ranges.contains { $0.low <= number && number <= $0.high }
        case .range(let low, let high):
            return ranges.contains { $0 == (low, high) } || integers.contains { low <= $0 && $0 <= high }
        }
    }

    /// True when R lists the string with these UTF-8 bytes.
    func containsString(_ bytes: ByteText.Bytes) -> Bool {
        let matches = { (listed: String) in ByteText.withBytes(of: listed) { ByteText.equal($0, bytes) } }
        guard stringList.isEmpty else { return stringList.contains(where: matches) }
        return stringsByHash[ByteText.hash(bytes)]?.contains(where: matches) ?? false
    }
}
