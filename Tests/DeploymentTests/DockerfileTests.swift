import Foundation
import TestSupport
import XCTest

/// The two Dockerfiles, checked statically (no Docker engine runs here): hadolint, the stages, and that
/// the runtime stage installs every shared library the service binaries built on this machine load.
final class DockerfileTests: XCTestCase {
    func testHadolintFindsNothing() throws {
        let hadolint = try Tool.require("hadolint")
        for service in Deployment.services {
            let result = try Tool.run(hadolint, ["--no-color", service.dockerfile.path])
            XCTAssertEqual(result.status, 0, "hadolint \(service.dockerfile.lastPathComponent):\n\(result.output)")
            XCTAssertEqual(result.output.trimmingCharacters(in: .whitespacesAndNewlines), "",
                           "hadolint \(service.dockerfile.lastPathComponent)")
        }
    }

    /// hadolint really reads the files: a Dockerfile with a known defect is reported.
    func testHadolintReportsADefect() throws {
        let hadolint = try Tool.require("hadolint")
        let text = try String(contentsOf: Deployment.services[0].dockerfile, encoding: .utf8)
            .replacingOccurrences(of: "--no-install-recommends ", with: "")
        let copy = try Pspctl.temporaryFile(text, suffix: ".Dockerfile")
        let result = try Tool.run(hadolint, ["--no-color", copy])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("DL3015"), result.output)   // "Avoid additional packages by specifying --no-install-recommends"
    }

    func testStagesBuildWithTheOfficialSwiftImageAndRunOnBookwormSlimAsNonRoot() throws {
        let toolchain = try swiftVersion()
        for service in Deployment.services {
            let dockerfile = try Dockerfile(contentsOf: service.dockerfile)
            let name = service.dockerfile.lastPathComponent
            XCTAssertGreaterThanOrEqual(dockerfile.stages.count, 2, "\(name): multi-stage")
            let build = try XCTUnwrap(dockerfile.stages.first { stage in stage.runCommands.contains { $0.contains("swift build") } },
                                      "\(name): no stage runs swift build")
            // The official image of the toolchain the project is built and tested with here.
            XCTAssertEqual(build.baseImage, "swift:\(toolchain)-bookworm", name)
            let swiftBuild = try XCTUnwrap(build.runCommands.first { $0.contains("swift build") })
            XCTAssertTrue(swiftBuild.contains("-c release"), "\(name): \(swiftBuild)")
            XCTAssertTrue(swiftBuild.contains("--product \(service.product)"), "\(name): \(swiftBuild)")

            let runtime = try XCTUnwrap(dockerfile.runtime)
            XCTAssertEqual(runtime.baseImage, "debian:bookworm-slim", name)
            XCTAssertFalse(runtime.runCommands.contains { $0.contains("-dev") }, "\(name): no -dev package at run time")
            let users = runtime.instructions.filter { $0.keyword == "USER" }.map(\.arguments)
            XCTAssertEqual(users.last, "\(Deployment.userID):\(Deployment.userID)", "\(name): a numeric non-root user")
            let entrypoint = runtime.instructions.last { $0.keyword == "ENTRYPOINT" }?.arguments
            XCTAssertEqual(entrypoint, "[\"/usr/local/bin/\(service.product)\"]", name)
            let exposed = Set(runtime.instructions.filter { $0.keyword == "EXPOSE" }
                .flatMap { $0.arguments.split(separator: " ").compactMap { Int($0) } })
            XCTAssertEqual(exposed, [service.grpcPort, service.httpPort], name)
            let copies = runtime.instructions.filter { $0.keyword == "COPY" }.map(\.arguments)
            XCTAssertTrue(copies.contains { $0.hasPrefix("--from=\(build.name ?? "0") ") && $0.contains(service.product) },
                          "\(name): the binary comes from the build stage: \(copies)")
        }
    }

    /// `ldd` on the service binaries built here (debug: the Swift runtime is dynamic in them, so every
    /// library a release binary loads shows too): each library is either the Swift toolchain's, which
    /// `--static-swift-stdlib` puts in the binary, or comes from a Debian package that the runtime
    /// stage's `apt-get install` names or that one of those packages depends on.
    func testRuntimeStageInstallsEveryLibraryTheBinariesLoad() throws {
        for service in Deployment.services {
            let name = service.dockerfile.lastPathComponent
            let binary = ServiceProcess.executable(service.product).path
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary), "\(binary) is not built")
            let dockerfile = try Dockerfile(contentsOf: service.dockerfile)
            let runtime = try XCTUnwrap(dockerfile.runtime)
            let named = runtime.aptInstalledPackages
            let installed = try SharedLibraries.dependencyClosure(of: named)

            let libraries = try SharedLibraries.ldd(binary)
            let swiftDirectory = libraries.first { $0.soname.hasPrefix("libswiftCore.so") }
                .map { URL(fileURLWithPath: $0.path).resolvingSymlinksInPath().deletingLastPathComponent().path }
            var debianPackages = Set<String>()
            var swiftRuntime: [String] = []
            let owners = try SharedLibraries.debianPackages(owning: libraries.map(\.path))
            for library in libraries {
                let real = URL(fileURLWithPath: library.path).resolvingSymlinksInPath().path
                if let swiftDirectory, real.hasPrefix(swiftDirectory + "/") {
                    swiftRuntime.append(library.soname)
                    continue
                }
                guard let package = owners[library.path] else {
                    XCTFail("\(service.product) loads \(library.path), which no Debian package installs")
                    continue
                }
                debianPackages.insert(package)
                XCTAssertTrue(installed.contains(package),
                              "\(name): \(service.product) loads \(library.soname) from \(package), which the runtime stage does not install (apt-get install \(named.sorted().joined(separator: " ")))")
            }
            // Not vacuous: the gRPC core, libyaml and protobuf-c are among them.
            for soname in ["libgrpc.so", "libyaml-0.so", "libprotobuf-c.so"] {
                XCTAssertTrue(libraries.contains { $0.soname.hasPrefix(soname) }, "\(service.product) does not load \(soname)?")
            }
            XCTAssertGreaterThanOrEqual(debianPackages.count, 4, "\(debianPackages)")
            if !swiftRuntime.isEmpty {
                let swiftBuild = dockerfile.stages.flatMap(\.runCommands).first { $0.contains("swift build") } ?? ""
                XCTAssertTrue(swiftBuild.contains("--static-swift-stdlib"),
                              "\(name): \(service.product) loads the Swift runtime (\(swiftRuntime.joined(separator: ", "))), which the runtime stage does not have: build with --static-swift-stdlib")
            }
        }
    }

    /// The build stage installs the -dev package (headers, unversioned .so link) of every C library the
    /// binaries link directly, except those the official Swift image ships already.
    func testBuildStageInstallsTheDevelopmentPackages() throws {
        // swiftlang/swift-docker 6.3/debian/12/Dockerfile installs these (gcc brings libc6-dev).
        let inSwiftImage: Set<String> = ["binutils", "libicu-dev", "libcurl4-openssl-dev", "libedit-dev", "libsqlite3-dev",
                                         "libncurses-dev", "libpython3-dev", "libxml2-dev", "pkg-config", "uuid-dev",
                                         "libstdc++-12-dev", "libc6-dev", "libgcc-12-dev"]
        for service in Deployment.services {
            let name = service.dockerfile.lastPathComponent
            let binary = ServiceProcess.executable(service.product).path
            let dockerfile = try Dockerfile(contentsOf: service.dockerfile)
            let build = try XCTUnwrap(dockerfile.stages.first { stage in stage.runCommands.contains { $0.contains("swift build") } })
            let named = build.aptInstalledPackages
            let paths = try Dictionary(SharedLibraries.ldd(binary).map { ($0.soname, $0.path) }, uniquingKeysWith: { a, _ in a })
            var devPackages = Set<String>()
            for soname in try SharedLibraries.needed(binary) {
                guard let path = paths[soname], let dev = try SharedLibraries.developmentPackage(of: path) else { continue }
                devPackages.insert(dev)
                XCTAssertTrue(named.contains(dev) || inSwiftImage.contains(dev),
                              "\(name): \(service.product) links \(soname), whose development package \(dev) the build stage does not install")
            }
            XCTAssertTrue(devPackages.isSuperset(of: ["libyaml-dev", "libgrpc-dev", "libprotobuf-c-dev"]), "\(devPackages)")
        }
    }

    /// The hand-written analysis finds a missing package: the evaluator's runtime stage without libyaml.
    func testAMissingRuntimePackageIsFound() throws {
        let service = Deployment.services[1]
        let text = try String(contentsOf: service.dockerfile, encoding: .utf8)
            .replacingOccurrences(of: " libyaml-0-2 ", with: " ")
        let copy = try Pspctl.temporaryFile(text, suffix: ".Dockerfile")
        let named = try XCTUnwrap(Dockerfile(contentsOf: URL(fileURLWithPath: copy)).runtime).aptInstalledPackages
        XCTAssertFalse(named.contains("libyaml-0-2"))
        let installed = try SharedLibraries.dependencyClosure(of: named)
        let yaml = try XCTUnwrap(SharedLibraries.ldd(ServiceProcess.executable(service.product).path).first { $0.soname.hasPrefix("libyaml-0.so") })
        XCTAssertEqual(try SharedLibraries.debianPackage(owning: yaml.path), "libyaml-0-2")
        XCTAssertFalse(installed.contains("libyaml-0-2"))
    }

    private func swiftVersion() throws -> String {
        let swift = try Tool.require("swift")
        let output = try Tool.run(swift, ["--version"]).output
        let match = try XCTUnwrap(output.firstMatch(of: /Swift version ([0-9]+\.[0-9]+(\.[0-9]+)?)/), output)
        return String(match.1)
    }
}

