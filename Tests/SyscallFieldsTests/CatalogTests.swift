import XCTest
@testable import SyscallFields

/// The catalogue itself: every field of syscall-fields.md §2 resolves, with its type and flags.
final class CatalogTests: XCTestCase {
    func testCatalogueHas285UniqueFields() {
        let names = SyscallFieldCatalog.definitions.map(\.name)
        XCTAssertEqual(names.count, 285)
        XCTAssertEqual(Set(names).count, names.count, "field names are unique across classes")
    }

    /// Every field that takes no mandatory argument resolves from its bare name to itself, with its
    /// catalogue type; every field flagged "requires argument" is refused bare (except `evt.abspath`,
    /// which upstream accepts bare).
    func testEveryFieldResolvesFromItsName() throws {
        for definition in SyscallFieldCatalog.definitions {
            if definition.flags.contains(.requiresArgument), definition.name != "evt.abspath" {
                XCTAssertThrowsError(try SyscallFieldCatalog.resolve(definition.name), definition.name) { error in
                    XCTAssertEqual((error as? SyscallFieldError)?.kind, .invalidArgument, definition.name)
                }
                continue
            }
            let field = try SyscallFieldCatalog.resolve(definition.name)
            XCTAssertEqual(field.name, definition.name)
            XCTAssertNil(field.argument, definition.name)
            XCTAssertEqual(field.className, definition.className, definition.name)
            XCTAssertEqual(field.isFilterOnly, definition.flags.contains(.filterOnly), definition.name)
            if definition.type != .dynamic { XCTAssertEqual(field.type, definition.type, definition.name) }
            XCTAssertTrue(SyscallFieldCatalog.isKnownField(definition.name))
        }
    }

    /// Every field that requires an argument resolves with an argument of each form it accepts.
    func testEveryArgumentFieldResolvesWithItsArgumentForms() throws {
        let samples: [String: [(text: String, argument: SyscallFieldArgument)]] = [
            "evt.arg": [("evt.arg.fd", .name("fd")), ("evt.arg[0]", .index(0))],
            "evt.rawarg": [("evt.rawarg.res", .name("res"))],
            "evt.around": [("evt.around[1650000000000000000]", .timestamp(1_650_000_000_000_000_000))],
            "evt.type.is": [("evt.type.is.open", .name("open")), ("evt.type.is.3", .eventNumber(3))],
            "evt.abspath": [("evt.abspath.src", .name("src")), ("evt.abspath.dst", .name("dst"))],
            "thread.cgroup": [("thread.cgroup.cpuacct", .name("cpuacct"))],
            "span.tag": [("span.tag[1]", .index(1)), ("span.tag[-1]", .index(-1))],
            "span.arg": [("span.arg.user", .name("user")), ("span.arg[2]", .index(2))],
            "span.enterarg": [("span.enterarg.user", .name("user")), ("span.enterarg[0]", .index(0))],
            "span.duration.fortag": [("span.duration.fortag[1]", .index(1)), ("span.duration.fortag.x", .name("x"))],
            "span.count.fortag": [("span.count.fortag[1]", .index(1))],
            "span.childcount.fortag": [("span.childcount.fortag[1]", .index(1))],
            "span.idtag": [("span.idtag[0]", .index(0))],
        ]
        for definition in SyscallFieldCatalog.definitions where definition.flags.contains(.requiresArgument) {
            var forms = samples[definition.name] ?? []
            if definition.name.hasPrefix("container.mount") {
                forms = [("\(definition.name)[0]", .index(0)), ("\(definition.name)[/var/run/*.sock]", .glob("/var/run/*.sock"))]
            } else if definition.name.hasSuffix(".label") {
                forms = [("\(definition.name).app", .name("app"))]
            } else if definition.name.hasPrefix("evtin.") {
                forms = [("\(definition.name)[0]", .index(0)), ("\(definition.name).fd", .name("fd"))]
            }
            XCTAssertFalse(forms.isEmpty, "no sample argument for \(definition.name)")
            for form in forms {
                let field = try SyscallFieldCatalog.resolve(form.text)
                XCTAssertEqual(field.name, definition.name, form.text)
                XCTAssertEqual(field.argumentValue, form.argument, form.text)
                XCTAssertEqual(field.key, form.text, "canonical key of \(form.text)")
            }
        }
    }

    func testRegistryOrderAndClasses() {
        let classes = FieldClass.registry.map(\.name)
        XCTAssertEqual(classes, ["evt", "evt", "process", "user", "group", "container", "fd", "syslog", "util",
                                 "fdlist", "k8s", "mesos", "span", "evtin"])
        XCTAssertEqual(FieldClass.registry[0].shortDescription, "All event types")
        XCTAssertEqual(FieldClass.registry[1].shortDescription, "Syscall events only")
    }

    func testFilterOnlyFieldsAreTheNetworkComputedOnes() {
        let filterOnly = SyscallFieldCatalog.definitions.filter { $0.flags.contains(.filterOnly) }.map(\.name)
        XCTAssertEqual(Set(filterOnly), ["evt.around", "fd.ip", "fd.port", "fd.proto", "fd.net", "fd.cnet", "fd.snet",
                                         "fd.lnet", "fd.rnet"])
    }

    func testEventParameterTableHas159NamesWithFirstDefinitionTypes() throws {
        XCTAssertEqual(EventParameters.rawTypes.count, 159)
        XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.rawarg.res").type, .errno)
        XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.rawarg.name").type, .fsPath)
        XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.rawarg.flags").type, .flags32)
        XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.rawarg.uid").type, .uint32)
        // `evt.arg.*` is always the rendered text, whatever the parameter's own type.
        XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.arg.uid").type, .charbuf)
    }

    func testEveryParameterNameResolvesThroughEvtArg() throws {
        for name in EventParameters.rawTypes.keys where !name.contains(" ") {
            XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.arg.\(name)").argument, name)
            XCTAssertEqual(try SyscallFieldCatalog.resolve("evt.rawarg.\(name)").type, EventParameters.rawTypes[name])
        }
    }
}
