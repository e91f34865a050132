import ConditionLanguage
import K8sAuditFields
import XCTest

/// §2.1: how field references are recognised, and the load errors worded as Falco's.
final class FieldNameTests: XCTestCase {
    private let registry = K8sFieldRegistry.falco

    func testTheCatalogueIsFalcoTable() {
        let names = registry.fields.map(\.name)
        XCTAssertEqual(names.count, 62)
        XCTAssertEqual(Array(names.prefix(5)), ["jevt.time.iso8601", "jevt.time", "jevt.rawtime", "jevt.obj", "jevt.value"])
        for name in ["ka.auditid", "ka.uri.param", "ka.req.binding.subject.has_name", "ka.req.container.image.repository",
                     "ka.req.pod.containers.eff_run_as_group", "ka.req.role.rules.nonResourceURLs", "ka.req.volume.hostpath",
                     "ka.req.pod.volumes.volume_type", "ka.useragent"] {
            XCTAssertTrue(names.contains(name), name)
        }
        // §2.5: names that do not exist in 0.31.1.
        for name in ["ka.req.sec_ctx.privileged", "ka.req.pod.containers.host_ipc", "ka.req.pod.containers.drop_capabilities",
                     "ka.req.pod.init_containers.image", "ka.req.pod.volumes.type", "jevt.foo"] {
            XCTAssertEqual(K8s.checkError(name), "filter_check called with nonexistent field \(name)")
        }
    }

    func testIndexModes() {
        let modes = Dictionary(uniqueKeysWithValues: registry.fields.map { ($0.name, $0.indexMode) })
        XCTAssertEqual(modes["jevt.value"], .requiredKey)
        XCTAssertEqual(modes["ka.uri.param"], .requiredKey)
        XCTAssertEqual(modes["ka.req.binding.subject.has_name"], .requiredKey)
        XCTAssertEqual(modes["ka.req.volume.hostpath"], .optionalKey)
        XCTAssertEqual(modes["ka.verb"], K8sIndexMode.none)
        XCTAssertEqual(modes["ka.req.container.image"], K8sIndexMode.none)
        let numeric = ["ka.req.pod.containers.image", "ka.req.pod.containers.image.repository", "ka.req.pod.containers.host_port",
                       "ka.req.pod.containers.privileged", "ka.req.pod.containers.allow_privilege_escalation",
                       "ka.req.pod.containers.read_only_fs", "ka.req.pod.containers.run_as_user",
                       "ka.req.pod.containers.eff_run_as_user", "ka.req.pod.containers.run_as_group",
                       "ka.req.pod.containers.eff_run_as_group", "ka.req.pod.containers.proc_mount",
                       "ka.req.role.rules.apiGroups", "ka.req.role.rules.nonResourceURLs", "ka.req.role.rules.verbs",
                       "ka.req.role.rules.resources", "ka.req.pod.containers.add_capabilities", "ka.req.service.ports",
                       "ka.req.pod.volumes.hostpath", "ka.req.pod.volumes.flexvolume_driver", "ka.req.pod.volumes.volume_type"]
        XCTAssertEqual(Set(modes.filter { $0.value == .optionalNumeric }.keys), Set(numeric))
    }

    func testKaNamesEndAtABoundary() throws {
        let event = try K8s.podEvent(requestObject: nil)
        // `_`, `-`, `/`, `)` end a name: the rest is silently dropped in a condition (upstream quirk, kept).
        for text in ["ka.verb_x", "ka.verb-x", "ka.verb/x", "ka.verb)"] {
            XCTAssertTrue(try K8s.holds(text, .equal, ["create"], on: event), text)
            XCTAssertTrue(registry.isKnownField(text), text)
        }
        for text in ["ka.verb.x", "ka.verbX", "ka.verb2", "ka.user.nameX", "ka.", "ka", "verb", "KA.verb"] {
            XCTAssertEqual(K8s.checkError(text), "filter_check called with nonexistent field \(text)")
            XCTAssertFalse(registry.isKnownField(text), text)
        }
        // The longer name wins where one name extends another with a dot.
        XCTAssertEqual(try registry.reference("ka.req.container.image.repository").name, "ka.req.container.image.repository")
        XCTAssertEqual(try registry.reference("ka.req.container.image").name, "ka.req.container.image")
    }

