import XCTest
@testable import PSPConverter

/// Bad input gets a clear error naming the field, never a crash or a broken rules file.
final class ConversionErrorTests: XCTestCase {
    private func assertError(_ yaml: String, field: String?, contains fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard let error = PSPFixtures.conversionError(yaml, file: file, line: line) else { return }
        XCTAssertEqual(error.field, field, "\(error)", file: file, line: line)
        XCTAssertTrue(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"", file: file, line: line)
        if let field { XCTAssertTrue(error.description.hasPrefix("\(field): "), file: file, line: line) }
    }

    func testNotYAML() {
        assertError("kind: PodSecurityPolicy\nspec: [privileged\n", field: nil, contains: "not valid YAML")
    }

    func testEmptyInput() {
        assertError("", field: nil, contains: "empty")
        assertError("# only a comment\n", field: nil, contains: "empty")
    }

    func testSeveralDocuments() {
        let two = PSPFixtures.psp(spec: "privileged: false") + "---\n" + PSPFixtures.psp(name: "other", spec: "")
        assertError(two, field: nil, contains: "2 YAML documents")
    }

    func testTopLevelListOrScalar() {
        assertError("- kind: PodSecurityPolicy\n", field: nil, contains: "found a list")
        assertError("hello\n", field: nil, contains: "found a scalar")
    }

    func testWrongKind() {
        let pod = PSPFixtures.psp(spec: "").replacingOccurrences(of: "kind: PodSecurityPolicy", with: "kind: Pod")
        assertError(pod, field: "kind", contains: "\"Pod\" is not PodSecurityPolicy")
        let list = PSPFixtures.psp(spec: "").replacingOccurrences(of: "kind: PodSecurityPolicy", with: "kind: PodSecurityPolicyList")
        assertError(list, field: "kind", contains: "is not PodSecurityPolicy")
        assertError("apiVersion: policy/v1beta1\nmetadata: {name: x}\n", field: "kind", contains: "missing")
        assertError("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: []}\nstatus: {}\n",
                    field: "kind", contains: "\"Pod\" is not PodSecurityPolicy")
    }

    func testWrongAPIVersion() {
        let v1 = PSPFixtures.psp(spec: "").replacingOccurrences(of: "policy/v1beta1", with: "policy/v1")
        assertError(v1, field: "apiVersion", contains: "\"policy/v1\"")
        XCTAssertNoThrow(try PSPConverter.convert(yaml: PSPFixtures.psp(spec: "").replacingOccurrences(of: "policy/v1beta1", with: "extensions/v1beta1")))
    }

    func testMinGreaterThanMax() {
        assertError(PSPFixtures.psp(spec: "runAsUser: {rule: MustRunAs, ranges: [{min: 100, max: 10}]}"),
                    field: "spec.runAsUser.ranges[0]", contains: "min 100 is greater than max 10")
        assertError(PSPFixtures.psp(spec: "hostPorts: [{min: 80, max: 80}, {min: 9000, max: 8000}]"),
                    field: "spec.hostPorts[1]", contains: "min 9000 is greater than max 8000")
        // A missing max is 0, as in Go: {min: 5} is the inverted range 5:0.
        assertError(PSPFixtures.psp(spec: "fsGroup: {rule: MayRunAs, ranges: [{min: 5}]}"),
                    field: "spec.fsGroup.ranges[0]", contains: "min 5 is greater than max 0")
    }

    func testOutOfRangeIDsAndPorts() {
        assertError(PSPFixtures.psp(spec: "supplementalGroups: {rule: MustRunAs, ranges: [{min: -1, max: 10}]}"),
                    field: "spec.supplementalGroups.ranges[0].min", contains: "-1 is below the minimum 0")
        assertError(PSPFixtures.psp(spec: "hostPorts: [{min: 1, max: 70000}]"),
                    field: "spec.hostPorts[0].max", contains: "above the maximum 65535")
    }

    func testEmptyRangesForRangeStrategies() {
        assertError(PSPFixtures.psp(spec: "runAsUser: {rule: MustRunAs}"),
                    field: "spec.runAsUser.ranges", contains: "MustRunAs needs at least one range")
        assertError(PSPFixtures.psp(spec: "runAsGroup: {rule: MayRunAs, ranges: []}"),
                    field: "spec.runAsGroup.ranges", contains: "MayRunAs needs at least one range")
    }

    func testUnknownStrategies() {
        assertError(PSPFixtures.psp(spec: "runAsUser: {rule: MustRunAsRoot}"), field: "spec.runAsUser.rule",
                    contains: "unknown strategy \"MustRunAsRoot\": expected MustRunAs, MustRunAsNonRoot or RunAsAny")
        assertError(PSPFixtures.psp(spec: "fsGroup: {rule: mustrunas}"), field: "spec.fsGroup.rule",
                    contains: "expected MustRunAs, MayRunAs or RunAsAny")
        assertError(PSPFixtures.psp(spec: "supplementalGroups: {rule: MustRunAsNonRoot, ranges: [{min: 1, max: 2}]}"),
                    field: "spec.supplementalGroups.rule", contains: "unknown strategy")
        assertError(PSPFixtures.psp(spec: "seLinux: {rule: MayRunAs}"), field: "spec.seLinux.rule",
                    contains: "expected MustRunAs or RunAsAny")
    }

