import XCTest
@testable import PspctlProtocol

/// Every message type decodes what it encodes, through protobuf-c.
final class RoundTripTests: XCTestCase {
    typealias P = PspctlV1

    /// Every message type of the protocol, one default value each.
    static let allTypes: [any ProtocolMessage.Type] = [
        P.Expression.self, P.Conjunction.self, P.Disjunction.self, P.Negation.self, P.Comparison.self,
        P.CompiledRule.self, P.CompiledRuleSet.self,
        P.ConvertRequest.self, P.PodSecurityPolicy.self, P.PodSecurityStandard.self,
        P.LoadRuleSetRequest.self, P.RulesFiles.self, P.RulesFile.self, P.LoadOptions.self, P.LoadRuleSetResponse.self,
        P.ListRuleSetsRequest.self, P.ListRuleSetsResponse.self, P.RuleSetSummary.self, P.RuleInfo.self,
        P.DeleteRuleSetRequest.self, P.DeleteRuleSetResponse.self,
        P.EvaluateRequest.self, P.EvaluateStart.self, P.EventBatch.self, P.EventItem.self,
        P.EvaluateResponse.self, P.ItemResult.self, P.Counts.self, P.Alert.self, P.OutputField.self,
        GRPCHealthV1.HealthCheckRequest.self, GRPCHealthV1.HealthCheckResponse.self,
        GRPCReflectionV1Alpha.ServerReflectionRequest.self, GRPCReflectionV1Alpha.ExtensionRequest.self,
        GRPCReflectionV1Alpha.ServerReflectionResponse.self, GRPCReflectionV1Alpha.FileDescriptorResponse.self,
        GRPCReflectionV1Alpha.ExtensionNumberResponse.self, GRPCReflectionV1Alpha.ListServiceResponse.self,
        GRPCReflectionV1Alpha.ServiceResponse.self, GRPCReflectionV1Alpha.ErrorResponse.self,
    ]

    func testEveryProtocMessageHasASwiftType() {
        let generated = Set(CDescriptor.all.map(\.fullName))
        let mapped = Set(Self.allTypes.map { $0.protoMessageName })
        XCTAssertEqual(generated, mapped)
        XCTAssertEqual(generated.count, 40)
    }

    func testEmptyBytesDecodeToDefaultsOfEveryType() throws {
        for type in Self.allTypes {
            let value = try type.init(decoding: [])
            XCTAssertEqual(value.encoded(), [], "\(type.protoMessageName): defaults encode to nothing")
        }
    }

    func testEveryInteropCaseRoundTrips() throws {
        for (name, message) in InteropCases.cases {
            XCTAssertTrue(try roundTrips(message), name)
        }
        // Every type appears among the cases (directly or nested), and the cases cover every top-level kind.
        XCTAssertGreaterThanOrEqual(InteropCases.cases.count, 28)
    }

    private func roundTrips<M: ProtocolMessage>(_ message: M) throws -> Bool {
        let bytes = message.encoded()
        let decoded = try M(decoding: bytes)
        return decoded == message && decoded.encoded() == bytes
    }

    func testDefaultFieldsAndEmptyOneofMembers() throws {
        // An empty oneof member is present (proto3 oneof presence) and survives a round trip.
        let item = P.EventItem(event: .k8sAuditJSON([]))
        XCTAssertEqual(item.encoded(), [0x0A, 0x00])
        XCTAssertEqual(try P.EventItem(decoding: item.encoded()), item)
        XCTAssertEqual(try P.EventItem(decoding: []).event, nil)
        let request = GRPCReflectionV1Alpha.ServerReflectionRequest(messageRequest: .listServices(""))
        XCTAssertEqual(try GRPCReflectionV1Alpha.ServerReflectionRequest(decoding: request.encoded()), request)
        // An empty sub-message is present; an absent one is nil.
        let negation = P.Negation(operand: P.Expression())
        XCTAssertEqual(negation.encoded(), [0x0A, 0x00])
        XCTAssertEqual(try P.Negation(decoding: negation.encoded()).operand, P.Expression())
        XCTAssertNil(try P.Negation(decoding: []).operand)
        // Scalars at their defaults are not written.
        XCTAssertEqual(P.Counts().encoded(), [])
        XCTAssertEqual(P.OutputField(key: "", value: "", isNull: false).encoded(), [])
    }

    func testKnownBytesOfASmallMessage() {
        // Field 1 (string) "a", field 2 (enum) 5 — the plain protobuf encoding.
        XCTAssertEqual(P.Comparison(field: "a", operator: .greater).encoded(), [0x0A, 0x01, 0x61, 0x10, 0x05])
        XCTAssertEqual(P.Counts(alerts: 300).encoded(), [0x20, 0xAC, 0x02])
    }