    func testJevtNamesArePlainPrefixes() throws {
        XCTAssertEqual(try registry.reference("jevt.timex").name, "jevt.time")
        XCTAssertEqual(try registry.reference("jevt.time.iso8601").name, "jevt.time.iso8601")
        XCTAssertEqual(try registry.reference("jevt.time.iso8601x").name, "jevt.time.iso8601")
        XCTAssertEqual(try registry.reference("jevt.rawtime").name, "jevt.rawtime")
        XCTAssertEqual(try registry.reference("jevt.objects").name, "jevt.obj")
        XCTAssertTrue(registry.isKnownField("jevt.value[/verb]"))
    }

    func testJevtValueNeedsAValidPointer() {
        XCTAssertEqual(K8s.checkError("jevt.value"),
                       #"Could not parse filtercheck field "jevt.value". Did not have expected format with 'jevt.value[<json pointer>]'"#)
        XCTAssertEqual(K8s.checkError("jevt.value[/a"),
                       #"Could not parse filtercheck field "jevt.value[/a". Did not have expected format with 'jevt.value[<json pointer>]'"#)
        XCTAssertEqual(K8s.checkError("jevt.valuex[/a]"),
                       #"Could not parse filtercheck field "jevt.valuex[/a]". Did not have expected format with 'jevt.value[<json pointer>]'"#)
        XCTAssertEqual(K8s.checkError("jevt.value[abc]"),
                       #"Could not parse filtercheck field "jevt.value[abc]". Invalid json selector ([json.exception.parse_error.107] parse error at 1: JSON pointer must be empty or begin with '/' - was: 'abc')"#)
        XCTAssertEqual(K8s.checkError("jevt.value[/a~2]"),
                       #"Could not parse filtercheck field "jevt.value[/a~2]". Invalid json selector ([json.exception.parse_error.108] parse error: escape character '~' must be followed with '0' or '1')"#)
        XCTAssertNil(K8s.checkError("jevt.value[/annotations/authorization.k8s.io~1decision]"))
        XCTAssertNil(K8s.checkError("jevt.value[]"))
    }

    func testIndexErrors() {
        XCTAssertEqual(K8s.checkError("ka.uri.param"),
                       "When parsing filtercheck ka.uri.param: ka.uri.param requires an index but none provided")
        XCTAssertEqual(K8s.checkError("ka.uri.param[]"),
                       "When parsing filtercheck ka.uri.param[]: ka.uri.param requires an index but none provided")
        XCTAssertEqual(K8s.checkError("ka.req.binding.subject.has_name"),
                       "When parsing filtercheck ka.req.binding.subject.has_name: ka.req.binding.subject.has_name requires an index but none provided")
        XCTAssertEqual(K8s.checkError("ka.verb[0]"),
                       "When parsing filtercheck ka.verb[0]: ka.verb forbids an index but one provided")
        XCTAssertEqual(K8s.checkError("ka.req.pod.containers.image[x]"),
                       "When parsing filtercheck ka.req.pod.containers.image[x]: ka.req.pod.containers.image requires a numeric index")
        XCTAssertEqual(K8s.checkError("ka.req.pod.containers.privileged[-1]"),
                       "When parsing filtercheck ka.req.pod.containers.privileged[-1]: ka.req.pod.containers.privileged requires a numeric index")
        XCTAssertNil(K8s.checkError("ka.req.pod.containers.image[01]"))
        XCTAssertNil(K8s.checkError("ka.req.pod.containers.image"))
        XCTAssertNil(K8s.checkError("ka.req.volume.hostpath"))
        XCTAssertNil(K8s.checkError("ka.req.volume.hostpath[/etc*]"))
        XCTAssertNil(K8s.checkError("ka.uri.param[name.with-any/text]"))
        XCTAssertFalse(registry.isKnownField("ka.uri.param"))
        XCTAssertTrue(registry.isKnownField("ka.uri.param[x]"))
    }

    func testOperatorArityIsCheckedAtLoad() {
        XCTAssertEqual(K8s.checkError("ka.verb", .equal, []), "Operator = on ka.verb needs exactly one value, got 0")
        XCTAssertEqual(K8s.checkError("ka.verb", .exists, ["x"]), "Operator exists on ka.verb takes no value")
        XCTAssertNil(K8s.checkError("ka.verb", .in, []))
    }

    func testExtensionFieldsFollowTheSameRules() throws {
        let extended = registry.adding([
            K8sFieldDefinition(name: "ka.req.pod.containers.names", description: "container names", indexMode: .optionalNumeric) { event, _ in
                .values(event.object["requestObject"]?["spec"]?["containers"]?.elements.compactMap { $0["name"]?.string }.map(K8sValue.string) ?? [])
            },
            K8sFieldDefinition(name: "ka.pss.check", description: "keyed", indexMode: .requiredKey) { _, index in
                .values([.string(index ?? "none")])
            },
        ])
        let event = try K8s.pod(spec: #"{"containers":[{"name":"a"},{"name":"b"}]}"#)
        let context = K8sEventContext(event: event)
        XCTAssertEqual(try extended.reference("ka.req.pod.containers.names").extraction(in: context), strings("a", "b"))
        XCTAssertEqual(try extended.reference("ka.req.pod.containers.names[1]").extraction(in: context), strings("b"))
        XCTAssertEqual(try extended.reference("ka.req.pod.containers.names_x").name, "ka.req.pod.containers.names")
        XCTAssertEqual(try extended.reference("ka.pss.check[privileged]").extraction(in: context), strings("privileged"))
        XCTAssertEqual(K8s.checkError("ka.pss.check", registry: extended),
                       "When parsing filtercheck ka.pss.check: ka.pss.check requires an index but none provided")
        XCTAssertEqual(K8s.checkError("ka.req.pod.containers.names.x", registry: extended),
                       "filter_check called with nonexistent field ka.req.pod.containers.names.x")
        // The base registry is unchanged, and built-in fields still work in the extended one.
        XCTAssertFalse(registry.isKnownField("ka.pss.check[x]"))
        XCTAssertEqual(try extended.reference("ka.req.pod.containers.image").name, "ka.req.pod.containers.image")
        XCTAssertEqual(extended.fields.count, 64)
    }

    func testReferencesCompiledAfterTheContextStillEvaluate() throws {
        let event = try K8s.pod(spec: #"{"containers":[{"name":"a","image":"nginx:1"}]}"#)
        let earlier = K8sEventContext(event: event)
        // A definition registered after the context exists gets a memo slot the context does not have.
        let late = registry.adding([
            K8sFieldDefinition(name: "ka.late.field", description: "made after the context", indexMode: .none) { _, _ in
                .values([.string("late")])
            },
        ])
        let reference = try late.reference("ka.late.field")
        XCTAssertEqual(try reference.extraction(in: earlier), strings("late"))
        XCTAssertEqual(reference.render(in: earlier), "late")
        let check = try K8sCheck(Comparison(field: "ka.late.field", op: .equal, values: ["late"]), registry: late)
        XCTAssertTrue(try check.evaluate(in: earlier))
        XCTAssertTrue(try check.evaluate(in: K8sEventContext(event: event)))
        // Memoised fields read the same on repeated use of one context.
        let image = try registry.reference("ka.req.pod.containers.image")
        XCTAssertEqual(image.render(in: earlier), "nginx:1")
        XCTAssertEqual(image.render(in: earlier), "nginx:1")
    }
}
