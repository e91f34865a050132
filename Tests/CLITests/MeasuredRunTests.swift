import Foundation
import TestSupport
import XCTest

/// The measuring the hardening tests rely on: a child's own peak memory (never the test process's), its
/// exit status, the signal that ended it, and the time limit.
final class MeasuredRunTests: XCTestCase {
    func testThePeakIsTheChildsOwnNotTheTestProcesss() throws {
        // The test process holds 300 MB; a child that allocates nothing must not report it.
        let ballast = [UInt8](repeating: 1, count: 300 << 20)
        let result = try MeasuredRun.run("/bin/sh", ["-c", "exit 0"])
        withExtendedLifetime(ballast) {}
        XCTAssertEqual(result.status, 0)
        XCTAssertLessThan(result.peakRSSMegabytes, 50)
        XCTAssertGreaterThan(result.peakRSSBytes, 0)
    }

    func testStatusSignalAndTimeLimit() throws {
        XCTAssertEqual(try MeasuredRun.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]).status, 3)
        let output = try MeasuredRun.run("/bin/sh", ["-c", "echo out; echo err >&2"])
        XCTAssertEqual(output.stdout, "out\n")
        XCTAssertEqual(output.stderr, "err\n")
        let crashed = try MeasuredRun.run("/bin/sh", ["-c", "kill -SEGV $$"])
        XCTAssertEqual(crashed.signal, SIGSEGV)
        let slow = try MeasuredRun.run("/bin/sh", ["-c", "sleep 30"], timeLimit: 0.5)
        XCTAssertTrue(slow.timedOut)
        XCTAssertLessThan(slow.seconds, 10)
        let busy = try MeasuredRun.run("/bin/sh", ["-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"])
        XCTAssertGreaterThan(busy.cpuSeconds, 0.05, "a busy child's CPU time is counted")
        XCTAssertLessThan(slow.cpuSeconds, 0.5, "a sleeping child uses no CPU")
    }
}
