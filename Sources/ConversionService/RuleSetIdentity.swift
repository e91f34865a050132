import Crypto
import RulesEngine

/// Content-addressed ids of rule sets: the lower-case hex SHA-256 (swift-crypto) of a canonical form
/// that holds everything that decides what the loaded set does, and nothing else:
///
///     pspctl-rule-set/1\n
///     min_priority=<Priority.name of the load's minimum, e.g. Debug>\n
///     time_format_iso8601=<true|false>\n
///     files=<number of rules files>\n
///     then for each file, in load order: <its length in UTF-8 bytes>\n<its UTF-8 bytes>\n
///
/// File names are not part of it (they only name files in messages), so the same policy converted
/// from any path gives the same id; the length prefixes make the encoding unambiguous. A converted
/// policy is one file (its rules YAML) loaded with `ConversionService.loadOptions`.
///
/// Rules files loaded by name (EvaluatorService's LoadRuleSet, whose answer quotes warnings naming the
/// files) pass `names`: the header then reads `files=<N> named`, and each file's text is preceded by
/// `<its name's length>\n<its name>\n`.
public enum RuleSetIdentity {
    public static func canonicalForm(rulesFiles: [String], names: [String]? = nil, options: RulesEngine.Options) -> [UInt8] {
        var bytes = Array("pspctl-rule-set/1\n".utf8)
        bytes += Array("min_priority=\(options.minimumPriority.name)\n".utf8)
        bytes += Array("time_format_iso8601=\(options.timeFormatISO8601)\n".utf8)
        bytes += Array("files=\(rulesFiles.count)\(names == nil ? "" : " named")\n".utf8)
        func add(_ text: String) {
            let utf8 = Array(text.utf8)
            bytes += Array("\(utf8.count)\n".utf8)
            bytes += utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        for (index, file) in rulesFiles.enumerated() {
            if let names { add(index < names.count ? names[index] : "") }
            add(file)
        }
        return bytes
    }

    public static func id(rulesFiles: [String], names: [String]? = nil, options: RulesEngine.Options) -> String {
        let digest = SHA256.hash(data: canonicalForm(rulesFiles: rulesFiles, names: names, options: options))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
