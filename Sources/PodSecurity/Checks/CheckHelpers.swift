// Wording helpers shared by the checks (pod-security-admission `policy/helpers.go`).

/// `singular` when `count` is 1, else `plural`.
func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String {
    count == 1 ? singular : plural
}

/// Each item in double quotes, joined with `, ` (items are not escaped, as in PSA's `joinQuote`).
func joinQuote(_ items: [String]) -> String {
    items.map { "\"\($0)\"" }.joined(separator: ", ")
}

/// `container "a"` or `containers "a", "b"`.
func containersPhrase(_ names: [String]) -> String {
    "\(pluralize("container", "containers", names.count)) \(joinQuote(names))"
}

/// Who set a bad value: `pod`, then the containers, then any further setters, joined with ` and `.
func settersPhrase(pod: Bool, containers: [String], others: [String] = []) -> String {
    var setters: [String] = pod ? ["pod"] : []
    if !containers.isEmpty { setters.append(containersPhrase(containers)) }
    return (setters + others).joined(separator: " and ")
}

/// Distinct values in ascending byte order (Go's `sets.List` / `sort.Strings`).
func sortedDistinct<S: Sequence>(_ values: S) -> [String] where S.Element == String {
    Set(values).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}

/// Go's `%q` (`strconv.Quote`) of a string: used where PSA formats annotation values with `%q` (and by
/// PSPAdmission, for the values of the API server's field errors).
package func goQuote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            if isGoPrintable(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + hex(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                out += "\\u" + hex(scalar.value, width: 4)
            } else {
                out += "\\U" + hex(scalar.value, width: 8)
            }
        }
    }
    return out + "\""
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
private func isGoPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
         .nonspacingMark, .spacingMark, .enclosingMark,
         .decimalNumber, .letterNumber, .otherNumber,
         .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
         .initialPunctuation, .finalPunctuation, .otherPunctuation,
         .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
        return true
    default:
        return false
    }
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

extension PodSpec {
    /// `hostUsers: false` explicitly (PSA's `relaxPolicyForUserNamespacePod`, from policy v1.35).
    var runsInUserNamespace: Bool { hostUsers == false }
    /// `os.name` exactly `windows` (the restricted checks skip such pods from policy v1.25).
    var isWindows: Bool { osName == "windows" }

    /// Names of the visited containers (PSA's order) for which `isBad` holds; not de-duplicated.
    func containerNames(where isBad: (Container) -> Bool) -> [String] {
        allContainers.filter(isBad).map(\.name)
    }
}

/// What a check finds for a setting the pod and each container may set: a bad pod-level value and the
/// containers with a bad value of their own.
struct SettingFindings<Value> {
    var podBadValue: Value?
    var badContainers: [(name: String, value: Value)] = []
    /// Containers that set nothing while the pod sets no valid value (settings containers inherit).
    var implicitlyBadContainers: [String] = []

    var badContainerNames: [String] { badContainers.map(\.name) }
    /// Every bad value found, the pod's first.
    var badValues: [Value] { (podBadValue.map { [$0] } ?? []) + badContainers.map(\.value) }
    var hasExplicitlyBad: Bool { podBadValue != nil || !badContainers.isEmpty }
    /// `pod`, `container "a"`, `pod and containers "a", "b"` …
    var setters: String { settersPhrase(pod: podBadValue != nil, containers: badContainerNames) }
}

/// Judges pod- and container-level values independently: a bad pod value is reported even when every
/// container overrides it, and unset values are fine.
func judgeSetting<Value>(pod: Value?, in spec: PodSpec, container: (Container) -> Value?,
                         isValid: (Value) -> Bool) -> SettingFindings<Value> {
    var findings = SettingFindings<Value>()
    if let pod, !isValid(pod) { findings.podBadValue = pod }
    for each in spec.allContainers {
        if let value = container(each), !isValid(value) { findings.badContainers.append((each.name, value)) }
    }
    return findings
}

/// Judges a setting containers inherit from the pod: a container that sets nothing is fine only when
/// the pod sets a valid value; otherwise it is implicitly bad.
func judgeInheritedSetting<Value>(pod: Value?, in spec: PodSpec, container: (Container) -> Value?,
                                  isValid: (Value) -> Bool) -> SettingFindings<Value> {
    var findings = judgeSetting(pod: pod, in: spec, container: container, isValid: isValid)
    let podIsValid = pod.map(isValid) ?? false
    if !podIsValid {
        findings.implicitlyBadContainers = spec.containerNames { container($0) == nil }
    }
    return findings
}

/// The v1.25 form of the three Linux-only restricted checks: pods whose `os.name` is `windows` pass.
func skippingWindowsPods(_ check: @escaping @Sendable (PodMetadata, PodSpec) -> CheckResult)
    -> @Sendable (PodMetadata, PodSpec) -> CheckResult {
    { metadata, spec in spec.isWindows ? .allowed : check(metadata, spec) }
}

/// The v1.35 form of the checks relaxed for pods in a user namespace (`hostUsers: false`).
func skippingUserNamespacePods(_ check: @escaping @Sendable (PodMetadata, PodSpec) -> CheckResult)
    -> @Sendable (PodMetadata, PodSpec) -> CheckResult {
    { metadata, spec in spec.runsInUserNamespace ? .allowed : check(metadata, spec) }
}