    func testUnicodeAndLargeRepeatedFields() throws {
        let text = String(repeating: InteropCases.unicode, count: 10_000)
        let set = P.CompiledRuleSet(id: "id", rulesYAML: text,
                                    rules: (0..<2_000).map { P.CompiledRule(name: "rule \($0) ✓", tags: ["t\($0)"]) },
                                    warnings: Array(repeating: "⚠︎", count: 10_000))
        let decoded = try P.CompiledRuleSet(decoding: set.encoded())
        XCTAssertEqual(decoded, set)
        XCTAssertEqual(decoded.rules[1999].name, "rule 1999 ✓")

        let batch = P.EventBatch(items: (0..<50_000).map { P.EventItem(event: .k8sAuditJSON(Array("{\"n\":\($0)}".utf8))) })
        XCTAssertEqual(try P.EventBatch(decoding: batch.encoded()), batch)

        let bigBytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let item = P.EventItem(event: .k8sAuditJSON(bigBytes))
        XCTAssertEqual(try P.EventItem(decoding: item.encoded()), item)
    }

    func testOpenEnumsKeepUnknownValues() throws {
        let options = P.LoadOptions(minPriority: P.Priority(rawValue: 1234))
        XCTAssertEqual(try P.LoadOptions(decoding: options.encoded()).minPriority.rawValue, 1234)
        let negative = P.Comparison(operator: P.ComparisonOperator(rawValue: -3))
        XCTAssertEqual(try P.Comparison(decoding: negative.encoded()).operator.rawValue, -3)
    }

    func testNestedExpressionWithinTheLimitRoundTrips() throws {
        // Depth: Expression(1) → Negation(2) → Expression(3) … 99 messages.
        var expression = P.Expression.compare("ka.verb", .equal, ["get"])
        for _ in 0..<49 { expression = .not(expression) }
        XCTAssertEqual(try P.Expression(decoding: expression.encoded()), expression)
    }

    func testOperatorSpellingsMatchTheConditionGrammar() {
        let spellings = ["=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "startswith", "endswith", "glob",
                         "in", "intersects", "pmatch", "exists"]
        for (i, spelling) in spellings.enumerated() {
            let op = P.ComparisonOperator(spelling: spelling)
            XCTAssertEqual(op?.rawValue, Int32(i + 1))
            XCTAssertEqual(op?.spelling, spelling)
        }
        XCTAssertNil(P.ComparisonOperator(spelling: "=="))
        XCTAssertNil(P.ComparisonOperator.unspecified.spelling)
        XCTAssertEqual([P.ComparisonOperator.in, .intersects, .pmatch], spellings.compactMap { P.ComparisonOperator(spelling: $0) }.filter(\.takesList))
        XCTAssertEqual(P.Priority.named.map(\.description),
                       ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"])
    }

    func testStringsEndAtANulWhenEncoded() throws {
        // protobuf-c strings are C strings (documented on ProtocolMessage).
        let file = P.RulesFile(name: "a\u{0}b", yaml: "x")
        XCTAssertEqual(try P.RulesFile(decoding: file.encoded()), P.RulesFile(name: "a", yaml: "x"))
    }

    func testConcurrentEncodingAndDecoding() async throws {
        let message = InteropCases.ruleSet
        let bytes = message.encoded()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<200 {
                        guard try P.CompiledRuleSet(decoding: bytes) == message, message.encoded() == bytes else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { XCTAssertTrue(ok) }
        }
    }
}

final class ExpressionValidationTests: XCTestCase {
    typealias P = PspctlV1

    func testWellFormedTreesHaveNoProblem() {
        XCTAssertNil(InteropCases.condition.structuralProblem)
        var deep = P.Expression.compare("ka.verb", .exists, [])
        // Far deeper than decoding admits (Swift itself destroys nested values recursively, so not 10^5).
        for _ in 0..<5_000 { deep = .not(deep) }
        XCTAssertNil(deep.structuralProblem)
    }

    func testProblemsAreNamedWithTheirPath() {
        XCTAssertEqual(P.Expression().structuralProblem, "condition: expression with no node set")
        XCTAssertEqual(P.Expression.and([]).structuralProblem, "condition: conjunction without operands")
        XCTAssertEqual(P.Expression(node: .negation(P.Negation())).structuralProblem, "condition: negation without operand")
        XCTAssertEqual(P.Expression.or([.compare("a", .equal, ["1"]), .not(.compare("b", .equal, []))]).structuralProblem,
                       "condition.or[1].not: b =: takes one value, has 0")
        XCTAssertEqual(P.Expression.compare("", .equal, ["x"]).structuralProblem, "condition: comparison without a field")
        XCTAssertEqual(P.Expression.compare("a", P.ComparisonOperator(rawValue: 99), ["x"]).structuralProblem,
                       "condition: a: unknown operator 99")
        XCTAssertEqual(P.Expression(node: .comparison(P.Comparison(field: "a", operator: .in, values: ["x"], valuesIsList: false)))
                        .structuralProblem, "condition: a in: values_is_list is false")
        XCTAssertEqual(P.Expression.compare("a", .exists, ["x"]).structuralProblem, "condition: a exists: takes no value")
        XCTAssertNil(P.Expression.compare("a", .pmatch, []).structuralProblem)
    }
}
