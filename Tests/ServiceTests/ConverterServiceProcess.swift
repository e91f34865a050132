import Foundation
import TestSupport
import XCTest

/// The real `ConverterService` binary (TestSupport's `ServiceProcess`); a start failure skips the test.
typealias ConverterServiceProcess = ServiceProcess

extension ServiceProcess {
    convenience init(arguments: [String] = []) throws {
        do { try self.init("ConverterService", arguments: arguments) }
        catch let failure as StartFailure { throw XCTSkip("\(failure)") }
    }

    static var executable: URL { executable("ConverterService") }
}
