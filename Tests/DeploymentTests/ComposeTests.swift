import Foundation
import TestSupport
import XCTest
import YAMLKit

/// docker/compose.yaml: valid against the Compose Specification's schema (check-jsonschema's bundled
/// copy, offline), and each service hardened and health-checked as the Kubernetes pods are.
final class ComposeTests: XCTestCase {
    private var composeFile: URL { Deployment.dockerDirectory.appendingPathComponent("compose.yaml") }

    func testComposeFileValidatesAgainstTheComposeSpecification() throws {
        let checker = try Tool.require("check-jsonschema")
        let result = try Tool.run(checker, ["--builtin-schema", "vendor.compose-spec", composeFile.path])
        XCTAssertEqual(result.status, 0, result.output)
        // Not vacuous: a malformed copy is refused.
        let text = try String(contentsOf: composeFile, encoding: .utf8).replacingOccurrences(of: "cap_drop: [ALL]", with: "cap_drop: ALL")
        let copy = try Pspctl.temporaryFile(text)
        let broken = try Tool.run(checker, ["--builtin-schema", "vendor.compose-spec", copy])
        XCTAssertNotEqual(broken.status, 0, broken.output)
        XCTAssertTrue(broken.output.contains("cap_drop"), broken.output)
    }

    func testEachServiceIsHardenedAndHealthChecked() throws {
        let document = try XCTUnwrap(YAML.parseDocuments(String(contentsOf: composeFile, encoding: .utf8)).first)
        for service in Deployment.services {
            let component = service.product == "ConverterService" ? "converter" : "evaluator"
            let entry = Self.merged(try XCTUnwrap(document["services"]?[component], component))
            XCTAssertEqual(entry["read_only"]?.scalarText, "true", component)
            XCTAssertEqual(entry["user"]?.scalarText, "\(Deployment.userID):\(Deployment.userID)", component)
            XCTAssertEqual(entry["cap_drop"]?.sequenceItems?.compactMap(\.scalarText), ["ALL"], component)
            XCTAssertEqual(entry["security_opt"]?.sequenceItems?.compactMap(\.scalarText), ["no-new-privileges:true"], component)
            XCTAssertEqual(entry["build"]?["dockerfile"]?.scalarText, "docker/\(service.product).Dockerfile", component)
            XCTAssertEqual(entry["image"]?.scalarText, "pspctl/\(component)-service:0.1.0", component)

            let command = (entry["command"]?.sequenceItems ?? []).compactMap(\.scalarText)
            let options = KubernetesManifestTests.options(command)
            XCTAssertEqual(options["--listen"], "0.0.0.0:\(service.grpcPort)", component)
            XCTAssertEqual(options["--http-listen"], "0.0.0.0:\(service.httpPort)", component)
            let ports = Set((entry["ports"]?.sequenceItems ?? []).compactMap(\.scalarText))
            XCTAssertEqual(ports, ["127.0.0.1:\(service.grpcPort):\(service.grpcPort)", "127.0.0.1:\(service.httpPort):\(service.httpPort)"], component)

            // The health check asks /readyz on the HTTP port.
            let test = (entry["healthcheck"]?["test"]?.sequenceItems ?? []).compactMap(\.scalarText)
            XCTAssertEqual(test.first, "CMD", component)
            let script = test.last ?? ""
            XCTAssertTrue(script.contains("/dev/tcp/127.0.0.1/\(service.httpPort)"), script)
            XCTAssertTrue(script.contains("GET /readyz "), script)

            // Docker's SIGKILL comes after the drain.
            let grace = try XCTUnwrap(Double(options["--shutdown-grace"] ?? ""), component)
            let stop = try XCTUnwrap(entry["stop_grace_period"]?.scalarText, component)
            XCTAssertTrue(stop.hasSuffix("s"), stop)
            XCTAssertGreaterThan(Double(stop.dropLast()) ?? 0, grace, component)
        }
    }

    /// A mapping with its YAML merge keys (`<<: *anchor`) applied: explicit keys win over merged ones.
    static func merged(_ node: YAMLNode) -> YAMLNode {
        guard case .mapping(let pairs, let mark) = node else { return node }
        var result: [YAMLPair] = []
        for pair in pairs where pair.key.scalarText == "<<" {
            let sources = pair.value.sequenceItems ?? [pair.value]
            for source in sources { result += source.mappingPairs ?? [] }
        }
        result += pairs.filter { $0.key.scalarText != "<<" }
        return .mapping(result, mark)
    }
}
