#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Shell patterns as upstream matches them: `fnmatch` with no flags (`*` and `?` also match `/`,
/// `[...]` sets, `\` escapes, a leading `.` is not special).
enum Glob {
    static func matches(pattern: [UInt8], _ subject: [UInt8]) -> Bool {
        // Both are C strings upstream: they end at a NUL.
        let pattern = Array(pattern.prefix { $0 != 0 }) + [0]
        let subject = Array(subject.prefix { $0 != 0 }) + [0]
        return pattern.withUnsafeBufferPointer { patternBuffer in
            subject.withUnsafeBufferPointer { subjectBuffer in
                patternBuffer.withMemoryRebound(to: CChar.self) { cPattern in
                    subjectBuffer.withMemoryRebound(to: CChar.self) { cSubject in
                        fnmatch(cPattern.baseAddress!, cSubject.baseAddress!, 0) == 0
                    }
                }
            }
        }
    }
}