/// Shared libraries of a binary and the Debian packages they come from, read with ldd, readelf and dpkg.
enum SharedLibraries {
    struct Library: Equatable {
        var soname: String
        var path: String
    }

    /// Every library the dynamic loader maps for `binary` (transitively), the loader included.
    static func ldd(_ binary: String) throws -> [Library] {
        let result = try Tool.run(try Tool.require("ldd"), [binary])
        guard result.status == 0 else { throw Failure(message: "ldd \(binary): \(result.output)") }
        var libraries: [Library] = []
        for line in result.stdout.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if let arrow = text.range(of: " => ") {
                let soname = String(text[..<arrow.lowerBound])
                let rest = text[arrow.upperBound...]
                guard rest.hasPrefix("/") else {
                    throw Failure(message: "ldd \(binary): \(soname) not found")
                }
                libraries.append(Library(soname: soname, path: String(rest.prefix { $0 != " " })))
            } else if text.hasPrefix("/") {   // the dynamic loader
                let path = String(text.prefix { $0 != " " })
                libraries.append(Library(soname: URL(fileURLWithPath: path).lastPathComponent, path: path))
            }
        }
        return libraries
    }

    /// The binary's own DT_NEEDED entries.
    static func needed(_ binary: String) throws -> [String] {
        let result = try Tool.run(try Tool.require("readelf"), ["-d", binary])
        guard result.status == 0 else { throw Failure(message: "readelf -d \(binary): \(result.output)") }
        return result.stdout.split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    /// The installed package that owns `path` (dpkg knows a file by the path its package ships, which on
    /// a merged-/usr system may differ from the one the loader used by a leading /usr).
    static func debianPackage(owning path: String) throws -> String? {
        try debianPackages(owning: [path])[path]
    }

    /// `debianPackage(owning:)` for many paths at once (one dpkg-query: it reads its whole file database
    /// on every call).
    static func debianPackages(owning paths: [String]) throws -> [String: String] {
        // The path itself first (a link belongs to its own package, not to its target's), then its target.
        func candidates(_ path: String) -> [String] {
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            return [path, real].flatMap { [$0, $0.hasPrefix("/usr/") ? String($0.dropFirst(4)) : "/usr" + $0] }
        }
        let all = Set(paths.flatMap(candidates))
        // Exit status 1 when some candidate is unknown (each path has some that are): read the output.
        let result = try Tool.run(try Tool.require("dpkg-query"), ["-S"] + all.sorted())
        var ownerOfFile: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") where !line.hasPrefix("diversion") {
            guard let colon = line.range(of: ": ") else { continue }
            let package = line[..<colon.lowerBound].split(separator: ",").first
                .map { String($0.trimmingCharacters(in: .whitespaces).split(separator: ":")[0]) }
            ownerOfFile[String(line[colon.upperBound...])] = package
        }
        var owners: [String: String] = [:]
        for path in paths {
            owners[path] = candidates(path).lazy.compactMap { ownerOfFile[$0] }.first
        }
        return owners
    }

    /// The package of the unversioned link (`libfoo.so`) that resolves to the same file as `path`, in the
    /// same folder: the development package a build links it through. Nil when there is none (the C
    /// library's and the C++ runtime's link through linker scripts or the compiler's own folder).
    static func developmentPackage(of path: String) throws -> String? {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let folder = real.deletingLastPathComponent()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for entry in entries.sorted() where entry.hasSuffix(".so") {
            let link = folder.appendingPathComponent(entry)
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) != nil,
                  link.resolvingSymlinksInPath().path == real.path else { continue }
            if let package = try debianPackage(owning: link.path) { return package }
        }
        return nil
    }

    /// `packages` and everything they depend on (Pre-Depends and Depends, the first alternative of each,
    /// as apt chooses), as the packages' installed control data says.
    static func dependencyClosure(of packages: Set<String>) throws -> Set<String> {
        let dpkg = try Tool.require("dpkg-query")
        var closure = Set<String>()
        var next = packages
        while !next.isEmpty {
            closure.formUnion(next)
            // One query per level; packages not installed here print nothing (no dependencies known).
            let result = try Tool.run(dpkg, ["-W", "-f=${Pre-Depends}, ${Depends}\n"] + next.sorted())
            var found = Set<String>()
            for clause in result.stdout.split(whereSeparator: { $0 == "," || $0 == "\n" }) {
                let first = clause.split(separator: "|").first.map(String.init) ?? ""
                let name = first.trimmingCharacters(in: .whitespaces).prefix { $0 != " " && $0 != "(" && $0 != ":" }
                if !name.isEmpty { found.insert(String(name)) }
            }
            next = found.subtracting(closure)
        }
        return closure
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
