import Foundation

/// A problem with a TLS flag's file, its message naming the flag and the path
/// (`--tls-key /etc/pspctl/tls.key: no such file`).
public struct TLSFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One `-----BEGIN LABEL----- … -----END LABEL-----` block of a PEM file.
struct PEMBlock: Sendable {
    var label: String
    /// The base64 body decoded.
    var der: [UInt8]
    /// RFC 1421 headers (`Proc-Type: 4,ENCRYPTED` marks an encrypted legacy key).
    var isEncrypted: Bool
}

/// A file named by a TLS flag, read whole and split into PEM blocks.
///
/// The split is lenient where OpenSSL (which the gRPC core uses) is: any line length, text between blocks
/// (`openssl x509 -text` output, `Bag Attributes`) ignored. It is strict where OpenSSL would fail later
/// with a vaguer message: a BEGIN without its END, a body that is not base64.
struct PEMFile {
    /// Files are small; this bounds what a wrong path (a device, a huge log) can make us read.
    static let maxBytes = 16 << 20

    let flag: String
    let path: String
    let text: String
    let blocks: [PEMBlock]

    /// `flag path` as messages quote it.
    var name: String { "\(flag) \(path)" }

    init(flag: String, path: String) throws(TLSFileError) {
        self.flag = flag
        self.path = path
        let name = "\(flag) \(path)"
        let data = try Self.read(path, name: name)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TLSFileError("\(name): not a PEM file (it is not text; a DER file can be converted with `openssl x509 -inform der -in FILE -out FILE.pem`)")
        }
        self.text = text
        blocks = try Self.blocks(in: text, name: name)
    }

    private static func read(_ path: String, name: String) throws(TLSFileError) -> Data {
        guard !path.isEmpty else { throw TLSFileError("\(name): no file named") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TLSFileError("\(name): cannot read it: \(reason(errno))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw TLSFileError("\(name): cannot read it: \(reason(errno))") }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw TLSFileError("\(name): it is a directory, not a PEM file") }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw TLSFileError("\(name): cannot read it: \(reason(errno))")
            }
            data.append(contentsOf: chunk[..<count])
            if data.count > maxBytes { throw TLSFileError("\(name): larger than \(maxBytes >> 20) MiB, not a PEM file") }
        }
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        default: String(cString: strerror(code)).lowercased()
        }
    }

    static func blocks(in text: String, name: String) throws(TLSFileError) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, line: Int)?
        var body = ""
        var encrypted = false
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let label = marker(line, "BEGIN") {
                if let open { throw TLSFileError("\(name): the PEM block \(open.label) at line \(open.line) has no -----END \(open.label)----- line") }
                open = (label, index + 1)
                body = ""
                encrypted = false
            } else if let label = marker(line, "END") {
                guard let current = open, current.label == label else {
                    throw TLSFileError("\(name): line \(index + 1) ends a PEM block \(label) that was never begun")
                }
                guard let der = Data(base64Encoded: body), !der.isEmpty else {
                    throw TLSFileError("\(name): the PEM block \(label) at line \(current.line) is not valid base64")
                }
                blocks.append(PEMBlock(label: label, der: Array(der), isEncrypted: encrypted))
                open = nil
            } else if open != nil {
                if line.contains(":") {
                    // An RFC 1421 header of a legacy key (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: …`).
                    if line.hasPrefix("Proc-Type:"), line.contains("ENCRYPTED") { encrypted = true }
                } else {
                    body += line
                }
            }
        }
        if let open { throw TLSFileError("\(name): the PEM block \(open.label) at line \(open.line) has no -----END \(open.label)----- line") }
        return blocks
    }

    /// The label of `-----BEGIN LABEL-----` (kind "BEGIN") or `-----END LABEL-----`.
    private static func marker(_ line: String, _ kind: String) -> String? {
        let prefix = "-----\(kind) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count >= prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }

    /// What the file holds, for messages: `CERTIFICATE, PRIVATE KEY`.
    var contentsDescription: String {
        blocks.isEmpty ? "no PEM block" : blocks.map(\.label).joined(separator: ", ")
    }
}
