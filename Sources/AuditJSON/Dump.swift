// nlohmann v3.3.0 compact `dump()` (k8s-audit-fields.md §2.2.3). Iterative, with an explicit work list,
// so arbitrarily deep documents serialise without recursion.

extension JSONDocument {
    private enum DumpStep {
        case value(Int)
        case key(Int)   // the key string followed by `:`
        case byte(UInt8)
    }

    func dump(valueAt rootIndex: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(Int(tape[rootIndex].next) - rootIndex < 8 ? 32 : 256)
        var pending: [DumpStep] = [.value(rootIndex)]
        var children: [Int] = []
        while let step = pending.popLast() {
            switch step {
            case .byte(let c):
                out.append(c)
            case .key(let index):
                appendDumpedString(at: index, to: &out)
                out.append(ASCII.colon)
            case .value(let index):
                let entry = tape[index]
                switch entry.tag {
                case .array:
                    out.append(ASCII.openBracket)
                    pending.append(.byte(ASCII.closeBracket))
                    children.removeAll(keepingCapacity: true)
                    forEachElement(ofArrayAt: index) { children.append($0) }
                    for (position, child) in children.enumerated().reversed() {
                        pending.append(.value(child))
                        if position > 0 { pending.append(.byte(ASCII.comma)) }
                    }
                case .object:
                    out.append(ASCII.openBrace)
                    pending.append(.byte(ASCII.closeBrace))
                    for (position, member) in sortedMembers(ofObjectAt: index).enumerated().reversed() {
                        pending.append(.value(member.value))
                        pending.append(.key(member.key))
                        if position > 0 { pending.append(.byte(ASCII.comma)) }
                    }
                case .string:
                    appendDumpedString(at: index, to: &out)
                case .int:
                    out += String(Int64(bitPattern: entry.payload)).utf8
                case .uint:
                    out += String(entry.payload).utf8
                case .double:
                    out += DoubleFormatting.nlohmannText(Double(bitPattern: entry.payload)).utf8
                case .true:
                    out += "true".utf8
                case .false:
                    out += "false".utf8
                case .null:
                    out += "null".utf8
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A quoted string as nlohmann escapes it: `\" \\ \b \f \n \r \t`, other controls as `\u00xx`
    /// (lowercase hex); `/`, DEL and non-ASCII UTF-8 stay raw.
    private func appendDumpedString(at index: Int, to out: inout [UInt8]) {
        out.append(ASCII.quote)
        if !tape[index].hasEscapes {
            // Unescaped source text holds no quote, backslash or control byte: it is already dump output.
            let entry = tape[index]
            out += UnsafeBufferPointer(start: bytes.base + entry.stringOffset, count: entry.stringLength)
        } else {
            withStringBytes(at: index) { decoded in
                for c in decoded { Self.appendEscaped(c, to: &out) }
            }
        }
        out.append(ASCII.quote)
    }

    private static func appendEscaped(_ c: UInt8, to out: inout [UInt8]) {
        let shortEscape: UInt8?
        switch c {
        case ASCII.quote: shortEscape = ASCII.quote
        case ASCII.backslash: shortEscape = ASCII.backslash
        case 0x08: shortEscape = UInt8(ascii: "b")
        case 0x0C: shortEscape = UInt8(ascii: "f")
        case 0x0A: shortEscape = UInt8(ascii: "n")
        case 0x0D: shortEscape = UInt8(ascii: "r")
        case 0x09: shortEscape = UInt8(ascii: "t")
        case 0x00..<0x20: shortEscape = nil
        default:
            out.append(c)
            return
        }
        out.append(ASCII.backslash)
        if let letter = shortEscape {
            out.append(letter)
        } else {
            let hexDigits = Array("0123456789abcdef".utf8)
            out += [UInt8(ascii: "u"), ASCII.zero, ASCII.zero, hexDigits[Int(c >> 4)], hexDigits[Int(c & 0xF)]]
        }
    }
}
