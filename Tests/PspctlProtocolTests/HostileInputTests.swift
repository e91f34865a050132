import XCTest
@testable import PspctlProtocol

/// Bytes from the network: every malformed input is a thrown ProtocolDecodingError, never a crash.
final class HostileInputTests: XCTestCase {
    typealias P = PspctlV1

    private func decodingError<M: ProtocolMessage>(_ type: M.Type, _ bytes: [UInt8], limits: DecodingLimits = .default,
                                                   file: StaticString = #filePath, line: UInt = #line) -> ProtocolDecodingError? {
        do {
            _ = try M(decoding: bytes, limits: limits)
            XCTFail("\(M.protoMessageName) decoded \(bytes.prefix(16))…", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// `n` levels of Expression{negation: Negation{operand: …}} ending in an empty Expression, built from
    /// the inside out (2 bytes of header per level while lengths stay below 128, a few more after).
    private func nestedExpression(levels: Int) -> [UInt8] {
        var body: [UInt8] = []  // the innermost Expression: empty
        var reversedHeaders: [UInt8] = []
        var length = 0
        // Build headers from the innermost out, then reverse; each level is a Negation (field 3 of
        // Expression) holding an Expression (field 1 of Negation).
        for level in 0..<levels {
            let tag: UInt8 = level % 2 == 0 ? 0x0A : 0x1A  // Negation.operand = 1, Expression.negation = 3
            var varint: [UInt8] = []
            var v = length
            repeat {
                var byte = UInt8(v & 0x7F)
                v >>= 7
                if v != 0 { byte |= 0x80 }
                varint.append(byte)
            } while v != 0
            reversedHeaders += varint.reversed()
            reversedHeaders.append(tag)
            length += 1 + varint.count
        }
        body = reversedHeaders.reversed()
        return body
    }

    func testDeepNestingIsRejectedBeforeProtobufCRecurses() throws {
        // 4 MB of nesting: without the iterative check protobuf-c would recurse two million times.
        let deep = nestedExpression(levels: 1_000_000)
        XCTAssertGreaterThan(deep.count, 2_000_000)
        let error = try XCTUnwrap(decodingError(P.Expression.self, deep))
        XCTAssertEqual(error.kind, .tooDeep)
        XCTAssertTrue(error.description.hasPrefix("invalid pspctl.v1.Expression: nesting deeper than 100 messages (at byte "),
                      error.description)
        // The same bytes as a CompiledRule's condition: any entry point is bounded.
        XCTAssertEqual(decodingError(P.CompiledRule.self, [0x4A] + varint(deep.count) + deep)?.kind, .tooDeep)
    }

    func testNestingLimitIsExact() throws {
        // Expression at depth 1 plus `levels` nested messages.
        XCTAssertNoThrow(try P.Expression(decoding: nestedExpression(levels: 99)))
        XCTAssertEqual(decodingError(P.Expression.self, nestedExpression(levels: 100))?.kind, .tooDeep)
        XCTAssertNoThrow(try P.Expression(decoding: nestedExpression(levels: 9), limits: DecodingLimits(maxDepth: 10)))
        XCTAssertEqual(decodingError(P.Expression.self, nestedExpression(levels: 10), limits: DecodingLimits(maxDepth: 10))?.kind, .tooDeep)
        // A decoded deep-but-legal tree has the expected shape.
        var expression = try P.Expression(decoding: nestedExpression(levels: 98))
        var depth = 1
        while case .negation(let negation)? = expression.node, let operand = negation.operand {
            expression = operand
            depth += 2
        }
        XCTAssertEqual(depth, 99)
    }

    func testTooManyMessages() {
        // 2 bytes per empty EventItem.
        let batch: [UInt8] = (0..<2 * 1_001).map { $0 % 2 == 0 ? 0x0A : 0x00 }
        XCTAssertNoThrow(try P.EventBatch(decoding: batch, limits: DecodingLimits(maxMessages: 1_002)))
        XCTAssertEqual(decodingError(P.EventBatch.self, batch, limits: DecodingLimits(maxMessages: 1_000))?.kind, .tooManyMessages)
    }

    func testTruncatedInputs() throws {
        let bytes = InteropCases.ruleSet.encoded()
        var rejected = 0
        for cut in 0..<bytes.count {
            do {
                _ = try P.CompiledRuleSet(decoding: Array(bytes[..<cut]))
            } catch {
                rejected += 1
                XCTAssertTrue([.truncated, .invalidString].contains(error.kind), "\(cut): \(error)")
            }
        }
        XCTAssertGreaterThan(rejected, bytes.count / 2)
        XCTAssertEqual(decodingError(P.RulesFile.self, [0x0A, 0x05, 0x61])?.description,
                       "invalid pspctl.v1.RulesFile: length 5 runs past the end of its message (at byte 1)")
        XCTAssertEqual(decodingError(P.Counts.self, [0x08, 0x80])?.kind, .truncated)
        XCTAssertEqual(decodingError(P.Counts.self, [0x08])?.kind, .truncated)
    }

    func testHugeLengthsAndOverlongVarints() {
        // Length 2^62 in a 3-byte message.
        XCTAssertEqual(decodingError(P.RulesFile.self, [0x12] + varint(1 << 62))?.kind, .truncated)
        XCTAssertEqual(decodingError(P.RulesFile.self, [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])?.kind, .truncated)
        XCTAssertEqual(decodingError(P.Counts.self, [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01])?.kind, .malformed)
        XCTAssertEqual(decodingError(P.Counts.self, [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])?.kind, .malformed)
        // A nested message whose length runs past its parent's end.
        XCTAssertEqual(decodingError(P.EventBatch.self, [0x0A, 0x03, 0x0A, 0x05, 0x00, 0x00])?.kind, .truncated)
    }

    func testWrongWireTypesAndBadTags() {
        // Comparison.field (string) sent as a varint.
        let wrong = decodingError(P.Comparison.self, [0x08, 0x01])
        XCTAssertEqual(wrong?.kind, .wrongWireType)
        XCTAssertEqual(wrong?.description, "invalid pspctl.v1.Comparison: field pspctl.v1.Comparison.field (1) has wire type 0, expected 2 (at byte 0)")
        // Counts.alerts (uint64) as fixed64; a singular scalar as length-delimited (packed needs repeated).
        XCTAssertEqual(decodingError(P.Counts.self, [0x21, 0, 0, 0, 0, 0, 0, 0, 0])?.kind, .wrongWireType)
        XCTAssertEqual(decodingError(P.Counts.self, [0x22, 0x01, 0x01])?.kind, .wrongWireType)
        // A message field as a varint.
        XCTAssertEqual(decodingError(P.EvaluateRequest.self, [0x08, 0x00])?.kind, .wrongWireType)
        // Field number 0, groups, wire types 6 and 7.
        XCTAssertEqual(decodingError(P.Counts.self, [0x00, 0x00])?.kind, .malformed)
        XCTAssertEqual(decodingError(P.Counts.self, [0x0B, 0x0C])?.kind, .malformed)
        XCTAssertEqual(decodingError(P.Counts.self, [0x0E])?.kind, .malformed)
        XCTAssertEqual(decodingError(P.Counts.self, [0x0F])?.kind, .malformed)
        // A tag wider than 32 bits.
        XCTAssertEqual(decodingError(P.Counts.self, [0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00])?.kind, .malformed)
    }

    func testPackedAndUnpackedRepeatedScalars() throws {
        // ExtensionNumberResponse.extension_number (repeated int32): packed and unpacked both decode.
        let packed: [UInt8] = [0x12, 0x02, 0x01, 0x02]
        let unpacked: [UInt8] = [0x10, 0x01, 0x10, 0x02]
        XCTAssertEqual(try GRPCReflectionV1Alpha.ExtensionNumberResponse(decoding: packed).extensionNumber, [1, 2])
        XCTAssertEqual(try GRPCReflectionV1Alpha.ExtensionNumberResponse(decoding: unpacked).extensionNumber, [1, 2])
        XCTAssertEqual(decodingError(GRPCReflectionV1Alpha.ExtensionNumberResponse.self, [0x12, 0x02, 0x01, 0x80])?.kind, .truncated)
    }

    func testInvalidStrings() {
        XCTAssertEqual(decodingError(P.RulesFile.self, [0x0A, 0x03, 0x61, 0x00, 0x62])?.description,
                       "invalid pspctl.v1.RulesFile: field pspctl.v1.RulesFile.name (1) contains a NUL byte (at byte 2)")
        XCTAssertEqual(decodingError(P.RulesFile.self, [0x0A, 0x02, 0xC3, 0x28])?.kind, .invalidString)
        XCTAssertEqual(decodingError(P.RulesFile.self, [0x0A, 0x03, 0xED, 0xA0, 0x80])?.kind, .invalidString)  // a surrogate
        // In a repeated string deep inside a message.
        let rule: [UInt8] = [0x32, 0x01, 0xFF]  // CompiledRule.tags
        XCTAssertEqual(decodingError(P.CompiledRuleSet.self, [0x1A, UInt8(rule.count)] + rule)?.kind, .invalidString)
        // Bytes fields hold anything.
        XCTAssertEqual(try P.EventItem(decoding: [0x0A, 0x02, 0x00, 0xFF]).event, .k8sAuditJSON([0x00, 0xFF]))
    }

    /// The UTF-8 check (eight ASCII bytes at a time, the rest scalar by scalar) agrees with the standard
    /// library's validation wherever a bad or multi-byte sequence falls in, or at the end of, ASCII runs.
    func testUTF8CheckAgreesWithTheStandardLibrary() {
        let pieces: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xE2, 0x82], [0xFF],
                                 [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x98]]
        var generator = SplitMix64(seed: 0x7f8)
        var cases: [[UInt8]] = []
        for piece in pieces {
            for before in 0..<18 {
                for after in [0, 1, 7, 8, 9] {
                    cases.append(Array(repeating: UInt8(ascii: "a"), count: before) + piece + Array(repeating: UInt8(ascii: "b"), count: after))
                }
            }
        }
        for _ in 0..<5_000 {
            cases.append((0..<Int(generator.next() % 40)).map { _ in
                let byte = UInt8(truncatingIfNeeded: generator.next())
                return byte == 0 || generator.next() % 3 != 0 ? byte | 0x80 : byte & 0x7F | 0x01
            })
        }
        for bytes in cases {
            let valid = String(validating: bytes, as: UTF8.self) != nil
            let decoded = try? P.RulesFile(decoding: [0x0A, UInt8(bytes.count)] + bytes)
            XCTAssertEqual(decoded != nil, valid, "\(bytes)")
        }
    }

    func testUnknownFieldsAreSkipped() throws {
        // Field 2 of EventItem is a sensor event; a field of a later version decodes as "no event".
        XCTAssertEqual(try P.EventItem(decoding: [0x12, 0x03, 0x7B, 0x7D, 0x0A]), P.EventItem(event: .sensorEvent([0x7B, 0x7D, 0x0A])))
        let later: [UInt8] = [0x1A, 0x03, 0x0A, 0x01, 0x78]
        XCTAssertEqual(try P.EventItem(decoding: later), P.EventItem())
        // Unknown fields of every wire type beside a known one.
        let bytes: [UInt8] = [0xF8, 0x07, 0x05, 0xF9, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0xFD, 0x07, 1, 2, 3, 4, 0x08, 0x2A]
        XCTAssertEqual(try P.Counts(decoding: bytes), P.Counts(itemsReceived: 42))
    }

    func testRandomGarbageNeverCrashes() {
        var generator = SplitMix64(seed: 0x5eed)
        var outcomes = [0, 0]
        for round in 0..<20_000 {
            let count = Int(generator.next() % 64)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if round % 3 == 0, !bytes.isEmpty { bytes[0] = [0x0A, 0x12, 0x1A, 0x22][Int(generator.next() % 4)] }
            for type in RoundTripTests.allTypes {
                do {
                    let value = try type.init(decoding: bytes)
                    _ = value.encoded()
                    outcomes[0] += 1
                } catch {
                    outcomes[1] += 1
                    XCTAssertFalse(error.description.isEmpty)
                }
            }
        }
        XCTAssertGreaterThan(outcomes[0], 0)
        XCTAssertGreaterThan(outcomes[1], 0)
    }

    func testMutatedValidMessagesNeverCrash() throws {
        var generator = SplitMix64(seed: 42)
        let seeds = InteropCases.cases.map { ($0.message, $0.message.encoded()) }.filter { $0.1.count < 4096 }
        for (message, bytes) in seeds {
            let type = Swift.type(of: message)
            for _ in 0..<300 {
                var mutated = bytes
                for _ in 0..<Int(1 + generator.next() % 4) where !mutated.isEmpty {
                    let at = Int(generator.next() % UInt64(mutated.count))
                    switch generator.next() % 3 {
                    case 0: mutated[at] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: mutated.remove(at: at)
                    default: mutated.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
                    }
                }
                if let value = try? type.init(decoding: mutated) {
                    // Whatever decodes re-encodes and decodes to itself.
                    XCTAssertTrue(try reDecodes(value))
                }
            }
        }
    }

    private func reDecodes<M: ProtocolMessage>(_ value: M) throws -> Bool { try M(decoding: value.encoded()) == value }

    private func varint(_ value: Int) -> [UInt8] { varint(UInt64(value)) }
    private func varint(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var v = value
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }
}

/// A small deterministic generator for the garbage tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
