import K8sAuditFields
import XCTest

/// §3.4 corner cases. pspctl's correction: list membership is plain (an integer is in the list iff it
/// equals a listed integer or lies in a listed range), so list order and overlaps no longer matter.
final class RangeListTests: XCTestCase {
    private func runAsUsers(_ ids: Int...) throws -> K8sAuditEvent {
        let containers = ids.map { #"{"securityContext":{"runAsUser":\#($0)}}"# }.joined(separator: ",")
        return try K8s.pod(spec: #"{"containers":[\#(containers)]}"#)
    }

    private func isIn(_ event: K8sAuditEvent, _ list: String...) throws -> Bool {
        try K8s.holds("ka.req.pod.containers.eff_run_as_user", .in, list, on: event)
    }

    func testCornerCasesOfTheUpstreamTable() throws {
        let seven = try runAsUsers(7)
        XCTAssertTrue(try isIn(seven, "5", "1:10"))      // Falco: false (1:10 dropped as "equal" to 5)
        XCTAssertTrue(try isIn(seven, "1:10", "5"))
        XCTAssertTrue(try isIn(seven, "2:3", "1:100"))   // Falco: false (red-black tree shape)
        XCTAssertTrue(try isIn(seven, "1:100", "2:3"))
        let two = try runAsUsers(15, 50)
        XCTAssertTrue(try isIn(two, "10:20", "10:60"))
        XCTAssertFalse(try isIn(two, "10:40", "10:20", "<NA>"))
    }

    func testPlainMembership() throws {
        let event = try runAsUsers(0, 1000, 65534)
        XCTAssertTrue(try isIn(event, "0:0", "1000:2000", "65534"))
        XCTAssertFalse(try isIn(event, "1:1000", "65534"))
        XCTAssertTrue(try isIn(event, "-5:5", "900:1100", "60000:70000"))
        XCTAssertFalse(try isIn(event, "5:1", "1000", "65534"))   // reversed ranges hold nothing
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.eff_run_as_user", .intersects, ["1:999", "65534:65534"], on: event))
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.eff_run_as_user", .intersects, ["1:999", "2000:3000"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.eff_run_as_user", .intersects, ["0:0"], on: event))
    }

    func testRangeValuesAgainstIntegerLists() throws {
        // A value that is itself a range equals an integer inside it, or the identical range.
        let event = try K8s.pod(spec: #"{"securityContext":{"fsGroup":"10:20"}}"#)
        XCTAssertTrue(try K8s.holds("ka.req.pod.fs_group", .in, ["15"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.fs_group", .in, ["10:20"], on: event))
        XCTAssertFalse(try K8s.holds("ka.req.pod.fs_group", .in, ["1:100"], on: event))
        XCTAssertFalse(try K8s.holds("ka.req.pod.fs_group", .in, ["30", "10:21"], on: event))
    }

    func testIntegersAndStringsMeetAsTyped() throws {
        // JSON "80" and 80, literals 80 and "080": all the integer 80.
        let event = try K8s.pod(spec: #"{"hostNetwork":true,"containers":[{"ports":[{"hostPort":"80"},{"containerPort":80}]}]}"#)
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.host_port", .in, ["080"], on: event))
        XCTAssertTrue(try K8s.holds("ka.req.pod.containers.host_port", .equal, ["80"], on: event))
        XCTAssertFalse(try K8s.holds("ka.req.pod.containers.host_port", .in, ["eighty"], on: event))
    }
}
