/// How a field's value is obtained from a sensor event (syscall-fields.md §6.5): read as supplied,
/// or derived by one of the rules D1–D14.
enum FieldKind: Hashable, Sendable {
    case stored
    case eventNumber            // D2 evt.num
    case time                   // D1
    case eventTable             // D3
    case openFlag               // D4
    case failed                 // D14 evt.failed
    case ancestor(level: Int)   // D9 proc.aname[N] / proc.apid[N] (negative levels other than -1 read [0])
    case anyAncestor            // D8 proc.aname / proc.apid without index (or [-1])
    case mount                  // D10 container.mount*[ARG]
    case pathPart               // D11 fd.directory / fd.filename
    case endpointAddress        // D5 fd.ip / fd.net
    case endpointPort           // D6 fd.port / fd.proto
    case network(addressKey: String)  // D7 fd.cnet … → the address field it tests
    case around                 // evt.around[T]

    init(name: String, argument: SyscallFieldArgument?) {
        switch name {
        case _ where DerivedValues.timeFields.contains(name): self = .time
        case _ where DerivedValues.eventTableFields.contains(name): self = .eventTable
        case _ where DerivedValues.openFlagFields.contains(name): self = .openFlag
        case "evt.num": self = .eventNumber
        case "evt.failed": self = .failed
        case "proc.aname", "proc.apid":
            guard case .index(let level)? = argument, level != -1 else { self = .anyAncestor; return }
            self = .ancestor(level: Int(max(level, 0)))
        case "container.mount", "container.mount.source", "container.mount.dest", "container.mount.mode",
             "container.mount.rdwr", "container.mount.propagation":
            self = .mount
        case "fd.directory", "fd.filename": self = .pathPart
        case "fd.ip", "fd.net": self = .endpointAddress
        case "fd.port", "fd.proto": self = .endpointPort
        case "fd.cnet", "fd.snet", "fd.lnet", "fd.rnet": self = .network(addressKey: String(name.dropLast(3)) + "ip")
        case "evt.around": self = .around
        default: self = .stored
        }
    }
}

extension SyscallField {
    init(name: String, argumentValue: SyscallFieldArgument?, type: SyscallFieldType, isFilterOnly: Bool,
         className: String) {
        self.name = name
        self.argument = argumentValue.map(FieldKey.text)
        self.argumentValue = argumentValue
        self.type = type
        self.isFilterOnly = isFilterOnly
        self.className = className
        self.key = FieldKey.canonical(name: name, argument: argumentValue)
        self.kind = FieldKind(name: name, argument: argumentValue)
    }
}
