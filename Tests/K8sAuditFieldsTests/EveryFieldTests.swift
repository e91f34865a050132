import K8sAuditFields
import XCTest

/// Every field of the catalogue on events that lack the data or give it the wrong shape: a clear `<NA>`
/// (or the field's documented default), never a crash.
final class EveryFieldTests: XCTestCase {
    /// A reference text for each field (index-taking fields get a sample index).
    private func sampleReference(_ field: K8sFieldInfo) -> String {
        switch field.indexMode {
        case .requiredKey: return field.name == "jevt.value" ? "jevt.value[/requestObject/spec]" : field.name + "[x]"
        default: return field.name
        }
    }

    /// What each field gives when the event carries nothing but `kind` and `stageTimestamp`.
    private let bareResults: [String: K8sExtraction] = [
        "jevt.time.iso8601": strings("2022-03-01T10:00:00.000000000+0000"),
        "jevt.time": strings("10:00:00.000000000"),
        "jevt.rawtime": integers(1_646_128_800_000_000_000),
        "jevt.obj": strings(#"{"kind":"Event","stageTimestamp":"2022-03-01T10:00:00Z"}"#),
        "ka.req.binding.subject.has_name": strings("false"),
    ]

    func testEveryFieldOnABareEvent() throws {
        setenv("TZ", "UTC", 1)
        let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"2022-03-01T10:00:00Z"}"#)
        for field in K8sFieldRegistry.falco.fields {
            let expected = bareResults[field.name] ?? .failure
            XCTAssertEqual(try K8s.extraction(sampleReference(field), event), expected, field.name)
            if expected == .failure { XCTAssertEqual(try K8s.rendered(sampleReference(field), event), "<NA>", field.name) }
        }
    }

    func testEveryFieldOnWrongShapes() throws {
        // requestObject / spec / containers / volumes of the wrong JSON type, arrays where objects belong.
        let shapes = [
            #""requestObject":"a string""#, #""requestObject":[1,2]"#, #""requestObject":{"spec":5}"#,
            #""requestObject":{"spec":{"containers":"x","volumes":7,"securityContext":[]}}"#,
            #""requestObject":{"spec":{"containers":[null,[],{"securityContext":"x","ports":"y"}],"volumes":[null]}}"#,
            #""user":"x","objectRef":[],"annotations":5,"responseStatus":{"code":[]}"#,
        ]
        let podFields = K8sFieldRegistry.falco.fields.filter { $0.name.hasPrefix("ka.req.") }
        for shape in shapes {
            let event = try K8s.event(#"{"kind":"Event","stageTimestamp":"2022-03-01T10:00:00Z",\#(shape)}"#)
            for field in K8sFieldRegistry.falco.fields {
                let reference = sampleReference(field)
                // A scalar volume list is visited as one volume that is not an object: upstream's
                // evaluation error, kept (a clear error, not a crash).
                if reference == "ka.req.pod.volumes.volume_type", shape.contains(#""volumes":7"#) {
                    XCTAssertThrowsError(try K8s.extraction(reference, event))
                } else {
                    XCTAssertNoThrow(try K8s.extraction(reference, event), "\(reference) on \(shape)")
                }
                XCTAssertFalse(try K8s.rendered(reference, event).isEmpty, "\(reference) on \(shape)")
            }
            for field in podFields where shape.hasPrefix(#""requestObject":"a"#) || shape.hasPrefix(#""requestObject":["#) {
                let expected: K8sExtraction = field.name == "ka.req.binding.subject.has_name" ? strings("false") : .failure
                XCTAssertEqual(try K8s.extraction(sampleReference(field), event), expected, "\(field.name) on \(shape)")
            }
        }
    }

    func testOddContainerShapes() throws {
        let event = try K8s.pod(spec: #"{"containers":[null,[],{"securityContext":"x","ports":"y"}],"volumes":[null]}"#)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.privileged", event), .values([na, na, na]))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.image", event), .failure)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.host_port", event), noValues)
        XCTAssertEqual(try K8s.extraction("ka.req.container.privileged", event), strings("false"))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.containers.eff_run_as_user", event), integers(0, 0, 0))
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.volume_type", event), noValues)
        XCTAssertEqual(try K8s.extraction("ka.req.pod.volumes.hostpath", event), .values([na]))
    }
}
