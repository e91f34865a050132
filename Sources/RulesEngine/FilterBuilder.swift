import ConditionLanguage
import K8sAuditFields
import SyscallFields

/// Builds the filter of a macro-free condition tree, type-checking every comparison through its
/// source's field catalogue (field resolution, operator against the field's type, each value parsed
/// for the type). The one builder of both the rules-file loader (`SecondPass`) and the loader of
/// described rule sets (`RulesEngine(description:)`).
struct FilterBuilder {
    let fields: FieldSources

    struct BuildError: Error { var message: String }

    /// The filter of `node`, whose nested `and`s and `or`s become one group each (§7.2): one node per
    /// tree node. The recursion is bounded by the callers' depth checks (`LoaderLimits.maximumExpandedDepth`).
    func build(_ node: ConditionNode, source: EventSource) throws(BuildError) -> Filter {
        switch node {
        case .and(let operands):
            return .and(try members(operands, source: source, isAnd: true))
        case .or(let operands):
            return .or(try members(operands, source: source, isAnd: false))
        case .not(let operand):
            return .not(try build(operand, source: source))
        case .macro(let name):
            throw BuildError(message: "Undefined macro \(name) used in filter.")
        case .comparison(let comparison):
            switch source {
            case .k8sAudit:
                do { return .k8s(try K8sCheck(comparison, registry: fields.k8s), comparison) }
                catch { throw BuildError(message: error.message) }
            case .syscall:
                do { return .syscall(try SyscallCheck(comparison)) }
                catch { throw BuildError(message: error.message) }
            }
        }
    }

    /// `a and b and c` is one group of three members, whatever the parentheses and macros (§7.2).
    private func members(_ operands: [ConditionNode], source: EventSource, isAnd: Bool) throws(BuildError) -> [Filter] {
        var members: [Filter] = []
        members.reserveCapacity(operands.count)
        for operand in operands {
            switch (try build(operand, source: source), isAnd) {
            case (.and(let inner), true), (.or(let inner), false): members += inner
            case (let member, _): members.append(member)
            }
        }
        return members
    }
}

/// A rule's effective alert format: the one of its source.
struct AlertFormats {
    var k8s: K8sOutputFormat?
    var syscall: SyscallOutputFormat?
}

/// Validates a rule's output and builds its effective alert format (§11.2–§11.3), for both loaders.
enum OutputValidator {
    struct InvalidOutput: Error { var message: String }

    static func validate(output: String, priority: Priority, source: EventSource, fields: FieldSources,
                         timeFormatISO8601: Bool) throws(InvalidOutput) -> AlertFormats {
        switch source {
        case .k8sAudit:
            do {
                _ = try K8sOutputFormat(parsing: output, registry: fields.k8s)
                let time = timeFormatISO8601 ? "%jevt.time.iso8601" : "%jevt.time"
                return AlertFormats(k8s: try K8sOutputFormat(parsing: "*\(time): \(priority.name) \(output)", registry: fields.k8s))
            } catch {
                throw InvalidOutput(message: "Invalid output format '\(output)': '\(error.message)'")
            }
        case .syscall:
            let effective = replacingContainerInfo(output)
            do {
                _ = try SyscallOutputFormat(parsing: effective)
                // `"*" + T + ": " + <Priority> + " " + <output>`, T = %evt.time (or %evt.time.iso8601).
                let time = timeFormatISO8601 ? "%evt.time.iso8601" : "%evt.time"
                return AlertFormats(syscall: try SyscallOutputFormat(parsing: "*\(time): \(priority.name) \(effective)"))
            } catch {
                throw InvalidOutput(message: "Invalid output format '\(effective)': '\(error.message)'")
            }
        }
    }

    /// Without `-p`, `%container.info` becomes `%container.name (id=%container.id)`; the `.` of the
    /// pattern matches any character, as upstream's Lua pattern does.
    static func replacingContainerInfo(_ output: String) -> String {
        var result = ""
        var rest = Substring(output)
        while let percent = rest.firstIndex(of: "%") {
            result += rest[..<percent]
            let candidate = rest[percent...]
            if candidate.count >= 15 {
                let chunk = Array(candidate.prefix(15))
                if String(chunk[0..<10]) == "%container", String(chunk[11..<15]) == "info" {
                    result += "%container.name (id=%container.id)"
                    rest = candidate.dropFirst(15)
                    continue
                }
            }
            result += "%"
            rest = candidate.dropFirst()
        }
        return result + rest
    }
}
