/// Values the evaluator computes instead of reading them from the event (syscall-fields.md §6.5,
/// rules D1–D14; D5–D8 are comparisons and live in Evaluator.swift). D12 (mapping `evt.arg[N]` to
/// `evt.arg.NAME`) needs the per-event parameter lists, which the spec does not give: not done.
enum DerivedValues {
    /// D1: rendered from `evt.rawtime`.
    static let timeFields: Set<String> = [
        "evt.time", "evt.time.s", "evt.time.iso8601", "evt.datetime", "evt.datetime.s", "evt.rawtime.s",
        "evt.rawtime.ns", "evt.reltime", "evt.reltime.s", "evt.reltime.ns", "evt.outputtime",
    ]
    /// D3: from the event id and the event-table flags.
    static let eventTableFields: Set<String> = [
        "evt.is_io", "evt.is_io_read", "evt.is_io_write", "evt.io_dir", "evt.is_wait", "syscall.type",
        "evt.count", "evt.count.exit", "evt.type.is",
    ]
    /// D4.
    static let openFlagFields: Set<String> = ["evt.is_open_read", "evt.is_open_write", "evt.is_open_exec"]
    private static let openFamily: Set<String> = ["open", "openat", "openat2"]

    /// Keys a sensor may not send (§6.2 rule 4).
    static func isComputed(_ field: SyscallField) -> Bool {
        switch field.kind {
        case .time, .eventTable, .anyAncestor: return true
        default: return field.isFilterOnly
        }
    }

    /// D4: only exits of the open family (and of `creat`, for `evt.is_open_exec`) carry a real value.
    static func takesSuppliedOpenFlag(_ name: String, eventType: String, direction: SensorEventDirection) -> Bool {
        guard direction == .exit else { return false }
        return openFamily.contains(eventType) || (name == "evt.is_open_exec" && eventType == "creat")
    }
}

extension SensorEvent {
    /// Falco extracts fd fields only for event types that create, use or destroy an fd (D13).
    var hasFileDescriptor: Bool { !flags.isDisjoint(with: EventTable.Flags.hasFD) }

    /// The value libsinsp would extract for `field`, or nil when it would extract nothing.
    /// For the any-ancestor forms this is the process's own value (what upstream renders).
    func value(of field: SyscallField) -> FieldValue? {
        if field.className == "fd", !hasFileDescriptor { return nil }
        switch field.kind {
        case .stored: return values[field.key]
        case .time: return timeValue(field.name)
        case .eventTable: return eventTableValue(field)
        case .openFlag: return openFlag(field.name)
        case .eventNumber: return values[field.key] ?? .unsigned(context.sequenceNumber)
        case .failed:
            if let supplied = values[field.key] { return supplied }
            if case .signed(let result)? = values["evt.rawres"] { return .unsigned(result < 0 ? 1 : 0) }
            return .unsigned(0)
        case .ancestor(let level): return ancestor(field.name, level: level)
        case .anyAncestor: return ancestor(field.name, level: 0)
        case .mount: return values[field.key] ?? mountPart(field)
        case .pathPart: return values[field.key] ?? pathPart(field.name)
        case .endpointAddress, .endpointPort, .network, .around: return nil  // compared, never extracted
        }
    }

    /// `proc.aname[N]` / `proc.apid[N]`; levels 0 and 1 default to the process and its parent (D9).
    func ancestor(_ name: String, level: Int) -> FieldValue? {
        if let supplied = values["\(name)[\(level)]"] { return supplied }
        switch (name, level) {
        case ("proc.aname", 0): return values["proc.name"]
        case ("proc.aname", 1): return values["proc.pname"]
        case ("proc.apid", 0): return values["proc.pid"]
        case ("proc.apid", 1): return values["proc.ppid"]
        default: return nil
        }
    }

    // MARK: D1

    private func timeValue(_ name: String) -> FieldValue? {
        let second: UInt64 = 1_000_000_000
        let relative = rawTime >= (context.runStartTime ?? rawTime) ? rawTime - (context.runStartTime ?? rawTime) : 0
        switch name {
        case "evt.rawtime.s": return .unsigned(rawTime / second)
        case "evt.rawtime.ns": return .unsigned(rawTime % second)
        case "evt.reltime": return .unsigned(relative)
        case "evt.reltime.s": return .unsigned(relative / second)
        case "evt.reltime.ns": return .unsigned(relative % second)
        case "evt.time.iso8601": return text(TimeFormat.iso8601(rawTime))
        default:
            let style: TimeFormat.LocalStyle
            switch name {
            case "evt.time.s": style = .time
            case "evt.datetime": style = .dateTimeNanoseconds
            case "evt.datetime.s": style = .dateTime
            default: style = .timeNanoseconds  // evt.time, evt.outputtime
            }
            return text(TimeFormat.local(rawTime, offsetSeconds: context.utcOffsetSeconds, style: style))
        }
    }

    // MARK: D3

