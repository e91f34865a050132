import AuditJSON
import ConditionLanguage
import K8sAuditFields
import XCTest

/// Builds events and evaluates fields through the public API only.
enum K8s {
    static let registry = K8sFieldRegistry.falco

    /// The single event of a one-event document.
    static func event(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> K8sAuditEvent {
        let events = try K8sAuditDocument.events(from: Array(json.utf8))
        XCTAssertEqual(events.count, 1, "expected exactly one event", file: file, line: line)
        return try XCTUnwrap(events.first, file: file, line: line)
    }

    /// An audit event around `requestObject` (pass the object's JSON text, or nil for none).
    static func podEvent(requestObject: String?, extra: String = "") throws -> K8sAuditEvent {
        let object = requestObject.map { #","requestObject":\#($0)"# } ?? ""
        return try event(#"{"kind":"Event","stageTimestamp":"2022-03-01T10:00:00.123456Z","verb":"create","objectRef":{"resource":"pods","namespace":"default","name":"web"}"# + object + extra + "}")
    }

    /// A pod event whose `spec` is `spec` (JSON text).
    static func pod(spec: String) throws -> K8sAuditEvent {
        try podEvent(requestObject: #"{"kind":"Pod","spec":\#(spec)}"#)
    }

    static func extraction(_ field: String, _ event: K8sAuditEvent) throws -> K8sExtraction {
        try registry.reference(field).extraction(in: K8sEventContext(event: event))
    }

    static func rendered(_ field: String, _ event: K8sAuditEvent) throws -> String {
        try registry.reference(field).render(in: K8sEventContext(event: event))
    }

    static func holds(_ field: String, _ op: ComparisonOperator, _ values: [String] = [],
                      on event: K8sAuditEvent) throws -> Bool {
        try K8sCheck(Comparison(field: field, op: op, values: values), registry: registry)
            .evaluate(in: K8sEventContext(event: event))
    }

    /// The load-time error message for a check, or nil when it compiles.
    static func checkError(_ field: String, _ op: ComparisonOperator = .exists, _ values: [String] = [],
                           registry: K8sFieldRegistry = registry) -> String? {
        do {
            _ = try K8sCheck(Comparison(field: field, op: op, values: values), registry: registry)
            return nil
        } catch { return error.message }
    }
}

/// Shorthands for expected extractions.
func strings(_ values: String...) -> K8sExtraction { .values(values.map(K8sValue.string)) }
func integers(_ values: Int64...) -> K8sExtraction { .values(values.map(K8sValue.integer)) }
let noValues = K8sExtraction.values([])
let na = K8sValue.notAvailable
