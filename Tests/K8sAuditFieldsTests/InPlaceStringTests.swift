import ConditionLanguage
import K8sAuditFields
import XCTest

/// A single JSON string value longer than a small String (`ka.user.name` here) is compared in place, on
/// its bytes; the same text as an array element (`ka.user.groups = [text]`) goes through a String. Both
/// must give the same answer for every operator, and the in-place value must read, type and render as the
/// decoded text.
final class InPlaceStringTests: XCTestCase {
    /// (JSON string literal as written in the event, its decoded text).
    private let samples: [(json: String, text: String)] = [
        (#""system:serviceaccount:kube-system:replicaset-controller""#, "system:serviceaccount:kube-system:replicaset-controller"),
        (#""quote\"and\\backslash\/slash-and-more""#, #"quote"and\backslash/slash-and-more"#),
        (#""caf\u00e9-user-\ud83d\ude00-with-escapes""#, "café-user-😀-with-escapes"),
        ("\"ünïcödé-user-written-raw\"", "ünïcödé-user-written-raw"),
        (#""exactly-16-bytes""#, "exactly-16-bytes"),
        (#""fifteen--bytes""#, "fifteen--bytes"),
        (#""user-1234567890123456789""#, "user-1234567890123456789"),
        (#""12345678901234567890123""#, "12345678901234567890123"),   // overflows int64: a string
        (#""00000000000000000007""#, "00000000000000000007"),         // the integer 7
        (#""0000000000001:000000000002""#, "0000000000001:000000000002"), // the range 1:2
        (#""-0000000000000000005""#, "-0000000000000000005"),         // the integer -5
        (#""007""#, "007"),
        (#""1:2""#, "1:2"),
        (#""-5""#, "-5"),
        (#""""#, ""),
    ]

    private func event(user json: String) throws -> K8sAuditEvent {
        try K8s.podEvent(requestObject: nil, extra: #","user":{"username":\#(json),"groups":[\#(json)]}"#)
    }

    func testInPlaceValueReadsAsTheDecodedTypedText() throws {
        for sample in samples {
            let event = try event(user: sample.json)
            let typed = K8sValue(classifying: sample.text)
            XCTAssertEqual(try K8s.extraction("ka.user.name", event), .values([typed]), sample.json)
            XCTAssertEqual(try K8s.rendered("ka.user.name", event), typed.canonical, sample.json)
            XCTAssertEqual(try K8s.extraction("ka.user.name", event), try K8s.extraction("ka.user.groups", event))
        }
    }

    /// An index selects the in-place value as element 0 (a non-array at P1 is one value).
    func testIndexSelectsTheInPlaceValue() throws {
        let pod = try K8s.pod(spec: #"{"containers":"not-a-list-but-a-long-string"}"#)
        XCTAssertEqual(try K8s.rendered("ka.req.pod.containers.run_as_user[0]", pod), "not-a-list-but-a-long-string")
        XCTAssertEqual(try K8s.rendered("ka.req.pod.containers.run_as_user[1]", pod), "<NA>")
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.run_as_user[0]", .equal, ["not-a-list-but-a-long-string"], on: pod))
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.run_as_user[1]", .equal, ["<NA>"], on: pod))
    }

    func testEveryOperatorAgreesWithTheStringPath() throws {
        let manyNames = (0..<12).map { "someone-else-entirely-\($0)" }
        for sample in samples {
            let event = try event(user: sample.json)
            let text = sample.text
            let rightHands: [(ComparisonOperator, [String])] = [
                (.equal, [text]), (.equal, [text + "x"]), (.equal, ["7"]), (.equal, ["1:2"]), (.equal, ["<NA>"]),
                (.notEqual, [text]), (.notEqual, ["other"]),
                (.in, [text]), (.in, ["a", "b"]), (.in, ["7", "1:2"]), (.in, manyNames + [text]), (.in, manyNames),
                (.intersects, ["x", text]), (.intersects, manyNames),
                (.startswith, [String(text.prefix(6))]), (.startswith, ["zzz"]),
                (.endswith, [String(text.suffix(6))]), (.endswith, ["zzz"]),
                (.contains, [String(text.dropFirst(2).prefix(5))]), (.contains, ["zzz"]),
                (.icontains, [String(text.dropFirst(1).prefix(7)).uppercased()]), (.icontains, ["ZZZ"]),
                (.glob, ["*" + String(text.suffix(3))]), (.glob, ["?zz*"]),
                (.pmatch, ["/system"]), (.less, ["m"]), (.greater, ["m"]), (.greaterOrEqual, [text]),
                (.exists, []),
            ]
            for (op, values) in rightHands {
                XCTAssertEqual(try K8s.holds("ka.user.name", op, values, on: event),
                               try K8s.holds("ka.user.groups", op, values, on: event),
                               "\(sample.json) \(op) \(values)")
            }
        }
    }

    func testInPlaceComparisonsUseDecodedBytes() throws {
        let escaped = try event(user: #""caf\u00e9-user-\ud83d\ude00-with-escapes""#)
        XCTAssertTrue(try K8s.holds("ka.user.name", .equal, ["café-user-😀-with-escapes"], on: escaped))
        XCTAssertTrue(try K8s.holds("ka.user.name", .startswith, ["café"], on: escaped))
        XCTAssertTrue(try K8s.holds("ka.user.name", .icontains, ["USER-😀"], on: escaped))
        XCTAssertFalse(try K8s.holds("ka.user.name", .equal, [#"caf\u00e9-user-\ud83d\ude00-with-escapes"#], on: escaped))
        // Byte-wise, not Unicode-canonical: a decomposed é is a different text.
        XCTAssertFalse(try K8s.holds("ka.user.name", .equal, ["cafe\u{301}-user-😀-with-escapes"], on: escaped))

        let long = try event(user: #""system:serviceaccount:kube-system:replicaset-controller""#)
        let others = (0..<20).map { "system:serviceaccount:kube-system:other-\($0)" }
        XCTAssertTrue(try K8s.holds("ka.user.name", .in, others + ["system:serviceaccount:kube-system:replicaset-controller"], on: long))
        XCTAssertFalse(try K8s.holds("ka.user.name", .in, others, on: long))
        XCTAssertTrue(try K8s.holds("ka.user.name", .endswith, [":replicaset-controller"], on: long))
        XCTAssertTrue(try K8s.holds("ka.user.name", .exists, on: long))
    }

    func testLongNumericTextsKeepTheirTyping() throws {
        XCTAssertTrue(try K8s.holds("ka.user.name", .equal, ["7"], on: event(user: #""00000000000000000007""#)))
        XCTAssertTrue(try K8s.holds("ka.user.name", .in, ["1:3"], on: event(user: #""00000000000000000002""#)))
        XCTAssertTrue(try K8s.holds("ka.user.name", .equal, ["2"], on: event(user: #""0000000000001:000000000002""#)))
        XCTAssertFalse(try K8s.holds("ka.user.name", .equal, ["7"], on: event(user: #""user-00000000000000000007""#)))
    }
}
