// nlohmann stores objects in a std::map<std::string, json>: a duplicated key keeps its last value, and
// members iterate in bytewise (memcmp) key order. Both `members` and `dump()` need that view.

extension JSONDocument {
    /// Tape indices of the key and value of each member of the object at `objectIndex`, keys
    /// de-duplicated (the last one wins) and sorted bytewise by decoded key.
    func sortedMembers(ofObjectAt objectIndex: Int) -> [(key: Int, value: Int)] {
        var members: [(key: Int, value: Int)] = []
        members.reserveCapacity(tape[objectIndex].childCount)
        forEachMember(ofObjectAt: objectIndex) { key, value in members.append((key, value)) }
        guard members.count > 1 else { return members }

        // Escaped keys are compared by their decoded bytes, decoded once into one side buffer.
        let escapedLength = members.reduce(0) { sum, member in
            tape[member.key].hasEscapes ? sum + tape[member.key].stringLength : sum
        }
        var scratch = [UInt8](repeating: 0, count: escapedLength)
        return scratch.withUnsafeMutableBufferPointer { scratch in
            var used = 0
            let keys: [UnsafeBufferPointer<UInt8>] = members.map { member in
                let entry = tape[member.key]
                let raw = UnsafePointer(bytes.base + entry.stringOffset)
                guard entry.hasEscapes else { return UnsafeBufferPointer(start: raw, count: entry.stringLength) }
                let start = scratch.baseAddress! + used
                let length = StringContent.decodeEscapes(raw, count: entry.stringLength, into: start)
                used += length
                return UnsafeBufferPointer(start: start, count: length)
            }
            // Sort positions by key, then by position, so the last of a run of equal keys is the last defined.
            let order = members.indices.sorted { a, b in
                let comparison = StringContent.compareBytes(keys[a], keys[b])
                return comparison != 0 ? comparison < 0 : a < b
            }
            var unique: [(key: Int, value: Int)] = []
            unique.reserveCapacity(order.count)
            for (rank, position) in order.enumerated() {
                let isOverridden = rank + 1 < order.count
                    && StringContent.compareBytes(keys[position], keys[order[rank + 1]]) == 0
                if !isOverridden { unique.append(members[position]) }
            }
            return unique
        }
    }

    /// Visits the members of the object at `objectIndex` in document order (duplicates included).
    @inline(__always)
    func forEachMember(ofObjectAt objectIndex: Int, _ body: (_ key: Int, _ value: Int) -> Void) {
        var i = objectIndex + 1
        let end = Int(tape[objectIndex].next)
        while i < end {
            body(i, i + 1)
            i = Int(tape[i + 1].next)
        }
    }

    /// Visits the elements of the array at `arrayIndex` in order.
    @inline(__always)
    func forEachElement(ofArrayAt arrayIndex: Int, _ body: (_ element: Int) throws -> Void) rethrows {
        var i = arrayIndex + 1
        let end = Int(tape[arrayIndex].next)
        while i < end {
            try body(i)
            i = Int(tape[i].next)
        }
    }

    /// The value of the last member named `key` of the object at `objectIndex`, or nil.
    @inline(__always)
    func lastMemberValue(ofObjectAt objectIndex: Int, named key: UnsafeBufferPointer<UInt8>) -> Int? {
        var found: Int?
        forEachMember(ofObjectAt: objectIndex) { keyIndex, valueIndex in
            if stringEntry(at: keyIndex, equals: key) { found = valueIndex }
        }
        return found
    }
}
