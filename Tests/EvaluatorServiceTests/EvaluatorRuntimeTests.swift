import Foundation
import TestSupport
import XCTest

/// EvaluatorService on ServiceRuntime: health (through `pspctl health`), key=value logs, SIGTERM.
final class EvaluatorRuntimeTests: XCTestCase {
    private var evaluator: EvaluatorProcess!

    override func setUpWithError() throws {
        evaluator = try EvaluatorProcess(arguments: ["--shutdown-grace", "2"])
    }

    override func tearDown() {
        evaluator?.stop()
        evaluator = nil
    }

    func testHealthThroughPspctl() throws {
        let whole = try Pspctl.run(["health", evaluator.address])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let service = try Pspctl.run(["health", evaluator.address, "--service", "pspctl.v1.Evaluator"])
        XCTAssertEqual(service.status, 0, service.stderr)
        let converter = try Pspctl.run(["health", evaluator.address, "--service", "pspctl.v1.Converter"])
        XCTAssertEqual(converter.stderr, "pspctl health: \(evaluator.address) does not know the service pspctl.v1.Converter\n")
        XCTAssertEqual(converter.status, 1)
    }

    func testLogsAreKeyValueLines() {
        XCTAssertTrue(evaluator.logText.contains("msg=\"listening on \(evaluator.address)\""), evaluator.logText)
        XCTAssertTrue(evaluator.logText.contains("address=\(evaluator.address)"), evaluator.logText)
    }

    func testSIGTERMExitsZeroPromptly() {
        XCTAssertNil(evaluator.problemStoppingOnSIGTERM())
    }

    func testABadOptionIsExit2() throws {
        for arguments in [["--max-rule-sets", "0"], ["--workers", "0"], ["--workers", "many"]] {
            XCTAssertEqual(try ServiceProcess.runToExit("EvaluatorService", arguments).status, 2, "\(arguments)")
        }
    }
}
