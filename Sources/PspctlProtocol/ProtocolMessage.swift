/// A message of pspctl's wire protocol as a Swift value. Decoding and encoding go through protobuf-c
/// (`protobuf_c_message_unpack` / `protobuf_c_message_pack`) on the C structs protoc-c generated from
/// `protos/`; the bytes are standard protobuf, readable by any protobuf implementation.
///
/// Decoding never trusts its input: an iterative wire check bounded by `DecodingLimits` runs before
/// protobuf-c sees the bytes, so garbage, truncated input, wrong wire types, huge lengths, invalid
/// strings and deep nesting are thrown as `ProtocolDecodingError`, never a crash.
///
/// Strings: protobuf-c strings are C strings, so a NUL character ends a string when it is encoded (the
/// rest is dropped), and decoding rejects strings holding a NUL byte. Everything else round-trips.
public protocol ProtocolMessage: Sendable, Equatable {
    /// The fully-qualified protobuf name, e.g. `pspctl.v1.Alert`.
    static var protoMessageName: String { get }
    init(decoding bytes: [UInt8], limits: DecodingLimits) throws(ProtocolDecodingError)
    /// The protobuf encoding (fields at their default are not written, as proto3 wants).
    func encoded() -> [UInt8]
}

extension ProtocolMessage {
    /// Decodes with `DecodingLimits.default` (nesting depth 100).
    public init(decoding bytes: [UInt8]) throws(ProtocolDecodingError) {
        try self.init(decoding: bytes, limits: .default)
    }
}

/// An enum of the protocol. Protobuf 3 enums are open: a value this version does not name is kept.
public protocol ProtocolEnum: RawRepresentable, Hashable, Sendable where RawValue == Int32 {}

/// Namespace of package `pspctl.v1`.
public enum PspctlV1 {}
/// Namespace of package `grpc.health.v1`.
public enum GRPCHealthV1 {}
/// Namespace of package `grpc.reflection.v1alpha`.
public enum GRPCReflectionV1Alpha {}
