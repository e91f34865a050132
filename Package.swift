// swift-tools-version:6.0
import PackageDescription

// Module map (each stage of the pipeline is its own target; C libraries are wrapped once):
//   CYAML → YAMLKit                      libyaml, wrapped as a Swift node tree
//   CZlib → AuditPipeline's GzipDecoder  zlib, for gzip-compressed audit logs
//   AuditJSON                            fast JSON reader for audit events (no C)
//   ConditionLanguage                    Falco 0.31.1 condition grammar → AST
//   EventTime                            calendar arithmetic and Falco's timestamp texts
//   SyscallFields, K8sAuditFields        field catalogues of the two event sources
//   PodSecurity                          Pod Security Admission checks (one file per check)
//   RulesEngine                          loader → compiler → filter → formatter
//   FalcoRulesText                       YAML scalars, condition values and list items Falco reads back exactly
//   PSPConverter, PSSConverter           policies → Falco rules files
//   PSPAdmission                         PodSecurityPolicy admission (mutate, then validate), one file per PSP field
//   PolicyReport                         `pspctl report` and `check`: workloads × candidate policies from an audit log or manifests
//   ManifestInput                        `pspctl check`'s manifests (YAML, JSON, Lists; files, directories, stdin)
//   AlertSinks                           --alerts-file, --alerts-http (HTTP/1.1 client on swift-nio)
//   COpenSSL → NIOOpenSSL                the system OpenSSL, TLS for the HTTP listener and --alerts-http
//   Client (pspctl)                      command line
//   CPspctlProtos → PspctlProtocol       protobuf-c messages of protos/, wrapped as Swift values
// The hot path of `pspctl watch` (JSON reader, field extraction, filter walk, alert writer) is checked for
// exclusive access at compile time; the dynamic re-check of class and global accesses costs ~2% of
// throughput in release builds (bench/run.sh), so release builds of those modules leave it out. Debug
// builds, which the tests use, keep it.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "pspctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pspctl", targets: ["Client"]),
        .executable(name: "ConverterService", targets: ["ConverterService"]),
        .executable(name: "EvaluatorService", targets: ["EvaluatorService"]),
        .library(name: "RulesEngine", targets: ["RulesEngine"]),
        // The pipeline stages the fuzz targets (fuzz/Package.swift) drive directly.
        .library(name: "PipelineStages", targets: [
            "YAMLKit", "AuditJSON", "ConditionLanguage", "SyscallFields", "K8sAuditFields", "PSPConverter", "PSSConverter",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // SHA-256 of a compiled rule set's canonical form, and of a rules-files set (content-addressed ids).
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        // X.509 parsing for the TLS flags: a certificate's public key against its private key, at start-up.
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        // The services' HTTP listener (/metrics, /healthz, /readyz; later the audit webhook) and the
        // `--alerts-http` client (AlertSinks): NIOCore, NIOPosix and NIOHTTP1 only. Prometheus text format for /metrics.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "YAMLKit", dependencies: ["CYAML"]),
        .target(name: "AuditJSON", swiftSettings: hotPath),
        .target(name: "ConditionLanguage"),
        .target(name: "EventTime"),
        .target(name: "SyscallFields", dependencies: ["ConditionLanguage", "EventTime"]),
        .target(name: "K8sAuditFields", dependencies: ["AuditJSON", "ConditionLanguage", "EventTime"], swiftSettings: hotPath),
        .target(name: "PodSecurity", dependencies: ["AuditJSON", "K8sAuditFields", "YAMLKit"]),
        .target(name: "RulesEngine", dependencies: [
            "YAMLKit", "AuditJSON", "ConditionLanguage", "EventTime", "SyscallFields", "K8sAuditFields", "PodSecurity",
        ], swiftSettings: hotPath),
        .target(name: "FalcoRulesText"),
        // PSP → Falco rules; and (Migration/) PSP → the strictest Pod Security Standard admitting its pods,
        // judged by PodSecurity's own checks (`convert --suggest-standard`).
        .target(name: "PSPConverter", dependencies: ["FalcoRulesText", "PodSecurity", "YAMLKit"]),
        .target(name: "PSSConverter", dependencies: ["FalcoRulesText", "PodSecurity", "YAMLKit"]),
        // Pods judged as Kubernetes' PSP admission judged them (what `report`/`check` use for psp: policies;
        // `convert` keeps falcoctl's rules): the PSP as PSPConverter reads it, the pod as PodSecurity reads it.
        .target(name: "PSPAdmission", dependencies: ["PodSecurity", "PSPConverter"]),
        // `pspctl report`: one pass over an audit log, pod-creating requests grouped into workloads and
        // judged by several candidate policies (pss:, psp:, rules:), rendered as table, JSON or markdown.
        // Also the policyreport/openreports YAML (FalcoRulesText quotes its scalars) and the progress line.
        .target(name: "PolicyReport", dependencies: [
            "AuditJSON", "EventTime", "FalcoRulesText", "K8sAuditFields", "ManifestInput", "PodSecurity", "PSPAdmission", "PSPConverter", "RulesEngine", "YAMLKit",
        ]),
        // `pspctl check`'s input: manifests (multi-document YAML through YAMLKit, JSON through AuditJSON,
        // List kinds) from files, directories or standard input, as objects PolicyReport judges.
        .target(name: "ManifestInput", dependencies: ["AuditJSON", "PodSecurity", "YAMLKit"]),
        // zlib (zlib1g-dev), for gzip-compressed audit logs; only AuditPipeline's GzipDecoder sees it.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The pipeline every entry point shares: reading a log (followed, resumed, gzip), evaluating one
        // item, the messages.
        .target(name: "AuditPipeline", dependencies: [
            "RulesEngine", "AuditJSON", "ConditionLanguage", "EventTime", "K8sAuditFields", "PodSecurity", "SyscallFields", "CZlib",
        ], swiftSettings: hotPath),
        // The API server's audit webhook (POST /k8s-audit): a bounded queue and its worker, shared by
        // EvaluatorService and `pspctl watch --listen-webhook`.
        .target(name: "AuditWebhook", dependencies: [
            "AuditPipeline", "AlertSinks", "RulesEngine", "K8sAuditFields", "ServiceHTTP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The alert sinks beside stdout (`--alerts-file`, `--alerts-http`): the file copy, and each alert's
        // Falco JSON POSTed through a small HTTP/1.1 client on swift-nio with a bounded queue and retries.
        .target(name: "AlertSinks", dependencies: [
            "AuditPipeline", "RulesEngine", "K8sAuditFields", "SyscallFields", "NIOOpenSSL", "TLSCredentials",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // pspctl.v1.Evaluator: the logic (rule-set cache, Evaluate streams) and its thin executable.
        .target(name: "EvaluationService", dependencies: [
            "AuditPipeline", "RulesEngine", "EventTime", "SyscallFields", "GRPCKit", "PspctlProtocol", "RuleSetWire", "ConversionService",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "EvaluatorService", dependencies: [
            "ServiceRuntime", "ServiceMetrics", "EvaluationService", "GRPCKit", "PspctlProtocol",
            "AuditWebhook", "AuditPipeline", "AlertSinks", "RulesEngine", "ServiceHTTP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `watch --evaluator` over several backends: the rule set placed on each, batches spread over one
        // Evaluate stream per backend and delivered in log order, a lost backend's batches resent.
        .target(name: "EvaluatorPool", dependencies: ["GRPCKit", "PspctlProtocol"]),
        .executableTarget(name: "Client", dependencies: [
            "RulesEngine", "PSPConverter", "PSSConverter", "AuditJSON", "AuditPipeline", "ConversionService",
            "RuleSetWire", "GRPCKit", "PspctlProtocol", "TLSCredentials", "EvaluatorPool", "AlertSinks", "NIOOpenSSL",
            "AuditWebhook", "ServiceHTTP", "SyscallFields", "PolicyReport", "ManifestInput",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: hotPath),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "YAMLKitTests", dependencies: ["YAMLKit"]),
        .testTarget(name: "AuditJSONTests", dependencies: ["AuditJSON"]),
        .testTarget(name: "ConditionLanguageTests", dependencies: ["ConditionLanguage"]),
        .testTarget(name: "FalcoRulesTextTests", dependencies: ["FalcoRulesText", "YAMLKit", "ConditionLanguage"]),
        .testTarget(name: "SyscallFieldsTests", dependencies: ["SyscallFields"]),
        .testTarget(name: "K8sAuditFieldsTests", dependencies: ["K8sAuditFields", "AuditJSON", "ConditionLanguage"]),
        .testTarget(name: "RulesEngineTests", dependencies: ["RulesEngine", "PSPConverter", "PSSConverter", "TestSupport"]),
        .testTarget(name: "PSPConverterTests", dependencies: ["PSPConverter", "PodSecurity", "RulesEngine", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PSPAdmissionTests", dependencies: ["PSPAdmission", "PodSecurity", "YAMLKit"]),
        .testTarget(name: "PodSecurityTests", dependencies: ["PodSecurity", "PSSConverter", "RulesEngine", "TestSupport"]),
        // PolicyReport and YAMLKit: the report formats' unit tests (progress line) and reading their YAML back.
        .testTarget(name: "CLITests", dependencies: ["Client", "TestSupport", "PolicyReport", "YAMLKit"], exclude: ["Fixtures", "python"]),
        // pspctl's wire protocol (protos/): protoc-c's C, committed and regenerated by
        // scripts/generate-protos.sh, wrapped once by PspctlProtocol (Swift values, descriptors for reflection).
        .target(name: "CPspctlProtos", linkerSettings: [.linkedLibrary("protobuf-c")]),
        .target(name: "PspctlProtocol", dependencies: ["CPspctlProtos"]),
        .testTarget(name: "PspctlProtocolTests", dependencies: ["PspctlProtocol"], exclude: ["python"]),
        // gRPC over the C core (libgrpc-dev): the module map links grpc and gpr itself (pkgConfig "grpc"
        // floods the link line with abseil's flags), and GRPCKit is the only Swift that sees it.
        .systemLibrary(name: "CGRPC", providers: [.apt(["libgrpc-dev"])]),
        .target(name: "GRPCKit", dependencies: ["CGRPC"]),
        // The TLS flags' files (PEM) → GRPCKit credentials, checked before use: readable, PEM, key matching
        // its certificate; and what a refused handshake's status says, in a few words.
        // The same checks for the HTTP side's TLS flags, which give NIOOpenSSL contexts.
        .target(name: "TLSCredentials", dependencies: [
            "GRPCKit", "NIOOpenSSL", .product(name: "X509", package: "swift-certificates"),
        ]),
        // TLS on swift-nio channels (the HTTP listener, --alerts-http) through the system OpenSSL (libssl-dev,
        // which the gRPC core already loads) over memory BIOs, instead of swift-nio-ssl: that would build
        // BoringSSL a second time in every CI run. COpenSSL is seen by NIOOpenSSL only.
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(name: "NIOOpenSSL", dependencies: ["COpenSSL", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "EvaluatorServiceTests", dependencies: [
            "EvaluatorService", "ConverterService", "Client", "GRPCKit", "PspctlProtocol", "TestSupport",
        ], exclude: ["python"]),
        .testTarget(name: "GRPCKitTests", dependencies: ["GRPCKit"], exclude: ["python", "lsan-suppressions.txt"]),
        // The services (issue 14): one runtime (health, reflection, options, logs, signals) both share; the
        // conversion pipeline, shared by `pspctl convert` and ConverterService; the engine ↔ wire mapping.
        .target(name: "ServiceRuntime", dependencies: [
            "GRPCKit", "PspctlProtocol", "TLSCredentials", "ServiceHTTP", "ServiceMetrics", "NIOOpenSSL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The services' HTTP listener (router, limits) on swift-nio, and their Prometheus metrics.
        .target(name: "ServiceHTTP", dependencies: [
            "NIOOpenSSL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "ServiceMetrics", dependencies: [
            "GRPCKit",
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .target(name: "RuleSetWire", dependencies: ["RulesEngine", "ConditionLanguage", "PspctlProtocol", "ConversionService", "PodSecurity"]),
        .target(name: "ConversionService", dependencies: [
            "RulesEngine", "PSPConverter", "PSSConverter", "PodSecurity",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "ConverterService", dependencies: [
            "ServiceRuntime", "ServiceMetrics", "ConversionService", "RuleSetWire", "GRPCKit", "PspctlProtocol",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ServiceTests", dependencies: [
                        "ConverterService", "Client", "ServiceRuntime", "ConversionService", "RuleSetWire", "RulesEngine",
                        "GRPCKit", "PspctlProtocol", "TestSupport",
                    ],
                    exclude: ["python"]),
        // docker/ (images, compose, Kubernetes manifests), checked statically: hadolint, kubernetes-validate,
        // the Compose schema, ldd of the built services against the runtime image's packages, and the
        // restricted Pod Security Standard judged by pspctl itself. The executables are dependencies so
        // they are built before the tests run them.
        .testTarget(name: "DeploymentTests", dependencies: [
            "YAMLKit", "TestSupport", "Client", "ConverterService", "EvaluatorService",
        ]),
    ]
)

// PSPCTL_SANITIZE=address (scripts/test.sh's sanitized run): pspctl's own targets (Swift, C and links)
// built with the sanitizer, its dependencies as they are. The dependencies (swift-nio, swift-crypto's
// BoringSSL, swift-certificates …) are then built once for both runs instead of twice, which is most of
// the build time; the sanitizer still sees every access pspctl's code makes, its C shims included.
// Instrumented: every target with C, or with unsafe pointers, memcmp or OpaquePointer in its Swift.
// Linked with the runtime but not instrumented (less to rebuild and faster runs): the targets below,
// which are safe Swift only (no Unsafe… pointer, no C: checked by `scripts/test.sh`'s grep before the
// sanitized build), the test targets and their helpers. Safe Swift cannot make the errors ASan finds.
let safeSwiftTargets: Set<String> = [
    "ConditionLanguage", "ConversionService", "ConverterService", "EvaluatorService", "FalcoRulesText",
    "ManifestInput", "PSPAdmission", "PSPConverter", "PSSConverter", "PodSecurity", "RuleSetWire",
    "ServiceHTTP", "ServiceMetrics", "TestSupport",
]
if let sanitizer = Context.environment["PSPCTL_SANITIZE"], !sanitizer.isEmpty {
    for target in package.targets where target.type != .system {
        target.linkerSettings = (target.linkerSettings ?? []) + [.unsafeFlags(["-sanitize=\(sanitizer)"])]
        guard target.type != .test, !safeSwiftTargets.contains(target.name) else { continue }
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=\(sanitizer)"])]
        target.cSettings = (target.cSettings ?? []) + [.unsafeFlags(["-fsanitize=\(sanitizer)"])]
    }
}

// PSPCTL_OPTIMIZE=1 (opt-in, for local work): pspctl's own library and executable targets are compiled
// with -O inside the debug build the tests use (-enable-testing stays on, so @testable imports work). The
// suites run the real binaries thousands of times and take 2-3x less CPU so; CI leaves it off, because on
// its 2 cores the optimised build costs more than the suites save (scripts/test.sh).
if Context.environment["PSPCTL_OPTIMIZE"] == "1" {
    for target in package.targets where target.type == .regular || target.type == .executable {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-O"])]
    }
}
