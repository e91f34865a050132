import CGRPC

/// Call metadata: ordered key/value pairs. Keys are lowercase ASCII; values of keys ending in `-bin`
/// are arbitrary bytes, others printable ASCII.
public struct Metadata: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]
        public init(key: String, value: [UInt8]) { self.key = key; self.value = value }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) { self.entries = entries }

    public init(dictionaryLiteral elements: (String, String)...) {
        entries = elements.map { Entry(key: $0.0, value: Array($0.1.utf8)) }
    }

    public mutating func append(_ key: String, _ value: String) { entries.append(Entry(key: key, value: Array(value.utf8))) }
    public mutating func append(_ key: String, bytes: [UInt8]) { entries.append(Entry(key: key, value: bytes)) }

    /// The first value of `key`, as text.
    public subscript(key: String) -> String? {
        entries.first { $0.key == key }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    /// The first value of `key`, as bytes.
    public func bytes(_ key: String) -> [UInt8]? { entries.first { $0.key == key }?.value }

    /// Copies a metadata array the core filled in.
    init(_ array: UnsafePointer<grpc_metadata_array>) {
        var entries: [Entry] = []
        entries.reserveCapacity(array.pointee.count)
        for i in 0..<array.pointee.count {
            entries.append(Entry(key: String(decoding: sliceBytes(cgrpc_metadata_array_key(array, i)), as: UTF8.self),
                                 value: Array(sliceBytes(cgrpc_metadata_array_value(array, i)))))
        }
        self.entries = entries
    }
}

/// The bytes a slice refers to; valid while the slice is.
func sliceBytes(_ slice: UnsafePointer<grpc_slice>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: cgrpc_slice_start(slice), count: cgrpc_slice_length(slice))
}

/// Metadata to send, as the C array the core reads until the batch completes. Owned by a batch.
final class OutgoingMetadata {
    let items: UnsafeMutablePointer<grpc_metadata>
    let count: Int

    init(_ metadata: Metadata) {
        count = metadata.entries.count
        items = .allocate(capacity: max(count, 1))
        for (i, entry) in metadata.entries.enumerated() {
            let key = Array(entry.key.utf8)
            key.withUnsafeBufferPointer { k in
                entry.value.withUnsafeBufferPointer { v in
                    k.withMemoryRebound(to: CChar.self) { kc in
                        cgrpc_metadata_set(items + i, kc.baseAddress, kc.count, v.baseAddress, v.count)
                    }
                }
            }
        }
    }

    deinit {
        for i in 0..<count { cgrpc_metadata_release(items + i) }
        items.deallocate()
    }
}
