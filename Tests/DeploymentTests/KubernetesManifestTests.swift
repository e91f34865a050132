import Foundation
import TestSupport
import XCTest
import YAMLKit

/// docker/kubernetes: schema validation with kubernetes-validate (bundled schemas, offline), and the
/// wiring between the objects (ports, probes, selectors, grace periods, the kustomization).
final class KubernetesManifestTests: XCTestCase {
    /// The oldest Kubernetes the manifests support (the preStop `sleep` action is on by default from
    /// 1.30) and the newest whose schemas kubernetes-validate bundles.
    static let kubernetesVersions = ["1.30.0", "1.37.0"]

    func testEveryManifestValidatesAgainstTheKubernetesSchemas() throws {
        let validate = try Tool.require("kubernetes-validate")
        let files = try Deployment.manifestFiles()
        let objects = try files.flatMap { try Deployment.objects(in: $0) }
        XCTAssertGreaterThanOrEqual(objects.count, 10)
        for version in Self.kubernetesVersions {
            let result = try Tool.run(validate, ["--strict", "-k", version] + files.map(\.path))
            XCTAssertEqual(result.status, 0, "kubernetes-validate -k \(version):\n\(result.output)")
            // An object of a kind it has no schema for only warns: every object must have passed.
            let passed = result.output.split(separator: "\n").filter { $0.contains(" passed for resource ") }
            XCTAssertEqual(passed.count, objects.count, "kubernetes-validate -k \(version):\n\(result.output)")
            XCTAssertFalse(result.output.contains("WARN"), result.output)
        }
    }

