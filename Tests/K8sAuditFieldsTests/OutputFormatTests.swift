import K8sAuditFields
import XCTest

/// §4: parsing output strings, rendering values, `output_fields`.
final class OutputFormatTests: XCTestCase {
    private var pod: K8sAuditEvent!

    override func setUpWithError() throws {
        setenv("TZ", "UTC", 1)
        pod = try K8s.event(Fixtures.podCreate)
    }

    private func render(_ format: String, _ event: K8sAuditEvent? = nil) throws -> String {
        try K8sOutputFormat(parsing: format, registry: .falco).render(in: K8sEventContext(event: event ?? pod))
    }

    private func formatError(_ format: String) -> String? {
        do { _ = try K8sOutputFormat(parsing: format, registry: .falco); return nil } catch { return error.message }
    }

    func testRenderingAsBytesMatchesTheText() throws {
        let longUser = String(repeating: "system:serviceaccount:", count: 3)
        let event = try K8s.event(Fixtures.podCreate.replacingOccurrences(of: #""username":"alice""#, with: #""username":"\#(longUser)""#))
        for format in ["user=%ka.user.name images=%ka.req.pod.containers.image priv=%ka.req.pod.containers.privileged[0] sub=%ka.target.subresource",
                       "%ka.user.groups %ka.response.code %jevt.value[/requestObject/spec/securityContext] %ka.verb"] {
            let parsed = try K8sOutputFormat(parsing: format, registry: .falco)
            let context = K8sEventContext(event: event)
            var bytes: [UInt8] = Array("prefix:".utf8)
            parsed.render(in: context, appendingTo: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "prefix:" + parsed.render(in: context))
        }
        XCTAssertTrue(try render("%ka.user.name", event).hasPrefix(longUser), "the fixture has the long user name")
    }

    func testRenderingOfValues() throws {
        XCTAssertEqual(try render("user=%ka.user.name images=%ka.req.pod.containers.image priv=%ka.req.pod.containers.privileged hp=%ka.req.pod.volumes.hostpath sub=%ka.target.subresource"),
                       "user=alice images=(nginx:1.21,docker.io/library/busybox@sha256:abc) priv=(true,<NA>) hp=(<NA>,/etc,<NA>) sub=<NA>")
        XCTAssertEqual(try render("%ka.user.groups %ka.response.code %ka.req.pod.containers.eff_run_as_user"),
                       "(dev,system:authenticated) 201 (0,1000)")
        XCTAssertEqual(try render("%jevt.value[/requestObject/spec/securityContext]"),
                       #"{"fsGroup":2000,"runAsGroup":3000,"runAsUser":1000,"supplementalGroups":[4000,5000]}"#)
        XCTAssertEqual(try render("%ka.req.pod.containers.privileged[0] %ka.req.pod.containers.image[1]"),
                       "true docker.io/library/busybox@sha256:abc")
        let zero = try K8s.pod(spec: #"{"containers":[]}"#)
        XCTAssertEqual(try render("[%ka.req.pod.containers.image]", zero), "[<NA>]")
        let raw = try K8s.podEvent(requestObject: nil, extra: #","user":{"username":"007","groups":["a,b","(c)","line\nbreak",""]}"#)
        XCTAssertEqual(try render("%ka.user.name %ka.user.groups", raw), "7 (a,b,(c),line\nbreak,)")   // no escaping
    }

    func testLiteralTextAroundReferences() throws {
        XCTAssertEqual(try render("*%ka.target.name/%ka.target.resource"), "web/pods")   // leading * dropped
        XCTAssertEqual(try render("%jevt.timex"), "10:00:00.123456000x")
        XCTAssertEqual(try render("%ka.verb_x"), "create_x")
        XCTAssertEqual(try render("%ka.req.pod.containers.image[]"), "(nginx:1.21,docker.io/library/busybox@sha256:abc)[]")
        XCTAssertEqual(try render("%ka.verb[0"), "create[0")
        XCTAssertEqual(try render("no fields at all"), "no fields at all")
        XCTAssertEqual(try render(""), "")
        XCTAssertEqual(try render("*"), "")
        XCTAssertEqual(try render("%jevt.time: Warning %ka.verb"), "10:00:00.123456000: Warning create")
        XCTAssertEqual(try render("%jevt.time.iso8601"), "2022-03-01T10:00:00.123456000+0000")
    }

    func testFormatErrors() {
        XCTAssertEqual(formatError("a %% b"), #"Could not parse format string "a %% b": unknown filtercheck field % b"#)
        XCTAssertEqual(formatError("*x % y"), #"Could not parse format string "*x % y": unknown filtercheck field  y"#)
        XCTAssertEqual(formatError("u=%ka.user.name."), #"Could not parse format string "u=%ka.user.name.": unknown filtercheck field ka.user.name."#)
        XCTAssertEqual(formatError("(%proc.name)"), #"Could not parse format string "(%proc.name)": unknown filtercheck field proc.name)"#)
        XCTAssertEqual(formatError("trailing %"), #"Could not parse format string "trailing %": unknown filtercheck field "#)
        XCTAssertEqual(formatError("p=%ka.uri.param rest"),
                       "When parsing filtercheck ka.uri.param rest: ka.uri.param requires an index but none provided")
        XCTAssertEqual(formatError("%ka.verb[1] x"), "When parsing filtercheck ka.verb[1] x: ka.verb forbids an index but one provided")
        XCTAssertEqual(formatError("%jevt.value x"),
                       #"Could not parse filtercheck field "jevt.value x". Did not have expected format with 'jevt.value[<json pointer>]'"#)
        XCTAssertEqual(formatError("%jevt.value[a] x"),
                       #"Could not parse filtercheck field "jevt.value[a] x". Invalid json selector ([json.exception.parse_error.107] parse error at 1: JSON pointer must be empty or begin with '/' - was: 'a')"#)
        XCTAssertNil(formatError("%jevt.value[]"))
    }

    func testOutputFields() throws {
        let format = try K8sOutputFormat(
            parsing: "*%jevt.time: Warning Pod (user=%ka.user.name images=%ka.req.pod.containers.image[1] a=%jevt.value[/verb] b=%jevt.value[/stage] sub=%ka.target.subresource code=%ka.response.code u=%ka.user.name)",
            registry: .falco)
        let fields = format.outputFields(in: K8sEventContext(event: pod))
        XCTAssertEqual(fields.map(\.key), ["jevt.time", "jevt.value", "ka.req.pod.containers.image", "ka.response.code",
                                           "ka.target.subresource", "ka.user.name"])
        XCTAssertEqual(fields.map(\.value), ["10:00:00.123456000", "ResponseComplete", "docker.io/library/busybox@sha256:abc",
                                             "201", "<NA>", "alice"])
        XCTAssertEqual(format.references.count, 8)
        XCTAssertEqual(format.references[2].index, "1")
    }

    func testAnEmptyStringStaysEmpty() throws {
        let event = try K8s.podEvent(requestObject: nil, extra: #","user":{"username":""}"#)
        let format = try K8sOutputFormat(parsing: "u=%ka.user.name", registry: .falco)
        let context = K8sEventContext(event: event)
        XCTAssertEqual(format.render(in: context), "u=")
        XCTAssertEqual(format.outputFields(in: context).first?.value, "")
    }

    func testExtensionFieldsInOutputs() throws {
        let registry = K8sFieldRegistry.falco.adding([
            K8sFieldDefinition(name: "ka.pss.reasons", description: "forbidden reasons", indexMode: .none) { _, _ in
                .values([.string("privileged"), .string("host namespaces")])
            },
        ])
        let format = try K8sOutputFormat(parsing: "%ka.pss.reasons;", registry: registry)
        XCTAssertEqual(format.render(in: K8sEventContext(event: pod)), "(privileged,host namespaces);")
    }
}