    func testImagesAnnotationNotAList() {
        let field = "metadata.annotations[\"falco-rules-psp-images\"]"
        assertError(PSPFixtures.psp(images: "nginx", spec: ""), field: field, contains: "\"nginx\" is not a list")
        assertError(PSPFixtures.psp(images: "[nginx", spec: ""), field: field, contains: "not a YAML list")
        assertError(PSPFixtures.psp(images: "{a: b}", spec: ""), field: field, contains: "is not a list")
        assertError(PSPFixtures.psp(images: "[]", spec: ""), field: field, contains: "the list is empty")
        assertError(PSPFixtures.psp(images: "[nginx, [a]]", spec: ""), field: field, contains: "item 1 (a nested collection)")
        assertError(PSPFixtures.psp(images: "[\"bad image\"]", spec: ""), field: field, contains: "item 0 (\"bad image\") is not an image repository")
    }

    func testImagesAnnotationWrittenAsYAMLList() {
        let yaml = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: x\n  annotations:\n    falco-rules-psp-images: [nginx]\nspec: {}\n"
        assertError(yaml, field: "metadata.annotations[\"falco-rules-psp-images\"]", contains: "annotation values must be strings")
    }

    func testWrongTypes() {
        assertError(PSPFixtures.psp(spec: "privileged: \"false\""), field: "spec.privileged",
                    contains: "expected a boolean (true or false), found string \"false\"")
        assertError(PSPFixtures.psp(spec: "runAsUser: {rule: MustRunAs, ranges: [{min: \"30\", max: 40}]}"),
                    field: "spec.runAsUser.ranges[0].min", contains: "expected an integer")
        assertError(PSPFixtures.psp(spec: "runAsUser: {rule: MustRunAs, ranges: [{min: 1.5, max: 40}]}"),
                    field: "spec.runAsUser.ranges[0].min", contains: "expected an integer")
        assertError(PSPFixtures.psp(spec: "volumes: configMap"), field: "spec.volumes", contains: "expected a list")
        assertError(PSPFixtures.psp(spec: "runAsUser: MustRunAs"), field: "spec.runAsUser", contains: "expected an object")
    }

    func testUnknownFields() {
        assertError(PSPFixtures.psp(spec: "HostPID: true"), field: "spec.HostPID", contains: "unknown field (did you mean \"hostPID\"?)")
        assertError(PSPFixtures.psp(spec: "privilged: true"), field: "spec.privilged", contains: "unknown field")
        assertError(PSPFixtures.psp(spec: "runAsUser: {rule: RunAsAny, range: []}"), field: "spec.runAsUser.range", contains: "unknown field")
        assertError(PSPFixtures.psp(spec: "") + "status: {}\n", field: "status", contains: "unknown field")
    }

    func testInvalidListEntries() {
        assertError(PSPFixtures.psp(spec: "volumes: [configMap, hostpath]"), field: "spec.volumes[1]",
                    contains: "\"hostpath\" is not a volume type (did you mean hostPath?)")
        assertError(PSPFixtures.psp(spec: "allowedProcMountTypes: [Masked]"), field: "spec.allowedProcMountTypes[0]",
                    contains: "is not a proc mount type")
        assertError(PSPFixtures.psp(spec: "allowedHostPaths: [{readOnly: true}]"), field: "spec.allowedHostPaths[0].pathPrefix",
                    contains: "required")
        assertError(PSPFixtures.psp(spec: "allowedHostPaths: [{pathPrefix: /var/../etc}]"), field: "spec.allowedHostPaths[0].pathPrefix",
                    contains: "'..'")
        assertError(PSPFixtures.psp(spec: "allowedFlexVolumes: [{}]"), field: "spec.allowedFlexVolumes[0].driver", contains: "required")
        assertError(PSPFixtures.psp(spec: "allowedCapabilities: [\"NET ADMIN\"]"), field: "spec.allowedCapabilities[0]",
                    contains: "is not a capability name")
        assertError(PSPFixtures.psp(spec: "forbiddenSysctls: [\"kernel.*.x\"]"), field: "spec.forbiddenSysctls[0]",
                    contains: "is not a sysctl name or pattern")
        assertError(PSPFixtures.psp(spec: "allowedFlexVolumes: [{driver: \"50%\"}]"), field: "spec.allowedFlexVolumes[0].driver",
                    contains: "contains '%'")
    }

    /// No quoting reads back a value ending in a backslash (it would hide the closing quote), and a
    /// folded condition line cannot hold a tab or a line break. (YAML escapes in the policy text.)
    func testValuesNoConditionCanHold() {
        for (escaped, reason) in [(#"a\\"#, "cannot be written into a Falco condition (it contains both quote characters or ends with a backslash)"),
                                  (#"a\tb"#, "a folded condition line cannot carry"), (#"a\nb"#, "a folded condition line cannot carry")] {
            assertError(PSPFixtures.psp(spec: "runtimeClass: {allowedRuntimeClassNames: [\"\(escaped)\"]}"),
                        field: "spec.runtimeClass.allowedRuntimeClassNames[0]", contains: reason)
        }
    }

    func testSELinuxMustRunAsWithoutOptions() {
        assertError(PSPFixtures.psp(spec: "seLinux: {rule: MustRunAs}"), field: "spec.seLinux.seLinuxOptions",
                    contains: "required when the rule is MustRunAs")
    }

    func testPolicyNameThatCannotAppearInAnOutput() {
        assertError(PSPFixtures.psp(name: "100%", spec: ""), field: "metadata.name", contains: "contains '%'")
    }

    /// The message is what `pspctl convert` prints after `pspctl convert: `.
    func testDescriptionNamesTheField() {
        let error = PSPConversionError(field: "spec.runAsUser.ranges[0]", message: "min 100 is greater than max 10")
        XCTAssertEqual(error.description, "spec.runAsUser.ranges[0]: min 100 is greater than max 10")
        XCTAssertEqual(PSPConversionError(field: nil, message: "x").description, "x")
    }
}
