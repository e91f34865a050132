import Foundation
import GRPCKit
import PspctlProtocol
import TestSupport
import XCTest

/// The Evaluator API driven directly (GRPCKit client) against the real binary: errors as statuses,
/// per-item errors, concurrency, clients and servers that go away.
final class EvaluatorFaultTests: XCTestCase {
    private var evaluator: EvaluatorProcess!
    private var channel: Channel!

    override func setUpWithError() throws {
        evaluator = try EvaluatorProcess(arguments: ["--max-message-bytes", "1000000", "--max-rule-sets", "4"])
        channel = try Channel(target: evaluator.address)
    }

    override func tearDown() {
        channel?.close()
        evaluator?.stop()
        channel = nil
        evaluator = nil
    }

    /// A rule per user name: every event of user U alerts with rule "User U".
    private static let rulesYAML = (0..<16).map { i in
        "- rule: User \(i)\n  desc: d\n  condition: ka.user.name = user\(i)\n  output: \"%ka.user.name %ka.verb\"\n  priority: WARNING\n  source: k8s_audit\n"
    }.joined()

    private static func event(user: Int, second: Int) -> [UInt8] {
        Array(#"{"kind":"Event","stageTimestamp":"2024-01-01T00:00:\#(String(format: "%02d", second % 60))Z","verb":"get","user":{"username":"user\#(user)"}}"#.utf8)
    }

    private func load(_ yaml: String = rulesYAML) async throws -> PspctlV1.LoadRuleSetResponse {
        let request = PspctlV1.LoadRuleSetRequest(source: .files(.init(files: [.init(name: "test.yaml", yaml: yaml)])))
        return try PspctlV1.LoadRuleSetResponse(decoding: try await channel.unary(MethodPath.loadRuleSet, request: request.encoded()))
    }

    private static func start(_ id: String) -> [UInt8] {
        PspctlV1.EvaluateRequest(request: .start(.init(ruleSetID: id, renderText: true, renderJSON: true))).encoded()
    }

    private static func batch(_ items: [[UInt8]]) -> [UInt8] {
        PspctlV1.EvaluateRequest(request: .batch(.init(items: items.map { .init(event: .k8sAuditJSON($0)) }))).encoded()
    }

    private func rpcError(_ body: () async throws -> Void) async -> RPCError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? RPCError
        }
    }

    func testLoadingTheSameSetTwiceIsFreeAndTheCacheIsListedAndBounded() async throws {
        let first = try await load()
        XCTAssertEqual(first.id.count, 64)
        XCTAssertFalse(first.alreadyCached)
        XCTAssertEqual(first.ruleCount, 16)
        let again = try await load()
        XCTAssertEqual(again.id, first.id)
        XCTAssertTrue(again.alreadyCached)
        for i in 0..<4 { _ = try await load(Self.rulesYAML + "# \(i)\n") }
        let list = try PspctlV1.ListRuleSetsResponse(decoding: try await channel.unary(
            MethodPath.listRuleSets, request: PspctlV1.ListRuleSetsRequest().encoded()))
        XCTAssertEqual(list.ruleSets.count, 4)
        XCTAssertFalse(list.ruleSets.map(\.id).contains(first.id), "the least recently used set is dropped")
        let deleted = try PspctlV1.DeleteRuleSetResponse(decoding: try await channel.unary(
            MethodPath.deleteRuleSet, request: PspctlV1.DeleteRuleSetRequest(id: list.ruleSets[0].id).encoded()))
        XCTAssertTrue(deleted.deleted)
    }

    func testALoadErrorIsInvalidArgumentWithTheCLIsMessage() async throws {
        let error = await rpcError {
            _ = try await self.load("- rule: r\n  desc: d\n  condition: ka.verb == get\n  output: o\n  priority: WARNING\n  source: k8s_audit\n")
        }
        XCTAssertEqual(error?.code, .invalidArgument)
        XCTAssertTrue(error?.message.hasPrefix("Could not load rules file test.yaml: 1 errors:") == true, "\(String(describing: error))")
    }

    func testAMalformedEventGetsAnItemErrorAndTheStreamGoesOn() async throws {
        let id = try await load().id
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(30))
        try await stream.send(Self.start(id))
        try await stream.send(Self.batch([Self.event(user: 1, second: 1), Array("{not json".utf8), Array(#"{"kind":0}"#.utf8),
                                     Self.event(user: 2, second: 2)]))
        try await stream.send(Self.batch([Self.event(user: 3, second: 3)]))
        stream.closeSend()
        let first = try PspctlV1.EvaluateResponse(decoding: try await stream.receive()!)
        XCTAssertEqual(first.results.map(\.index), [0, 1, 2, 3])
        XCTAssertEqual(first.results.map { $0.alerts.map(\.rule) }, [["User 1"], [], [], ["User 2"]])
        XCTAssertTrue(first.results[1].error.hasPrefix("Could not parse data"), first.results[1].error)
        XCTAssertEqual(first.results[2].error, "Data not recognized as a k8s audit event")
        XCTAssertEqual(first.counts?.itemsRejected, 2)
        let alert = first.results[0].alerts[0]
        XCTAssertEqual(alert.textLine, "00:00:01.000000000: Warning user1 get")
        XCTAssertTrue(alert.jsonLine.hasPrefix(#"{"output":"00:00:01.000000000: Warning user1 get","priority":"Warning","rule":"User 1""#), alert.jsonLine)
        XCTAssertEqual(alert.outputFields, [.init(key: "jevt.time", value: "00:00:01.000000000"), .init(key: "ka.user.name", value: "user1"), .init(key: "ka.verb", value: "get")])
        XCTAssertEqual(alert.priority, .warning)
        let second = try PspctlV1.EvaluateResponse(decoding: try await stream.receive()!)
        XCTAssertEqual(second.results.map(\.index), [4])
        XCTAssertEqual(second.counts, PspctlV1.Counts(itemsReceived: 5, eventsEvaluated: 3, itemsRejected: 2, alerts: 3))
        let end = try await stream.receive()
        XCTAssertNil(end)
        let status = await stream.status()
        XCTAssertEqual(status.code, .ok)
    }

    func testAnUnknownRuleSetIsNotFound() async throws {
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(30))
        try await stream.send(Self.start(String(repeating: "0", count: 64)))
        stream.closeSend()
        let status = await stream.status()
        XCTAssertEqual(status.code, .notFound, status.message)
    }

    func testGarbageIsInvalidArgument() async throws {
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(30))
        try await stream.send([0xFF, 0xFF, 0xFF, 0x07, 0x00])
        stream.closeSend()
        let status = await stream.status()
        XCTAssertEqual(status.code, .invalidArgument, status.message)
        let channel = self.channel!
        let error = await rpcError { _ = try await channel.unary(MethodPath.loadRuleSet, request: [0x0A, 0xFF, 0xFF]) }
        XCTAssertEqual(error?.code, .invalidArgument)
    }

    func testAnOversizeMessageIsResourceExhausted() async throws {
        let id = try await load().id
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(30))
        try await stream.send(Self.start(id))
        try? await stream.send(Self.batch([[UInt8](repeating: 0x20, count: 2_000_000)]))
        stream.closeSend()
        let status = await stream.status()
        XCTAssertEqual(status.code, .resourceExhausted, status.message)
    }

    func testSixteenConcurrentStreamsEachGetTheirOwnAlerts() async throws {
        let id = try await load().id
        let channel = self.channel!
        let startRequest = Self.start(id)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in 0..<16 {
                group.addTask {
                    let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(60))
                    try await stream.send(startRequest)
                    let sender = Task {
                        for b in 0..<20 {
                            try await stream.send(Self.batch((0..<50).map { Self.event(user: user, second: b + $0) }))
                        }
                        stream.closeSend()
                    }
                    var alerts = 0
                    while let message = try await stream.receive() {
                        let response = try PspctlV1.EvaluateResponse(decoding: message)
                        for result in response.results {
                            XCTAssertEqual(result.alerts.map(\.rule), ["User \(user)"])
                            XCTAssertTrue(result.alerts[0].textLine.contains(" user\(user) get"))
                            alerts += result.alerts.count
                        }
                    }
                    try await sender.value
                    XCTAssertEqual(alerts, 1000)
                    let status = await stream.status()
                    XCTAssertEqual(status.code, .ok)
                }
            }
            try await group.waitForAll()
        }
    }

    func testAClientThatDisconnectsMidStreamLeavesTheOthersServed() async throws {
        let id = try await load().id
        // A separate connection that goes away with a stream half-way.
        let doomed = try Channel(target: evaluator.address)
        let abandoned = try doomed.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(30))
        try await abandoned.send(Self.start(id))
        try await abandoned.send(Self.batch((0..<100).map { Self.event(user: 1, second: $0) }))
        _ = try await abandoned.receive()
        try await abandoned.send(Self.batch((0..<100).map { Self.event(user: 1, second: $0) }))
        doomed.close()
        // Another client is still served.
        let stream = try channel.makeBidirectionalStream(MethodPath.evaluate, timeout: .seconds(30))
        try await stream.send(Self.start(id))
        try await stream.send(Self.batch([Self.event(user: 5, second: 5)]))
        stream.closeSend()
        let response = try PspctlV1.EvaluateResponse(decoding: try await stream.receive()!)
        XCTAssertEqual(response.results.first?.alerts.map(\.rule), ["User 5"])
        XCTAssertTrue(evaluator.process.isRunning)
    }

    func testAServerKilledMidStreamEndsRemoteWatchWithExitStatus2() throws {
        // A log big enough to be mid-stream when the server dies.
        let line = String(decoding: Self.event(user: 1, second: 1), as: UTF8.self)
        let log = try Pspctl.temporaryFile(Array(repeating: line, count: 400_000).joined(separator: "\n") + "\n", suffix: ".jsonl")
        let rules = try Pspctl.temporaryFile(Self.rulesYAML)
        let target = evaluator.address
        let evaluator = self.evaluator!
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { evaluator.kill() }
        let began = Date()
        let result = try Pspctl.run(["watch", "--rules", rules, "--audit-log", log, "--evaluator", target])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("pspctl watch: lost the evaluator at \(target): "), result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(began), 30)
        // Never half a batch: every alert line printed is whole.
        for alert in result.stdoutLines { XCTAssertTrue(alert.hasSuffix("user1 get"), alert) }
        XCTAssertEqual(result.stdoutLines.count % 1000, 0, "whole batches only")
    }
}
