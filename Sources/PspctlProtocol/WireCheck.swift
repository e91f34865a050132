import CPspctlProtos

/// Bounds on what decoding accepts. protobuf-c's unpack recurses once per nested message, so without a
/// depth bound a few megabytes of nested `Expression`s (two bytes a level) would overflow the C stack.
public struct DecodingLimits: Sendable, Equatable {
    /// Deepest nesting of messages accepted; the top-level message is depth 1. Default 100.
    public var maxDepth: Int
    /// Most messages (top-level, nested and repeated elements together) in one input; protobuf-c
    /// allocates each one, so this bounds the memory a small input can make it take. Default 1,000,000.
    public var maxMessages: Int

    public init(maxDepth: Int = 100, maxMessages: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxMessages = maxMessages
    }

    public static let `default` = DecodingLimits()
}

/// Why bytes did not decode as a message.
public struct ProtocolDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The input ends inside a tag, a varint, a fixed-size value or a length-delimited field.
        case truncated
        /// Not protobuf wire format: a varint longer than 10 bytes, field number 0 or out of range,
        /// wire type 6 or 7, groups (wire types 3 and 4), a packed field of the wrong length.
        case malformed
        /// A known field carried with a wire type its declared type does not allow.
        case wrongWireType
        /// A string field that is not UTF-8, or that holds a NUL byte (protobuf-c strings are C strings).
        case invalidString
        /// Nesting deeper than `DecodingLimits.maxDepth`.
        case tooDeep
        /// More messages than `DecodingLimits.maxMessages`.
        case tooManyMessages
        /// protobuf-c's unpack refused input the wire check accepted.
        case rejected
    }

    public var kind: Kind
    /// The fully-qualified name of the message being decoded (the top-level one).
    public var messageName: String
    /// Byte offset in the input where the problem was found.
    public var offset: Int?
    public var detail: String

    public init(kind: Kind, messageName: String, offset: Int?, detail: String) {
        self.kind = kind
        self.messageName = messageName
        self.offset = offset
        self.detail = detail
    }

    /// e.g. `invalid pspctl.v1.EvaluateRequest: nesting deeper than 100 messages (at byte 212)`.
    public var description: String {
        "invalid \(messageName): \(detail)" + (offset.map { " (at byte \($0))" } ?? "")
    }
}

/// An iterative walk over wire bytes, driven by protobuf-c's descriptors, that accepts exactly what
/// protobuf-c can unpack safely: well-formed wire data, the right wire type for every known field,
/// valid UTF-8 strings without NUL, and nesting within the limits. Its own memory is one frame per level.
enum WireCheck {
    private struct Frame {
        let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
        let end: Int
    }

