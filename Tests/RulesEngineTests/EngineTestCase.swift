import XCTest
import K8sAuditFields
@testable import RulesEngine

/// Shared helpers: load rules text into a fresh engine and evaluate audit events against it.
class EngineTestCase: XCTestCase {
    func engine(_ rules: String..., options: RulesEngine.Options = .init(),
                file: StaticString = #filePath, line: UInt = #line) throws -> RulesEngine {
        let engine = RulesEngine(options: options)
        for (i, text) in rules.enumerated() { try engine.load(text: text, name: "rules\(i).yaml") }
        return engine
    }

    /// The load error message (without context) for rules text that must fail.
    func loadError(_ rules: String..., file: StaticString = #filePath, line: UInt = #line) -> RulesLoadError? {
        let engine = RulesEngine()
        do {
            for (i, text) in rules.enumerated() { try engine.load(text: text, name: "rules\(i).yaml") }
            XCTFail("expected a load error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// Names of the rules an audit event (JSON text) triggers.
    func fired(_ engine: RulesEngine, _ event: String, allMatches: Bool = false) throws -> [String] {
        let events = try K8sAuditDocument.events(from: Array(event.utf8))
        return try events.flatMap { try engine.matches(for: K8sEventContext(event: $0), allMatches: allMatches).map(\.name) }
    }

    /// A minimal audit event with the given fields merged in (JSON object members text).
    func event(_ members: String = "") -> String {
        let extra = members.isEmpty ? "" : "," + members
        return #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","auditID":"a1","stageTimestamp":"2022-03-01T12:00:00.654321Z","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"default","name":"web"}"# + extra + "}"
    }
}
