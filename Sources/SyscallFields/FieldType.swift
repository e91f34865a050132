/// A libsinsp parameter type (`ppm_param_type`), as used by fields and by `evt.rawarg` parameters
/// (syscall-fields.md §3.1, falcosecurity/libs b7eb0dd `driver/ppm_events_public.h`).
public enum SyscallFieldType: Int, Sendable, CaseIterable, Hashable {
    // Raw values are the upstream numeric codes: they appear in `wrong parameter type <n>`.
    case int8 = 1, int16 = 2, int32 = 3, int64 = 4
    case uint8 = 5, uint16 = 6, uint32 = 7, uint64 = 8
    case charbuf = 9, bytebuf = 10, errno = 11, socketAddress = 12, socketTuple = 13, fd = 14, pid = 15
    case fdList = 16, fsPath = 17, syscallID = 18, signalType = 19
    case relativeTime = 20, absoluteTime = 21, port = 22
    case bool = 25, dynamic = 27, flags8 = 28, flags16 = 29, flags32 = 30
    case uid = 31, gid = 32, double = 33, signalSet = 34, charbufArray = 35, charbufPairArray = 36
    case ipAddress = 40, ipNetwork = 41, mode = 42, fsRelativePath = 43

    /// The upstream constant name (`PT_CHARBUF`).
    public var constantName: String {
        switch self {
        case .int8: return "PT_INT8"
        case .int16: return "PT_INT16"
        case .int32: return "PT_INT32"
        case .int64: return "PT_INT64"
        case .uint8: return "PT_UINT8"
        case .uint16: return "PT_UINT16"
        case .uint32: return "PT_UINT32"
        case .uint64: return "PT_UINT64"
        case .charbuf: return "PT_CHARBUF"
        case .bytebuf: return "PT_BYTEBUF"
        case .errno: return "PT_ERRNO"
        case .socketAddress: return "PT_SOCKADDR"
        case .socketTuple: return "PT_SOCKTUPLE"
        case .fd: return "PT_FD"
        case .pid: return "PT_PID"
        case .fdList: return "PT_FDLIST"
        case .fsPath: return "PT_FSPATH"
        case .syscallID: return "PT_SYSCALLID"
        case .signalType: return "PT_SIGTYPE"
        case .relativeTime: return "PT_RELTIME"
        case .absoluteTime: return "PT_ABSTIME"
        case .port: return "PT_PORT"
        case .bool: return "PT_BOOL"
        case .dynamic: return "PT_DYN"
        case .flags8: return "PT_FLAGS8"
        case .flags16: return "PT_FLAGS16"
        case .flags32: return "PT_FLAGS32"
        case .uid: return "PT_UID"
        case .gid: return "PT_GID"
        case .double: return "PT_DOUBLE"
        case .signalSet: return "PT_SIGSET"
        case .charbufArray: return "PT_CHARBUFARRAY"
        case .charbufPairArray: return "PT_CHARBUF_PAIR_ARRAY"
        case .ipAddress: return "PT_IPADDR"
        case .ipNetwork: return "PT_IPNET"
        case .mode: return "PT_MODE"
        case .fsRelativePath: return "PT_FSRELPATH"
        }
    }

    /// How `falco --list` shows the type (`CHARBUF`, `DYNAMIC`, …).
    public var listName: String {
        switch self {
        case .dynamic: return "DYNAMIC"
        case .relativeTime: return "RELTIME"
        case .absoluteTime: return "ABSTIME"
        case .ipAddress: return "IPADDR"
        case .ipNetwork: return "IPNET"
        default: return String(constantName.dropFirst(3))
        }
    }

    /// What values of this type are, for comparison purposes.
    var family: TypeFamily {
        switch self {
        case .charbuf: return .text
        case .fsPath, .fsRelativePath: return .path
        case .socketAddress: return .text
        case .bytebuf: return .buffer
        case .bool: return .boolean
        case .int8: return .signed(bits: 8)
        case .int16: return .signed(bits: 16)
        case .int32: return .signed(bits: 32)
        case .int64, .fd, .errno: return .signed(bits: 64)
        case .uint8, .flags8: return .unsigned(bits: 8)
        case .uint16, .flags16: return .unsigned(bits: 16)
        case .uint32, .flags32, .mode: return .unsigned(bits: 32)
        case .uint64, .relativeTime, .absoluteTime: return .unsigned(bits: 64)
        case .port: return .port
        case .ipAddress: return .ipAddress
        case .ipNetwork: return .ipNetwork
        case .double: return .double
        case .pid, .socketTuple, .fdList, .syscallID, .signalType, .dynamic, .uid, .gid, .signalSet,
             .charbufArray, .charbufPairArray:
            return .opaque
        }
    }
}

/// Comparison families of §3.5.
enum TypeFamily: Equatable {
    case text            // PT_CHARBUF (C string)
    case path            // PT_FSPATH / PT_FSRELPATH: text, but set operators mean equality
    case buffer          // PT_BYTEBUF
    case boolean
    case signed(bits: Int)
    case unsigned(bits: Int)
    case port            // unsigned 16-bit, parsed with service names
    case ipAddress
    case ipNetwork
    case double          // no right-hand value can be parsed
    case opaque          // raw parameter types that cannot take a value

    var isNumeric: Bool {
        switch self {
        case .boolean, .signed, .unsigned, .port: return true
        default: return false
        }
    }

    /// How operator misfit messages name the family.
    var displayName: String {
        switch self {
        case .text, .path: return "string"
        case .buffer: return "byte buffer"
        case .boolean: return "boolean"
        case .signed, .unsigned: return "numeric"
        case .port: return "port"
        case .ipAddress: return "IP address"
        case .ipNetwork: return "IP network"
        case .double: return "floating point"
        case .opaque: return "raw parameter"
        }
    }
}