    static func validate(_ bytes: [UInt8], _ root: CDescriptor, limits: DecodingLimits) throws(ProtocolDecodingError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(ProtocolDecodingError) in
            try walk(buffer, root, limits: limits)
        }
    }

    private static func walk(_ input: UnsafeBufferPointer<UInt8>, _ root: CDescriptor,
                             limits: DecodingLimits) throws(ProtocolDecodingError) {
        let rootName = root.fullName
        func fail(_ kind: ProtocolDecodingError.Kind, _ offset: Int, _ detail: String) -> ProtocolDecodingError {
            ProtocolDecodingError(kind: kind, messageName: rootName, offset: offset, detail: detail)
        }
        func fieldName(_ frame: Frame, _ f: ProtobufCFieldDescriptor) -> String {
            "field \(String(cString: frame.descriptor.pointee.name)).\(String(cString: f.name)) (\(f.id))"
        }
        /// A varint starting at `pos`, ending before `end`.
        func varint(_ pos: inout Int, _ end: Int) throws(ProtocolDecodingError) -> UInt64 {
            let start = pos
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard pos < end else { throw fail(.truncated, start, "input ends inside a varint") }
                let byte = input[pos]
                pos += 1
                if shift == 63 && byte > 1 { throw fail(.malformed, start, "varint longer than 64 bits") }
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
                if shift > 63 { throw fail(.malformed, start, "varint longer than 10 bytes") }
            }
        }

        var stack: [Frame] = [Frame(descriptor: root.pointer, end: input.count)]
        var messages = 1
        var pos = 0
        guard limits.maxDepth >= 1 else { throw fail(.tooDeep, 0, "nesting deeper than \(limits.maxDepth) messages") }
        while let frame = stack.last {
            if pos == frame.end {
                stack.removeLast()
                continue
            }
            let tagStart = pos
            let tag = try varint(&pos, frame.end)
            guard tag <= UInt64(UInt32.max) else { throw fail(.malformed, tagStart, "tag does not fit 32 bits") }
            let number = UInt32(tag >> 3)
            let wireType = UInt8(tag & 7)
            guard number >= 1, number <= 536_870_911 else {
                throw fail(.malformed, tagStart, "field number \(number) out of range")
            }
            // The payload of the field: its extent [payloadStart, pos) once read.
            var length = 0
            switch wireType {
            case 0: _ = try varint(&pos, frame.end)
            case 1, 5:
                let size = wireType == 1 ? 8 : 4
                guard frame.end - pos >= size else { throw fail(.truncated, tagStart, "input ends inside a \(size * 8)-bit value") }
                pos += size
            case 2:
                let lengthStart = pos
                let announced = try varint(&pos, frame.end)
                guard announced <= UInt64(frame.end - pos) else {
                    throw fail(.truncated, lengthStart, "length \(announced) runs past the end of its message")
                }
                length = Int(announced)
            case 3, 4: throw fail(.malformed, tagStart, "groups (wire types 3 and 4) are not supported")
            default: throw fail(.malformed, tagStart, "wire type \(wireType) does not exist")
            }
            guard let fieldPointer = protobuf_c_message_descriptor_get_field(frame.descriptor, number) else {
                pos += length  // an unknown field: protobuf-c keeps its bytes
                continue
            }
            let f = fieldPointer.pointee
            let repeated = f.label == PROTOBUF_C_LABEL_REPEATED
            let expected = wireTypeOf(f.type)
            if wireType != expected {
                // Repeated scalars may come packed (length-delimited) whatever their declared packing.
                guard repeated, wireType == 2, expected != 2 else {
                    throw fail(.wrongWireType, tagStart, "\(fieldName(frame, f)) has wire type \(wireType), expected \(expected)")
                }
                let packedEnd = pos + length
                if expected == 0 {
                    while pos < packedEnd { _ = try varint(&pos, packedEnd) }
                } else {
                    let size = expected == 1 ? 8 : 4
                    guard length % size == 0 else {
                        throw fail(.malformed, tagStart, "packed \(fieldName(frame, f)) is not a whole number of values")
                    }
                    pos = packedEnd
                }
                continue
            }
            guard wireType == 2 else { continue }
            switch f.type {
            case PROTOBUF_C_TYPE_MESSAGE:
                guard stack.count < limits.maxDepth else {
                    throw fail(.tooDeep, tagStart, "nesting deeper than \(limits.maxDepth) messages")
                }
                messages += 1
                guard messages <= limits.maxMessages else {
                    throw fail(.tooManyMessages, tagStart, "more than \(limits.maxMessages) messages")
                }
                let sub = f.descriptor!.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                stack.append(Frame(descriptor: sub, end: pos + length))  // walk its content next
            case PROTOBUF_C_TYPE_STRING:
                let text = UnsafeBufferPointer(rebasing: input[pos..<pos + length])
                if text.contains(0) { throw fail(.invalidString, pos, "\(fieldName(frame, f)) contains a NUL byte") }
                if !isUTF8(text) { throw fail(.invalidString, pos, "\(fieldName(frame, f)) is not valid UTF-8") }
                pos += length
            default:
                pos += length
            }
        }
    }

    /// The wire type a field of `type` is written with (unpacked).
    private static func wireTypeOf(_ type: ProtobufCType) -> UInt8 {
        switch type {
        case PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_FLOAT: return 5
        case PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE: return 1
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_BYTES, PROTOBUF_C_TYPE_MESSAGE: return 2
        default: return 0
        }
    }

    /// Runs of ASCII (most of an alert's JSON or text line) are checked eight bytes at a time; every other
    /// scalar goes through the standard library's UTF-8 decoder.
    private static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return true }
        let count = bytes.count
        var i = 0
        while i < count {
            if i + 8 <= count, base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            var iterator = UnsafeBufferPointer(rebasing: bytes[i...]).makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return false }
            i += UTF8.width(scalar)
        }
        return true
    }
}
