import AuditJSON

/// JSON → field value (§2.2.3 then §2.2.2): strings by content, everything else as nlohmann `dump()` text.
enum JSONValues {
    static func value(of node: JSONNode) -> K8sValue {
        switch node.kind {
        case .string:
            // Typed from the bytes in place; a String is made only for a string value.
            return node.withStringBytes { bytes in
                ValueClassifier.classify(bytes: bytes) ?? .string(String(decoding: bytes, as: UTF8.self))
            } ?? .string("")
        case .number:
            switch node.number {
            case .int(let number)?: return .integer(number)
            case .uint(let number)? where number <= UInt64(Int64.max): return .integer(Int64(number))
            default: return K8sValue(classifying: node.dump())
            }
        case .bool: return .string(node.bool == true ? "true" : "false")
        case .null: return .string("null")
        case .object, .array: return .string(node.dump())
        }
    }

    /// The children a C++ range-for over an nlohmann value visits: array elements, object member values in
    /// key order, nothing for `null`, the value itself for any other scalar. The custom-code fields iterate
    /// containers, ports, rules and volumes this way. `body` returns false to stop early; arrays are walked
    /// in place (no array is built).
    static func visitChildren(of node: JSONNode, _ body: (JSONNode) -> Bool) {
        switch node.kind {
        case .array:
            var going = true
            node.forEachElement { child in if going { going = body(child) } }
        case .object:
            for member in node.members where !body(member.value) { return }
        case .null: return
        case .string, .number, .bool: _ = body(node)
        }
    }

    /// True when `predicate` holds for some child (as `visitChildren` visits them).
    static func containsChild(of node: JSONNode, where predicate: (JSONNode) -> Bool) -> Bool {
        var found = false
        visitChildren(of: node) { child in
            found = predicate(child)
            return !found
        }
        return found
    }

    /// A JSON number read as nlohmann's `get<int64_t>()` does: integers as is (unsigned wrap), doubles
    /// truncated toward zero (saturating where C++ would be undefined). Nil for non-numbers.
    static func int64(of node: JSONNode) -> Int64? {
        switch node.number {
        case .int(let number)?: return number
        case .uint(let number)?: return Int64(truncatingIfNeeded: number)
        case .double(let number)?:
            guard number.isFinite else { return nil }
            if number >= 9.223372036854775807e18 { return .max }
            if number <= -9.223372036854775808e18 { return .min }
            return Int64(number.rounded(.towardZero))
        case nil: return nil
        }
    }

    /// A string quoted as nlohmann v3.3.0 `dump()` writes it (named escapes, other control bytes as
    /// lowercase `\u00xx`, everything else raw).
    static func quoted(_ text: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 2)
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, UInt8(ascii: "\"")]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
