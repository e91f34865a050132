import ConditionLanguage
import K8sAuditFields
import XCTest

/// §3.3: every operator against a single value, several values, zero values and `<NA>`, with pspctl's
/// corrections (`exists`, `pmatch`, `icontains`/`endswith`/`glob`, indexes, plain list membership).
final class OperatorTests: XCTestCase {
    /// ka.user.groups gives V = the groups array, so each shape is one event away.
    private func user(groups: String) throws -> K8sAuditEvent {
        try K8s.podEvent(requestObject: nil, extra: #","user":{"username":"007","groups":\#(groups)}"#)
    }
    private var single, multi, duplicates, zero, missing: K8sAuditEvent!

    override func setUpWithError() throws {
        single = try user(groups: #"["dev"]"#)
        multi = try user(groups: #"["dev","ops","dev"]"#)
        duplicates = try user(groups: #"["dev","dev"]"#)
        zero = try user(groups: "[]")
        missing = try K8s.podEvent(requestObject: nil)   // no user → <NA>
    }

    private func groups(_ op: ComparisonOperator, _ values: String..., on event: K8sAuditEvent) throws -> Bool {
        try K8s.holds("ka.user.groups", op, values, on: event)
    }

    func testEqualComparesDeduplicatedSets() throws {
        XCTAssertTrue(try groups(.equal, "dev", on: single))
        XCTAssertFalse(try groups(.equal, "ops", on: single))
        XCTAssertFalse(try groups(.equal, "dev", on: multi))
        XCTAssertTrue(try groups(.equal, "dev", on: duplicates))        // S = {dev}
        XCTAssertFalse(try groups(.equal, "dev", on: zero))
        XCTAssertFalse(try groups(.equal, "<NA>", on: zero))
        XCTAssertTrue(try groups(.equal, "<NA>", on: missing))
        XCTAssertFalse(try groups(.equal, "dev", on: missing))
    }

    func testNotEqualIsNotEqual() throws {
        XCTAssertFalse(try groups(.notEqual, "dev", on: single))
        XCTAssertTrue(try groups(.notEqual, "ops", on: single))
        XCTAssertTrue(try groups(.notEqual, "dev", on: multi))
        XCTAssertFalse(try groups(.notEqual, "dev", on: duplicates))
        XCTAssertTrue(try groups(.notEqual, "dev", on: zero))
        XCTAssertFalse(try groups(.notEqual, "<NA>", on: missing))
        XCTAssertTrue(try groups(.notEqual, "dev", on: missing))
    }

    func testOrderingNeedsExactlyOneValueOfTheSameKind() throws {
        XCTAssertTrue(try groups(.less, "e", on: single))
        XCTAssertTrue(try groups(.lessOrEqual, "dev", on: single))
        XCTAssertFalse(try groups(.greater, "dev", on: single))
        XCTAssertTrue(try groups(.greaterOrEqual, "dev", on: single))
        XCTAssertTrue(try groups(.greater, "Dev", on: single))          // bytewise: 'd' > 'D'
        XCTAssertFalse(try groups(.less, "z", on: multi))
        XCTAssertFalse(try groups(.greaterOrEqual, "dev", on: duplicates))   // |V| = 2
        XCTAssertFalse(try groups(.less, "z", on: zero))
        XCTAssertTrue(try groups(.less, "z", on: missing))              // <NA> is a string
        XCTAssertFalse(try groups(.less, "5", on: missing))             // never against an integer
        XCTAssertFalse(try groups(.less, "5", on: single))
    }

    func testNumericOrderingAndRanges() throws {
        let event = try K8s.event(Fixtures.podCreate)   // response code 201
        XCTAssertTrue(try K8s.holds("ka.response.code", .greaterOrEqual, ["200"], on: event))
        XCTAssertTrue(try K8s.holds("ka.response.code", .less, ["300"], on: event))
        XCTAssertFalse(try K8s.holds("ka.response.code", .greater, ["201"], on: event))
        XCTAssertTrue(try K8s.holds("ka.response.code", .lessOrEqual, ["201"], on: event))
        XCTAssertFalse(try K8s.holds("ka.response.code", .less, ["abc"], on: event))
        XCTAssertFalse(try K8s.holds("ka.response.code", .greaterOrEqual, ["200:299"], on: event))
        XCTAssertTrue(try K8s.holds("ka.response.code", .equal, ["200:299"], on: event))
        XCTAssertFalse(try K8s.holds("ka.response.code", .equal, ["299:200"], on: event))   // a reversed range holds nothing
        XCTAssertTrue(try K8s.holds("ka.response.code", .equal, ["0201"], on: event))
        XCTAssertTrue(try K8s.holds("ka.response.code", .notEqual, ["300:399"], on: event))
        let ranged = try K8s.pod(spec: #"{"securityContext":{"runAsUser":"5:10"}}"#)     // a range value
        XCTAssertTrue(try K8s.holds("ka.req.pod.run_as_user", .greater, ["4:99"], on: ranged))
        XCTAssertTrue(try K8s.holds("ka.req.pod.run_as_user", .lessOrEqual, ["5:10"], on: ranged))
        XCTAssertTrue(try K8s.holds("ka.req.pod.run_as_user", .equal, ["7"], on: ranged))
    }

    func testContainsAndStartswithUseCanonicalText() throws {
        XCTAssertTrue(try groups(.contains, "e", on: single))
        XCTAssertTrue(try groups(.contains, "", on: single))
        XCTAssertFalse(try groups(.contains, "e", on: multi))
        XCTAssertFalse(try groups(.contains, "e", on: zero))
        XCTAssertTrue(try groups(.contains, "NA", on: missing))
        XCTAssertTrue(try groups(.startswith, "de", on: single))
        XCTAssertFalse(try groups(.startswith, "de", on: duplicates))
        XCTAssertFalse(try groups(.startswith, "de", on: zero))
        XCTAssertTrue(try groups(.startswith, "<N", on: missing))
        // A user named 007 is the integer 7: canonical text "7".
        XCTAssertFalse(try K8s.holds("ka.user.name", .startswith, ["0"], on: single))
        XCTAssertTrue(try K8s.holds("ka.user.name", .contains, ["07"], on: single))
        XCTAssertTrue(try K8s.holds("ka.response.code", .startswith, ["2"], on: K8s.event(Fixtures.podCreate)))
    }

    func testIcontainsEndswithAndGlobWork() throws {
        // pspctl's correction: Falco failed the evaluation with these operators.
        XCTAssertTrue(try groups(.icontains, "EV", on: single))
        XCTAssertTrue(try groups(.icontains, "dEv", on: single))
        XCTAssertFalse(try groups(.icontains, "x", on: single))
        XCTAssertFalse(try groups(.icontains, "DEV", on: multi))
        XCTAssertFalse(try groups(.icontains, "", on: zero))
        XCTAssertTrue(try groups(.icontains, "<na>", on: missing))
        XCTAssertTrue(try groups(.endswith, "ev", on: single))
        XCTAssertFalse(try groups(.endswith, "de", on: single))
        XCTAssertFalse(try groups(.endswith, "ev", on: duplicates))
        XCTAssertFalse(try groups(.endswith, "", on: zero))
        XCTAssertTrue(try groups(.endswith, "A>", on: missing))
        XCTAssertTrue(try groups(.glob, "d*", on: single))
        XCTAssertTrue(try groups(.glob, "d?v", on: single))
        XCTAssertTrue(try groups(.glob, "[a-d]ev", on: single))
        XCTAssertFalse(try groups(.glob, "[!d]ev", on: single))
        XCTAssertFalse(try groups(.glob, "de", on: single))
        XCTAssertFalse(try groups(.glob, "*", on: multi))
        XCTAssertFalse(try groups(.glob, "*", on: zero))
        XCTAssertTrue(try groups(.glob, "<*>", on: missing))
        let event = try K8s.event(Fixtures.podCreate)
        XCTAssertTrue(try K8s.holds("ka.uri", .glob, ["/api/*/pods?*"], on: event))   // * crosses /
        XCTAssertTrue(try K8s.holds("ka.uri", .glob, [#"/api/v1/namespaces/default/pods\?*"#], on: event))
        XCTAssertTrue(try K8s.holds("ka.user.name", .icontains, ["ALI"], on: event))
    }

    func testInIsEveryValueInTheList() throws {
        XCTAssertTrue(try groups(.in, "dev", "x", on: single))
        XCTAssertFalse(try groups(.in, "x", on: single))
        XCTAssertTrue(try groups(.in, "ops", "dev", on: multi))
        XCTAssertFalse(try groups(.in, "dev", on: multi))
        XCTAssertTrue(try groups(.in, "x", on: zero))                   // vacuous
        XCTAssertTrue(try groups(.in, on: zero))
        XCTAssertFalse(try groups(.in, on: single))
        XCTAssertFalse(try groups(.in, "dev", on: missing))
        XCTAssertTrue(try groups(.in, "dev", "<NA>", on: missing))
    }

    func testIntersectsIsAnyValueInTheList() throws {
        XCTAssertTrue(try groups(.intersects, "dev", on: single))
        XCTAssertFalse(try groups(.intersects, "x", on: single))
        XCTAssertTrue(try groups(.intersects, "ops", on: multi))
        XCTAssertFalse(try groups(.intersects, "x", "y", on: multi))
        XCTAssertFalse(try groups(.intersects, "dev", "<NA>", on: zero))
        XCTAssertFalse(try groups(.intersects, "dev", on: missing))
        XCTAssertTrue(try groups(.intersects, "<NA>", on: missing))
    }

    func testExistsMeansSomeValueOtherThanNA() throws {
        // pspctl's correction: Falco said false for every multi-valued field.
        XCTAssertTrue(try groups(.exists, on: single))
        XCTAssertTrue(try groups(.exists, on: multi))
        XCTAssertFalse(try groups(.exists, on: zero))
        XCTAssertFalse(try groups(.exists, on: missing))
        let privileged = try K8s.event(Fixtures.podCreate)   // [true, <NA>]
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.privileged", .exists, on: privileged))
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.privileged[1]", .exists, on: privileged))
        let none = try K8s.pod(spec: #"{"containers":[{},{}]}"#)   // [<NA>, <NA>]
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.privileged", .exists, on: none))
    }

    func testPmatchChecksEveryRealValueAgainstThePaths() throws {
        // pspctl's correction: Falco ignored the list and was true only without real values.
        func hostPaths(_ paths: String, _ allowed: String...) throws -> Bool {
            let volumes = paths.split(separator: ",").map { #"{"name":"v","hostPath":{"path":"\#($0)"}}"# }
            let event = try K8s.pod(spec: #"{"volumes":[{"name":"e","emptyDir":{}},\#(volumes.joined(separator: ","))]}"#)
            return try K8s.holds("ka.req.pod.volumes.hostpath", .pmatch, allowed, on: event)
        }
        XCTAssertTrue(try hostPaths("/etc", "/etc", "<NA>"))
        XCTAssertTrue(try hostPaths("/etc/ssl/certs", "/etc"))
        XCTAssertTrue(try hostPaths("/etc/", "/etc"))
        XCTAssertTrue(try hostPaths("//etc//x", "/etc/"))
        XCTAssertFalse(try hostPaths("/etcx", "/etc"))
        XCTAssertFalse(try hostPaths("/et", "/etc"))
        XCTAssertFalse(try hostPaths("/etc,/var/log", "/etc"))
        XCTAssertTrue(try hostPaths("/etc,/var/log", "/var", "/etc"))
        XCTAssertTrue(try hostPaths("/anything", "/"))
        XCTAssertFalse(try hostPaths("/usr", "<NA>"))
        XCTAssertTrue(try K8s.holds("ka.req.pod.volumes.hostpath", .pmatch, ["/usr"], on: K8s.pod(spec: #"{"volumes":[{"emptyDir":{}}]}"#)))
        XCTAssertTrue(try K8s.holds("ka.req.pod.volumes.hostpath", .pmatch, ["/usr"], on: K8s.pod(spec: #"{"volumes":[]}"#)))
        XCTAssertTrue(try K8s.holds("ka.req.pod.volumes.hostpath", .pmatch, [], on: K8s.event(Fixtures.metadataOnly)))
        XCTAssertFalse(try K8s.holds("ka.req.pod.volumes.hostpath", .pmatch, [], on: K8s.event(Fixtures.podCreate)))
    }

    func testIndexesSelectForSetOperatorsToo() throws {
        // pspctl's correction: Falco kept the unindexed set S for =, in, intersects and pmatch.
        let event = try K8s.event(Fixtures.podCreate)   // privileged [true, <NA>]
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.privileged[0]", .equal, ["true"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.privileged[0]", .in, ["true"], on: event))
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.privileged[1]", .intersects, ["true"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.privileged[5]", .equal, ["<NA>"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.volumes.hostpath[1]", .pmatch, ["/etc"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.image[1]", .equal, ["docker.io/library/busybox@sha256:abc"], on: event))
    }

    func testStringsCompareByBytes() throws {
        // "é" precomposed and decomposed are equal for Swift's String ==, but not for Falco.
        let event = try K8s.podEvent(requestObject: nil, extra: #","user":{"username":"caf\u00e9"}"#)
        XCTAssertTrue(try K8s.holds("ka.user.name", .equal, ["caf\u{e9}"], on: event))
        XCTAssertFalse(try K8s.holds("ka.user.name", .equal, ["cafe\u{301}"], on: event))
        XCTAssertFalse(try K8s.holds("ka.user.name", .in, ["cafe\u{301}"], on: event))
        XCTAssertTrue(try K8s.holds("ka.user.name", .in, (1...20).map { "user\($0)" } + ["caf\u{e9}"], on: event))
        XCTAssertFalse(try K8s.holds("ka.user.name", .in, (1...20).map { "user\($0)" } + ["cafe\u{301}"], on: event))
    }

    func testChecksShareOneExtractionPerEvent() throws {
        // Each field is extracted once per event, however many checks and outputs use it.
        let calls = CallCounter()
        let registry = K8sFieldRegistry.falco.adding([
            K8sFieldDefinition(name: "ka.counted", description: "counts extractions", indexMode: .optionalNumeric) { _, _ in
                calls.increment()
                return .values([.string("a"), .string("b")])
            },
        ])
        let checks = try [("=", ComparisonOperator.equal, ["a"]), ("in", .in, ["a", "b"]), ("exists", .exists, [])].map {
            try K8sCheck(Comparison(field: "ka.counted", op: $0.1, values: $0.2), registry: registry)
        }
        let context = K8sEventContext(event: try K8s.event(Fixtures.podCreate))
        XCTAssertEqual(try checks.map { try $0.evaluate(in: context) }, [false, true, true])
        XCTAssertEqual(try K8sOutputFormat(parsing: "%ka.counted %ka.counted_x", registry: registry).render(in: context), "(a,b) (a,b)_x")
        XCTAssertEqual(calls.value, 1)
        // An indexed reference is its own extraction; a new event extracts again.
        XCTAssertEqual(try registry.reference("ka.counted[1]").extraction(in: context), strings("b"))
        XCTAssertEqual(calls.value, 2)
        XCTAssertTrue(try checks[1].evaluate(in: K8sEventContext(event: K8s.event(Fixtures.metadataOnly))))
        XCTAssertEqual(calls.value, 3)
    }
}

/// A thread-safe counter for extraction closures.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
