// swift-tools-version:6.0
// libFuzzer targets for pspctl's input readers (issue 13, "Fuzzing as a habit"). A package of its own so
// that the main package's builds and tests never see these executables. Build and run them with
// scripts/fuzz.sh (docs/fuzzing.md), which passes the sanitizer flags to every module:
//   swift build -c debug --package-path fuzz --scratch-path fuzz/.build-fuzz \
//     -Xswiftc -sanitize=fuzzer,address --product FuzzCondition
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name (the clone's name), not the name in its manifest.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Each target is one file defining LLVMFuzzerTestOneInput (libFuzzer's entry) and `<Target>_main`: on
// Linux SwiftPM links an executable with `--defsym main=<Target>_main`, so that symbol, not libFuzzer's
// own `main`, starts the process; it hands over to libFuzzer's driver (FuzzSupport.runLibFuzzer).
let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func target(_ name: String) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"], swiftSettings: fuzzTarget)
}

let package = Package(
    name: "pspctl-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: [
            "CFuzzDriver",
            .product(name: "PipelineStages", package: mainPackage),
            .product(name: "RulesEngine", package: mainPackage),
        ]),
        target("FuzzAuditJSON"),
        target("FuzzCondition"),
        target("FuzzRulesLoader"),
        target("FuzzPSP"),
        target("FuzzSensorEvent"),
    ]
)
