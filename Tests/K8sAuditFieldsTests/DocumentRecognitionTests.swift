import AuditJSON
import K8sAuditFields
import XCTest

/// §1.2: which documents are audit events, and how many.
final class DocumentRecognitionTests: XCTestCase {
    private let valid = #"{"kind":"Event","stageTimestamp":"2018-10-25T13:58:49Z"}"#

    private func count(_ document: String) -> Int? {
        try? K8sAuditDocument.events(from: Array(document.utf8)).count
    }

    func testRecognitionTable() {
        let table: [(String, Int?)] = [
            (valid, 1),
            (#"{"kind":"Event"}"#, nil),
            (#"{"kind":"event","stageTimestamp":"2018-10-25T13:58:49Z"}"#, nil),
            (#"{"stageTimestamp":"2018-10-25T13:58:49Z"}"#, nil),
            (#"{"kind":5}"#, nil),
            (#""Event""#, nil), ("5", nil), ("null", nil),
            ("[]", 0),
            (#"{"kind":"EventList"}"#, 0),
            (#"{"kind":"EventList","items":null}"#, 0),
            (#"{"kind":"EventList","items":[]}"#, 0),
            (#"{"kind":"EventList","items":[{"stageTimestamp":"2018-10-25T13:58:50Z"}]}"#, 1),
            (#"{"kind":"EventList","items":[\#(valid),{"stageTimestamp":"bad"}]}"#, nil),
            (#"{"kind":"EventList","items":[\#(valid),5]}"#, nil),
            (#"{"kind":"EventList","items":"x"}"#, nil),
            (#"{"kind":"EventList","items":{"b":\#(valid),"a":\#(valid)}}"#, 2),
            ("[\(valid), {\"kind\":\"EventList\",\"items\":[\(valid),\(valid)]}]", 3),
            ("[[\(valid)]]", nil),
            ("[\(valid), 5]", nil),
            (#"{"kind":"Event","stageTimestamp":null}"#, nil),
            (#"{"kind":"Event","stageTimestamp":5}"#, nil),
            (#"{"apiVersion":"nonsense","kind":"Event","stageTimestamp":"2018-10-25T13:58:49Z"}"#, 1),
        ]
        for (document, expected) in table {
            XCTAssertEqual(count(document), expected, document)
        }
    }

    func testErrorsNameTheProblem() {
        func reason(_ document: String) -> String? {
            do { _ = try K8sAuditDocument.events(from: Array(document.utf8)); return nil } catch {
                XCTAssertEqual(error.description, "Data not recognized as a k8s audit event")
                if case .notAuditEvent(let reason) = error { return reason }
                return nil
            }
        }
        XCTAssertEqual(reason(#"{"kind":"Pod","stageTimestamp":"2018-10-25T13:58:49Z"}"#),
                       #"the "kind" of the document is "Pod", not "Event" or "EventList""#)
        XCTAssertEqual(reason(#"{"kind":"Event"}"#), #"the document has no "stageTimestamp""#)
        XCTAssertEqual(reason("[[]]"), "element 1 of the top-level array is an array (only one level of array is allowed)")
        XCTAssertEqual(reason(#"{"kind":"EventList","items":[5]}"#),
                       "item 1 of the EventList in the document is a JSON number, not an object")
        XCTAssertEqual(reason(#"{"kind":"Event","stageTimestamp":"soon"}"#),
                       #"the "stageTimestamp" of the document, "soon", is not a valid time"#)
    }

    func testNotJSONKeepsTheParserMessage() {
        XCTAssertThrowsError(try K8sAuditDocument.events(from: Array("{".utf8))) { error in
            guard case .notJSON = error as? K8sAuditInputError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix("Could not parse data: [json.exception.parse_error.101] parse error at 2"), "\(error)")
        }
    }

    func testOrderAndKindRewriteOfEventListItems() throws {
        let document = #"""
        [{"kind":"Event","auditID":"1","stageTimestamp":"2018-10-25T13:58:49Z"},
         {"kind":"EventList","apiVersion":"v1","items":[{"auditID":"2","stageTimestamp":"2018-10-25T13:58:50Z"},
                                                       {"kind":"Other","auditID":"3","stageTimestamp":"2018-10-25T13:58:51Z"},
                                                       {"kind":"Event","auditID":"4","stageTimestamp":"2018-10-25T13:58:52Z"}]}]
        """#
        let events = try K8sAuditDocument.events(from: Array(document.utf8))
        XCTAssertEqual(events.map { try? K8s.rendered("ka.auditid", $0) }, ["1", "2", "3", "4"])
        XCTAssertEqual(events.map(\.kindWasRewritten), [false, true, true, false])
        XCTAssertEqual(try K8s.rendered("jevt.value[/kind]", events[1]), "Event")
        XCTAssertEqual(try K8s.rendered("jevt.value[/kind]", events[2]), "Event")
        XCTAssertEqual(try K8s.rendered("jevt.value[/kind/x]", events[2]), "<NA>")
        XCTAssertEqual(try K8s.rendered("jevt.obj", events[1]),
                       #"{"auditID":"2","kind":"Event","stageTimestamp":"2018-10-25T13:58:50Z"}"#)
        XCTAssertEqual(try K8s.rendered("jevt.obj", events[2]),
                       #"{"auditID":"3","kind":"Event","stageTimestamp":"2018-10-25T13:58:51Z"}"#)
        // Nothing from the list object is copied into the items.
        XCTAssertEqual(try K8s.rendered("jevt.value[/apiVersion]", events[1]), "<NA>")
    }
}
