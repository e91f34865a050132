import AuditJSON
import Foundation
import PodSecurity
import XCTest

/// The case table (PSSCases.swift) against the library: PSA's verdict, the failing check and its exact
/// wording, for pods on both sides of every version boundary.
final class CheckCaseTests: XCTestCase {
    func testEveryCaseGetsPodSecurityAdmissionsVerdictAndWording() throws {
        for testCase in pssCases {
            let view = PodSpecView(podOrTemplate: try yamlDocument(testCase.pod))
            let result = CheckRegistry.standard.evaluate(view, level: testCase.level,
                                                         version: try PolicyVersion(parsing: testCase.version))
            XCTAssertEqual(result.violations.map(\.checkID), testCase.forbidden.map { [$0.check] } ?? [],
                           "\(testCase)", line: testCase.line)
            XCTAssertEqual(result.forbiddenDetail, testCase.forbidden?.message ?? "", "\(testCase)", line: testCase.line)
            XCTAssertEqual(result.allowed, testCase.forbidden == nil, "\(testCase)", line: testCase.line)
        }
    }

    func testTheCheckFieldSelectorsGiveTheSameResultAsTheRegistry() throws {
        for testCase in pssCases {
            guard let (check, message) = testCase.forbidden else { continue }
            let entry = try XCTUnwrap(PolicySelector.checkEntry("\(check)/\(testCase.version)"), "\(testCase)")
            let result = entry.evaluate(PodSpecView(podOrTemplate: try yamlDocument(testCase.pod)))
            XCTAssertEqual(result.reasonWithDetail, message, "\(testCase)", line: testCase.line)
        }
    }

    func testPodsReadFromJSONAndFromYAMLAreTheSame() throws {
        for testCase in pssCases {
            let yaml = try yamlDocument(testCase.pod)
            let json = try JSONSerialization.data(withJSONObject: jsonValue(yaml))
            let document = try JSONDocument(parsing: [UInt8](json))
            XCTAssertEqual(PodSpecView(podOrTemplate: document.root), PodSpecView(podOrTemplate: yaml),
                           "\(testCase)", line: testCase.line)
        }
    }

    func testEveryCheckHasAFailingCase() {
        let failing = Set(pssCases.compactMap { $0.forbidden?.check })
        for check in CheckRegistry.standard.checks {
            XCTAssertTrue(failing.contains(check.id), "no failing case for \(check.id)")
        }
    }

    /// Every version where a check changes has a case at that version and one just below it.
    func testEveryVersionBoundaryIsExercisedOnBothSides() throws {
        let versions = Set(pssCases.map(\.version))
        for check in CheckRegistry.standard.checks {
            for entry in check.versions where entry.minimumVersion != .v(1, 0) {
                XCTAssertTrue(versions.contains(entry.minimumVersion.description), "\(check.id) at \(entry.minimumVersion)")
                XCTAssertTrue(versions.contains(PolicyVersion.v(1, entry.minimumVersion.minor - 1).description),
                              "\(check.id) below \(entry.minimumVersion)")
            }
        }
    }
}
