import ConditionLanguage
import K8sAuditFields
import XCTest

/// `K8sEqualitySwitch` decides a group of `field = "word"` checks at once; whenever it decides, each
/// member's own evaluation must agree, and it must leave every other value shape to the members.
final class EqualitySwitchTests: XCTestCase {
    private let words = ["pods", "services", "configmaps", "<NA>", "a-resource-name-longer-than-fifteen-bytes", "é"]

    private func checks(_ field: String, _ words: [String]) throws -> [K8sCheck] {
        try words.map { try K8sCheck(Comparison(field: field, op: .equal, values: [$0]), registry: K8s.registry) }
    }

    func testGroupsOnlyStringEqualityOnTheSameField() throws {
        let mixed = try checks("ka.target.resource", ["pods", "services"])
            + [try K8sCheck(Comparison(field: "ka.target.resource", op: .notEqual, values: ["pods"]), registry: K8s.registry),
               try K8sCheck(Comparison(field: "ka.target.resource", op: .equal, values: ["7"]), registry: K8s.registry),
               try K8sCheck(Comparison(field: "ka.verb", op: .equal, values: ["create"]), registry: K8s.registry)]
            + checks("ka.target.resource", ["nodes"])
        let switches = K8sEqualitySwitch.switches(over: mixed)
        XCTAssertEqual(switches.map(\.members), [[0, 1, 5]], "integer words, other operators and single checks stay out")
    }

    func testDecisionsAgreeWithTheChecks() throws {
        let members = try checks("ka.target.resource", words)
        let checkSwitch = try XCTUnwrap(K8sEqualitySwitch.switches(over: members).first)
        let resources = [#""pods""#, #""services""#, #""secrets""#, #""a-resource-name-longer-than-fifteen-bytes""#,
                         #""\u00e9""#, #""p\u006fds""#, #""""#, "7", "null", "true", #"["pods"]"#, #"{"a":1}"#, #""<NA>""#]
        var decided = 0
        for resource in resources {
            let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"2022-03-01T10:00:00Z","objectRef":{"resource":\#(resource)}}"#)
            let decision = try checkSwitch.decide(in: K8sEventContext(event: event))
            guard case .decided(let holding) = decision else { continue }
            decided += 1
            for (position, check) in members.enumerated() {
                XCTAssertEqual(try check.evaluate(in: K8sEventContext(event: event)), position == holding,
                               "resource \(resource), check \(words[position])")
            }
        }
        // Everything but the number is one string value (null, true, objects and one-element arrays too).
        XCTAssertEqual(decided, resources.count - 1)
    }

    func testLeavesMissingValuesToTheChecks() throws {
        let members = try checks("ka.target.resource", words)
        let checkSwitch = try XCTUnwrap(K8sEqualitySwitch.switches(over: members).first)
        let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"2022-03-01T10:00:00Z","objectRef":{}}"#)
        XCTAssertEqual(try checkSwitch.decide(in: K8sEventContext(event: event)), .undecided)
        // A missing value is `<NA>`, which equals the word "<NA>" (Falco's behaviour).
        XCTAssertEqual(try members.map { try $0.evaluate(in: K8sEventContext(event: event)) },
                       words.map { $0 == "<NA>" })
    }
}
