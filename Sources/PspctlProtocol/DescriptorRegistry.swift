import CPspctlProtos

/// The `google.protobuf.FileDescriptorProto`s of every file in `protos/`, as protoc serialized them
/// (embedded in CPspctlProtos by scripts/generate-protos.sh), indexed for server reflection: a file by
/// name, the file defining a symbol, each with its transitive dependencies, and the services.
public struct DescriptorRegistry: Sendable {
    public struct Method: Sendable, Equatable {
        /// e.g. `Evaluate`.
        public var name: String
        /// The gRPC method path, e.g. `/pspctl.v1.Evaluator/Evaluate`.
        public var path: String
        /// Fully-qualified message names.
        public var inputType: String
        public var outputType: String
        public var clientStreaming: Bool
        public var serverStreaming: Bool
    }

    public struct Service: Sendable, Equatable {
        /// Fully qualified, e.g. `pspctl.v1.Evaluator`.
        public var name: String
        public var methods: [Method]
    }

    public struct File: Sendable {
        /// e.g. `pspctl/v1/evaluator.proto`.
        public var name: String
        public var package: String
        /// Names of the files it imports.
        public var dependencies: [String]
        public var services: [Service]
        /// Every fully-qualified symbol it defines: messages (nested too), their fields and oneofs,
        /// enums and their values, services and their methods.
        public var symbols: [String]
        /// The serialized FileDescriptorProto.
        public var serialized: [UInt8]
    }

    /// Files in the order protoc wrote them (every file after its dependencies).
    public let files: [File]
    private let fileIndex: [String: Int]
    private let symbolIndex: [String: Int]

    /// The registry of the embedded descriptors.
    public static let embedded: DescriptorRegistry = {
        let set = Array(UnsafeBufferPointer(start: pspctl_protos_file_descriptor_set(),
                                            count: pspctl_protos_file_descriptor_set_size()))
        guard let registry = DescriptorRegistry(fileDescriptorSet: set) else {
            preconditionFailure("the embedded FileDescriptorSet does not parse: run scripts/generate-protos.sh")
        }
        return registry
    }()

    /// Indexes a serialized `google.protobuf.FileDescriptorSet`; nil when it is not one.
    public init?(fileDescriptorSet bytes: [UInt8]) {
        guard let fields = DescriptorWire.fields(bytes) else { return nil }
        var files: [File] = []
        for (number, value) in fields where number == 1 {
            guard case .bytes(let serialized) = value, let file = Self.parseFile(serialized) else { return nil }
            files.append(file)
        }
        self.files = files
        var fileIndex: [String: Int] = [:]
        var symbolIndex: [String: Int] = [:]
        for (i, file) in files.enumerated() {
            fileIndex[file.name] = i
            for symbol in file.symbols where symbolIndex[symbol] == nil { symbolIndex[symbol] = i }
        }
        self.fileIndex = fileIndex
        self.symbolIndex = symbolIndex
    }

    public var fileNames: [String] { files.map(\.name) }

    /// Every service of every file, e.g. `grpc.health.v1.Health`, `pspctl.v1.Converter`.
    public var serviceNames: [String] { files.flatMap { $0.services.map(\.name) } }

    public func service(named name: String) -> Service? {
        files.lazy.flatMap(\.services).first { $0.name == name }
    }

    public func file(named name: String) -> File? { fileIndex[name].map { files[$0] } }

    /// The file defining a fully-qualified symbol (a leading `.` is allowed).
    public func file(containingSymbol symbol: String) -> File? {
        let name = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
        return symbolIndex[name].map { files[$0] }
    }

    /// The serialized file named `name` then those of its transitive dependencies, each once, as a
    /// reflection `FileDescriptorResponse` carries them; nil for an unknown file.
    public func fileDescriptorProtos(named name: String) -> [[UInt8]]? {
        guard let start = fileIndex[name] else { return nil }
        return closure(start)
    }

    /// The serialized file defining `symbol`, then its transitive dependencies; nil for an unknown symbol.
    public func fileDescriptorProtos(containingSymbol symbol: String) -> [[UInt8]]? {
        guard let file = file(containingSymbol: symbol) else { return nil }
        return fileDescriptorProtos(named: file.name)
    }