    private func eventTableValue(_ field: SyscallField) -> FieldValue? {
        let reads = flags.contains(.readsFromFD), writes = flags.contains(.writesToFD)
        switch field.name {
        case "evt.is_io": return bool(reads || writes)
        case "evt.is_io_read": return bool(reads)
        case "evt.is_io_write": return bool(writes)
        case "evt.is_wait": return bool(flags.contains(.waits))
        case "evt.io_dir": return writes ? text("write") : reads ? text("read") : nil
        case "syscall.type":
            return eventType == "switch" || flags.contains(.skipParseReset) ? nil : text(eventType)
        case "evt.count": return .unsigned(1)
        case "evt.count.exit": return direction == .exit ? .unsigned(1) : nil
        default: return typeIs(field.argumentValue)
        }
    }

    /// `evt.type.is.X` maps X to the first event id with that name and the id after it (upstream
    /// quirk: names whose first id is an obsolete version never match a current event).
    private func typeIs(_ argument: SyscallFieldArgument?) -> FieldValue? {
        switch argument {
        case .eventNumber(let number)?:
            return bool(eventID == Int(number))
        case .name(let name)?:
            if name == "syscall" { return bool(isGeneric) }  // ids 0 and 1: the generic events
            guard !EventTable.namesWithObsoleteFirstID.contains(name),
                  let first = EventTable.currentName(name)?.ids.map(\.number).min()
            else { return bool(false) }
            return bool(eventID == first || eventID == first + 1)
        default:
            return nil
        }
    }

    // MARK: D4

    private func openFlag(_ name: String) -> FieldValue? {
        guard DerivedValues.takesSuppliedOpenFlag(name, eventType: eventType, direction: direction) else {
            return bool(false)
        }
        if let supplied = values[name] { return supplied }
        guard name != "evt.is_open_exec", case .text(let flagText)? = values["evt.arg.flags"] else { return nil }
        let names = Set(flagText.split(separator: UInt8(ascii: "|")).map { String(decoding: $0, as: UTF8.self) })
        let wanted = name == "evt.is_open_read" ? "O_RDONLY" : "O_WRONLY"
        return bool(names.contains(wanted) || names.contains("O_RDWR"))
    }

    // MARK: D10

    /// `container.mount*[ARG]` from `container.mounts` (`source:dest:mode:rdwr:propagation,…`).
    private func mountPart(_ field: SyscallField) -> FieldValue? {
        guard case .text(let listText)? = values["container.mounts"], !listText.isEmpty else { return nil }
        let mounts = listText.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            .compactMap(Mount.init)
        let chosen: Mount?
        switch field.argumentValue {
        case .index(let index)?:
            chosen = index >= 0 && Int(index) < mounts.count ? mounts[Int(index)] : nil
        case .glob(let pattern)?:
            // Only `container.mount.source` matches on the destination (upstream quirk).
            let onDestination = field.name == "container.mount.source"
            chosen = mounts.first { Glob.matches(pattern: Array(pattern.utf8), onDestination ? $0.destination : $0.source) }
        default:
            chosen = nil
        }
        guard let mount = chosen else { return nil }
        switch field.name {
        case "container.mount.source": return .text(mount.source)
        case "container.mount.dest": return .text(mount.destination)
        case "container.mount.mode": return .text(mount.mode)
        case "container.mount.rdwr": return .text(mount.readWrite)
        case "container.mount.propagation": return .text(mount.propagation)
        default: return .text(mount.item)
        }
    }

    private struct Mount {
        let item: [UInt8], source: [UInt8], destination: [UInt8], mode: [UInt8], readWrite: [UInt8], propagation: [UInt8]

        /// Split from the right at the last three `:`, then the remainder at its first `:`.
        init?(_ item: ArraySlice<UInt8>) {
            let colon = UInt8(ascii: ":")
            var rest = item
            var tail: [[UInt8]] = []
            for _ in 0..<3 {
                guard let position = rest.lastIndex(of: colon) else { return nil }
                tail.insert(Array(rest[(position + 1)...]), at: 0)
                rest = rest[..<position]
            }
            guard let split = rest.firstIndex(of: colon) else { return nil }
            self.item = Array(item)
            source = Array(rest[..<split])
            destination = Array(rest[(split + 1)...])
            mode = tail[0]
            readWrite = tail[1]
            propagation = tail[2]
        }
    }

    // MARK: D11

    /// `fd.directory` / `fd.filename` from `fd.name` (§2.7): files split at the last `/`, a directory
    /// fd is its own directory.
    private func pathPart(_ name: String) -> FieldValue? {
        guard case .text(let path)? = values["fd.name"], case .text(let kind)? = values["fd.typechar"] else { return nil }
        let slash = UInt8(ascii: "/")
        if kind == [UInt8(ascii: "d")] { return name == "fd.directory" ? .text(path) : nil }
        guard kind == [UInt8(ascii: "f")] else { return nil }
        let last = path.lastIndex(of: slash)
        if name == "fd.directory" {
            guard let last, last != 0 else { return .text([slash]) }
            return .text(last == path.count - 1 ? path : Array(path[..<last]))
        }
        guard let last else { return .text([slash]) }
        return .text(last == path.count - 1 ? path : Array(path[(last + 1)...]))
    }

    private func bool(_ flag: Bool) -> FieldValue { .unsigned(flag ? 1 : 0) }
    private func text(_ string: String) -> FieldValue { .text(Array(string.utf8)) }
}