    /// The validator is strict: a misspelt field is an error.
    func testKubernetesValidateRejectsAMisspeltField() throws {
        let validate = try Tool.require("kubernetes-validate")
        let text = try String(contentsOf: Deployment.kubernetesDirectory.appendingPathComponent("evaluator.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "readOnlyRootFilesystem", with: "readOnlyRootFileSystem")
        let copy = try Pspctl.temporaryFile(text)
        let result = try Tool.run(validate, ["--strict", "-k", Self.kubernetesVersions[1], copy])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("readOnlyRootFileSystem"), result.output)
    }

    func testTheObjectsTheDeploymentNeeds() throws {
        let objects = try Deployment.allObjects()
        func names(_ kind: String) -> Set<String> { Set(objects.filter { $0.kind == kind }.map(\.name)) }
        XCTAssertEqual(names("Namespace"), ["pspctl"])
        XCTAssertEqual(names("Deployment"), ["pspctl-converter", "pspctl-evaluator"])
        XCTAssertEqual(names("Service"), ["pspctl-converter", "pspctl-evaluator", "pspctl-evaluator-headless"])
        XCTAssertEqual(names("HorizontalPodAutoscaler"), ["pspctl-converter", "pspctl-evaluator"])
        XCTAssertEqual(names("PodDisruptionBudget"), ["pspctl-converter", "pspctl-evaluator"])
        XCTAssertFalse(names("NetworkPolicy").isEmpty)
        XCTAssertEqual(objects.first { $0.kind == "Secret" }?.json["type"] as? String, "kubernetes.io/tls")
        for object in objects where object.kind != "Namespace" {
            XCTAssertEqual(object.namespace, "pspctl", "\(object.file): \(object.kind) \(object.name)")
        }
        // Pod Security Admission enforces restricted on the namespace too.
        let labels = try XCTUnwrap(objects.first { $0.kind == "Namespace" }?.json["metadata"] as? [String: Any])["labels"] as? [String: String]
        XCTAssertEqual(labels?["pod-security.kubernetes.io/enforce"], "restricted")
        XCTAssertEqual(labels?["pod-security.kubernetes.io/enforce-version"], "latest")
    }

    /// Each Deployment: the ports its arguments listen on are the container ports the Services, probes
    /// and autoscaler use; readiness on /readyz and liveness on /healthz over the HTTP port; TLS files
    /// from the mounted Secret; a termination grace period longer than preStop + --shutdown-grace.
    func testDeploymentsServicesAndProbesFitTogether() throws {
        let objects = try Deployment.allObjects()
        for service in Deployment.services {
            let component = service.product == "ConverterService" ? "converter" : "evaluator"
            let deployment = try XCTUnwrap(objects.first { $0.kind == "Deployment" && $0.name == "pspctl-\(component)" })
            let podSpec = try XCTUnwrap(Self.podSpec(of: deployment.json))
            let containers = try XCTUnwrap(podSpec["containers"] as? [[String: Any]])
            XCTAssertEqual(containers.count, 1)
            let container = containers[0]
            XCTAssertEqual(container["image"] as? String, "pspctl/\(component)-service:0.1.0")
            let args = try XCTUnwrap(container["args"] as? [String])
            let options = Self.options(args)
            XCTAssertEqual(options["--listen"], "0.0.0.0:\(service.grpcPort)")
            XCTAssertEqual(options["--http-listen"], "0.0.0.0:\(service.httpPort)")

            let ports = try XCTUnwrap(container["ports"] as? [[String: Any]])
            let portByName = Dictionary(uniqueKeysWithValues: ports.map { ($0["name"] as? String ?? "", $0["containerPort"] as? Int ?? 0) })
            XCTAssertEqual(portByName, ["grpc": service.grpcPort, "http": service.httpPort])

            for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz"), ("startupProbe", "/healthz")] {
                let get = try XCTUnwrap((container[probe] as? [String: Any])?["httpGet"] as? [String: Any], "\(component) \(probe)")
                XCTAssertEqual(get["path"] as? String, path, "\(component) \(probe)")
                XCTAssertEqual(get["port"] as? String, "http", "\(component) \(probe)")
            }

            // TLS: the files are in the mounted Secret.
            let mounts = try XCTUnwrap(container["volumeMounts"] as? [[String: Any]])
            let tlsMount = try XCTUnwrap(mounts.first { $0["name"] as? String == "tls" }?["mountPath"] as? String)
            XCTAssertEqual(options["--tls-cert"], "\(tlsMount)/tls.crt")
            XCTAssertEqual(options["--tls-key"], "\(tlsMount)/tls.key")
            let volumes = try XCTUnwrap(podSpec["volumes"] as? [[String: Any]])
            let secret = try XCTUnwrap(volumes.first { $0["name"] as? String == "tls" }?["secret"] as? [String: Any])
            XCTAssertEqual(secret["secretName"] as? String, "pspctl-tls")

            // Grace: SIGKILL comes after the preStop sleep and the whole drain.
            let grace = try XCTUnwrap(Double(options["--shutdown-grace"] ?? ""), "--shutdown-grace")
            let preStop = ((((container["lifecycle"] as? [String: Any])?["preStop"] as? [String: Any])?["sleep"] as? [String: Any])?["seconds"] as? Int) ?? 0
            let termination = try XCTUnwrap(podSpec["terminationGracePeriodSeconds"] as? Int)
            XCTAssertGreaterThan(Double(termination), grace + Double(preStop))

            // The pod runs as the image's user.
            let security = try XCTUnwrap(podSpec["securityContext"] as? [String: Any])
            XCTAssertEqual(security["runAsUser"] as? Int, Deployment.userID)
            XCTAssertEqual(security["runAsGroup"] as? Int, Deployment.userID)
            XCTAssertEqual((container["securityContext"] as? [String: Any])?["readOnlyRootFilesystem"] as? Bool, true)

            // The Services select these pods and reach the named ports.
            let labels = try XCTUnwrap(((deployment.json["spec"] as? [String: Any])?["template"] as? [String: Any]).flatMap { ($0["metadata"] as? [String: Any])?["labels"] as? [String: String] })
            let services = objects.filter { $0.kind == "Service" && $0.name.hasPrefix("pspctl-\(component)") }
            XCTAssertEqual(services.count, component == "evaluator" ? 2 : 1)
            for object in services {
                let spec = try XCTUnwrap(object.json["spec"] as? [String: Any])
                let selector = try XCTUnwrap(spec["selector"] as? [String: String])
                XCTAssertTrue(selector.allSatisfy { labels[$0.key] == $0.value }, "\(object.name) selects \(selector), pods have \(labels)")
                for port in try XCTUnwrap(spec["ports"] as? [[String: Any]]) {
                    let target = try XCTUnwrap(port["targetPort"] as? String)
                    XCTAssertEqual(port["port"] as? Int, portByName[target], "\(object.name) \(target)")
                }
            }
            let headless = objects.first { $0.kind == "Service" && $0.name == "pspctl-\(component)-headless" }
            if component == "evaluator" {
                XCTAssertEqual((headless?.json["spec"] as? [String: Any])?["clusterIP"] as? String, "None")
            }

            // The autoscaler and the disruption budget act on these pods.
            let hpa = try XCTUnwrap(objects.first { $0.kind == "HorizontalPodAutoscaler" && $0.name == deployment.name })
            let target = (hpa.json["spec"] as? [String: Any])?["scaleTargetRef"] as? [String: Any]
            XCTAssertEqual(target?["kind"] as? String, "Deployment")
            XCTAssertEqual(target?["name"] as? String, deployment.name)
            XCTAssertNil((deployment.json["spec"] as? [String: Any])?["replicas"], "replicas belong to the autoscaler")
            let cpuRequest = ((container["resources"] as? [String: Any])?["requests"] as? [String: Any])?["cpu"]
            XCTAssertNotNil(cpuRequest, "CPU utilisation needs a CPU request")
            let pdb = try XCTUnwrap(objects.first { $0.kind == "PodDisruptionBudget" && $0.name == deployment.name })
            let pdbSelector = (((pdb.json["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
            XCTAssertFalse(pdbSelector.isEmpty)
            XCTAssertTrue(pdbSelector.allSatisfy { labels[$0.key] == $0.value })
        }
    }

    /// `kubectl apply -k docker/kubernetes/` applies every manifest but the example Secret.
    func testKustomizationListsEveryManifest() throws {
        let url = Deployment.kubernetesDirectory.appendingPathComponent("kustomization.yaml")
        let document = try XCTUnwrap(YAML.parseDocuments(String(contentsOf: url, encoding: .utf8)).first)
        let resources = Set((document["resources"]?.sequenceItems ?? []).compactMap(\.scalarText))
        let manifests = Set(try Deployment.manifestFiles().map(\.lastPathComponent).filter { !$0.contains(".example.") })
        XCTAssertEqual(resources, manifests)
        let images = Set((document["images"]?.sequenceItems ?? []).compactMap { $0["name"]?.scalarText })
        XCTAssertEqual(images, ["pspctl/converter-service", "pspctl/evaluator-service"])
    }

    /// Every option the deployment files pass (Kubernetes args, compose commands, the Dockerfiles' CMD) is
    /// one the built service accepts, as its --help lists.
    func testEveryServiceOptionUsedIsOneTheServiceHas() throws {
        let objects = try Deployment.allObjects()
        let compose = try YAML.parseDocuments(String(contentsOf: Deployment.dockerDirectory.appendingPathComponent("compose.yaml"), encoding: .utf8)).first
        for service in Deployment.services {
            let component = service.product == "ConverterService" ? "converter" : "evaluator"
            var arguments: [String] = []
            if let deployment = objects.first(where: { $0.kind == "Deployment" && $0.name == "pspctl-\(component)" }),
               let containers = Self.podSpec(of: deployment.json)?["containers"] as? [[String: Any]] {
                arguments += containers.flatMap { $0["args"] as? [String] ?? [] }
            }
            arguments += (compose?["services"]?[component]?["command"]?.sequenceItems ?? []).compactMap(\.scalarText)
            let cmd = try XCTUnwrap(Dockerfile(contentsOf: service.dockerfile).runtime?.instructions.last { $0.keyword == "CMD" })
            arguments += try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cmd.arguments.utf8)) as? [String])
            let used = Set(arguments.filter { $0.hasPrefix("--") }.map { String($0.prefix { $0 != "=" }) })
            XCTAssertTrue(used.isSuperset(of: ["--listen", "--http-listen", "--shutdown-grace"]), "\(used)")

            let help = try Tool.run(ServiceProcess.executable(service.product).path, ["--help"])
            XCTAssertEqual(help.status, 0, help.output)
            let offered = Set(help.output.matches(of: /--[a-z][a-z0-9-]*/).map { String($0.output) })
            for option in used.sorted() {
                XCTAssertTrue(offered.contains(option), "\(service.product) has no \(option) option (its --help: \(offered.sorted()))")
            }
        }
    }

    // MARK: helpers

    /// The pod spec of a workload object (a Pod's own spec, a controller's template, a CronJob's job template).
    static func podSpec(of object: [String: Any]) -> [String: Any]? {
        let spec = object["spec"] as? [String: Any]
        switch object["kind"] as? String {
        case "Pod": return spec
        case "CronJob":
            let job = (spec?["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any]
            return (job?["template"] as? [String: Any])?["spec"] as? [String: Any]
        default: return (spec?["template"] as? [String: Any])?["spec"] as? [String: Any]
        }
    }

    /// `--name=value` and `--name value` arguments as a dictionary.
    static func options(_ args: [String]) -> [String: String] {
        var options: [String: String] = [:]
        var index = 0
        while index < args.count {
            let arg = args[index]
            if let equals = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                options[String(arg[..<equals])] = String(arg[arg.index(after: equals)...])
            } else if arg.hasPrefix("--"), index + 1 < args.count, !args[index + 1].hasPrefix("--") {
                options[arg] = args[index + 1]
                index += 1
            }
            index += 1
        }
        return options
    }
}