    private func closure(_ start: Int) -> [[UInt8]] {
        var order: [Int] = []
        var seen: Set<Int> = []
        var pending = [start]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            order.append(next)
            for dependency in files[next].dependencies.reversed() {
                if let index = fileIndex[dependency] { pending.append(index) }
            }
        }
        return order.map { files[$0].serialized }
    }

    // MARK: parsing descriptor.proto's messages (only the fields reflection needs)

    private static func parseFile(_ bytes: [UInt8]) -> File? {
        guard let fields = DescriptorWire.fields(bytes) else { return nil }
        var file = File(name: "", package: "", dependencies: [], services: [], symbols: [], serialized: bytes)
        var messages: [[UInt8]] = []
        var enums: [[UInt8]] = []
        var services: [[UInt8]] = []
        for (number, value) in fields {
            guard case .bytes(let payload) = value else { continue }
            switch number {
            case 1: file.name = String(decoding: payload, as: UTF8.self)
            case 2: file.package = String(decoding: payload, as: UTF8.self)
            case 3: file.dependencies.append(String(decoding: payload, as: UTF8.self))
            case 4: messages.append(payload)
            case 5: enums.append(payload)
            case 6: services.append(payload)
            default: break
            }
        }
        let scope = file.package.isEmpty ? "" : file.package + "."
        var symbols: [String] = []
        for message in messages { guard collectMessage(message, scope: scope, into: &symbols) else { return nil } }
        for e in enums { guard collectEnum(e, scope: scope, into: &symbols) else { return nil } }
        for s in services {
            guard let service = parseService(s, scope: scope) else { return nil }
            file.services.append(service)
            symbols.append(service.name)
            symbols += service.methods.map { service.name + "." + $0.name }
        }
        file.symbols = symbols
        return file
    }

    private static func name(of bytes: [UInt8]) -> String? {
        guard let fields = DescriptorWire.fields(bytes) else { return nil }
        for (number, value) in fields where number == 1 {
            if case .bytes(let payload) = value { return String(decoding: payload, as: UTF8.self) }
        }
        return ""
    }

    /// DescriptorProto: name 1, field 2, nested_type 3, enum_type 4, oneof_decl 8.
    private static func collectMessage(_ bytes: [UInt8], scope: String, into symbols: inout [String]) -> Bool {
        guard let fields = DescriptorWire.fields(bytes), let short = name(of: bytes) else { return false }
        let full = scope + short
        symbols.append(full)
        for (number, value) in fields {
            guard case .bytes(let payload) = value else { continue }
            switch number {
            case 2, 8:
                guard let member = name(of: payload) else { return false }
                symbols.append(full + "." + member)
            case 3: guard collectMessage(payload, scope: full + ".", into: &symbols) else { return false }
            case 4: guard collectEnum(payload, scope: full + ".", into: &symbols) else { return false }
            default: break
            }
        }
        return true
    }

    /// EnumDescriptorProto: name 1, value 2 (values are scoped beside the enum, as in C++).
    private static func collectEnum(_ bytes: [UInt8], scope: String, into symbols: inout [String]) -> Bool {
        guard let fields = DescriptorWire.fields(bytes), let short = name(of: bytes) else { return false }
        symbols.append(scope + short)
        for (number, value) in fields where number == 2 {
            guard case .bytes(let payload) = value, let valueName = name(of: payload) else { return false }
            symbols.append(scope + valueName)
        }
        return true
    }

    /// ServiceDescriptorProto: name 1, method 2. MethodDescriptorProto: name 1, input_type 2,
    /// output_type 3, client_streaming 5, server_streaming 6.
    private static func parseService(_ bytes: [UInt8], scope: String) -> Service? {
        guard let fields = DescriptorWire.fields(bytes), let short = name(of: bytes) else { return nil }
        var service = Service(name: scope + short, methods: [])
        for (number, value) in fields where number == 2 {
            guard case .bytes(let payload) = value, let methodFields = DescriptorWire.fields(payload) else { return nil }
            var method = Method(name: "", path: "", inputType: "", outputType: "", clientStreaming: false, serverStreaming: false)
            for (n, v) in methodFields {
                switch (n, v) {
                case (1, .bytes(let p)): method.name = String(decoding: p, as: UTF8.self)
                case (2, .bytes(let p)): method.inputType = String(decoding: p.drop(while: { $0 == UInt8(ascii: ".") }), as: UTF8.self)
                case (3, .bytes(let p)): method.outputType = String(decoding: p.drop(while: { $0 == UInt8(ascii: ".") }), as: UTF8.self)
                case (5, .varint(let x)): method.clientStreaming = x != 0
                case (6, .varint(let x)): method.serverStreaming = x != 0
                default: break
                }
            }
            method.path = "/\(service.name)/\(method.name)"
            service.methods.append(method)
        }
        return service
    }
}

/// A minimal reader of protobuf wire format for descriptor.proto's messages (trusted, embedded data;
/// still bounds-checked: nil for anything malformed).
enum DescriptorWire {
    enum Value { case varint(UInt64), bytes([UInt8]), fixed }

    static func fields(_ bytes: [UInt8]) -> [(UInt32, Value)]? {
        var result: [(UInt32, Value)] = []
        var pos = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while pos < bytes.count, shift < 64 {
                let byte = bytes[pos]
                pos += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while pos < bytes.count {
            guard let tag = varint(), tag >> 3 > 0, tag >> 3 <= UInt64(UInt32.max) else { return nil }
            let number = UInt32(tag >> 3)
            switch tag & 7 {
            case 0:
                guard let v = varint() else { return nil }
                result.append((number, .varint(v)))
            case 1, 5:
                let size = tag & 7 == 1 ? 8 : 4
                guard bytes.count - pos >= size else { return nil }
                pos += size
                result.append((number, .fixed))
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - pos) else { return nil }
                result.append((number, .bytes(Array(bytes[pos..<pos + Int(length)]))))
                pos += Int(length)
            default: return nil
            }
        }
        return result
    }
}
