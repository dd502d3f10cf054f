import ArgumentParser
import Dispatch
import Foundation
import Models
import TensorCore

/// A one-line progress display on a terminal, plain lines otherwise (logs, CI).
final class ProgressLine: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastPlain = Date.distantPast
    private let start = Date()

    /// Shows `fraction` done with a message; on a non-terminal prints at most every 5 s.
    func update(_ fraction: Double, _ message: String) {
        let elapsed = Date().timeIntervalSince(start)
        let eta = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0
        let timing = String(format: "%@ elapsed, %@ left", format(elapsed), format(eta))
        if isTerminal {
            let width = 24, done = Int((Double(width) * min(1, max(0, fraction))).rounded())
            let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
            FileHandle.standardError.write(Data("\r\u{1B}[2K[\(bar)] \(message)  \(timing)".utf8))
        } else if Date().timeIntervalSince(lastPlain) >= 5 || fraction >= 1 {
            lastPlain = Date()
            FileHandle.standardError.write(Data("\(message)  \(timing)\n".utf8))
        }
    }

    /// Ends the line (terminal only).
    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func format(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Turns SIGINT into a flag that long work polls, so it can stop cleanly after the current step.
final class InterruptFlag: @unchecked Sendable {
    private var source: DispatchSourceSignal?
    private let lock = NSLock()
    private var raised = false

    init() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock()
            let second = self.raised
            self.raised = true
            self.lock.unlock()
            if second { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupted: stopping after the current step (Ctrl-C again to quit at once)\n".utf8))
        }
        source.resume()
        self.source = source
    }

    var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }
}

extension AttnLab {
    /// Runs the command line as `ParsableCommand.main` does, except that a file-system error
    /// from Foundation is printed as "<path>: <reason>" (the system's words) instead of
    /// `Error Domain=NSCocoaErrorDomain Code=…`.
    static func main() {
        do {
            var command = try parseAsRoot()
            try refuseUnsupportedRanks(command)
            try command.run()
        } catch {
            exit(withError: readable(error))
        }
    }

    /// Only `train`, `bench allreduce`, `bench train`, `claims check` and `reproduce qsf` run as ranks of an MPI
    /// job; any other command under `mpirun -np N` (N > 1) would run N times over the same files,
    /// so it is refused.
    static func refuseUnsupportedRanks(_ command: ParsableCommand) throws {
        let ranks = ProcessGroup.launchedRanks(ProcessInfo.processInfo.environment)
        let distributed: [ParsableCommand.Type] = [Train.self, Bench.Allreduce.self, Bench.Train.self, Claims.Check.self, Reproduce.QSF.self]
        guard ranks > 1, !distributed.contains(where: { type(of: command) == $0 }) else { return }
        throw CommandError(
            "this command runs in one process; under mpirun -np \(ranks) only `train`, `bench allreduce`, `bench train`, "
                + "`claims check` and `reproduce qsf` run as ranks (start it with a plain `attnlab …`, or `mpirun -np 1`)")
    }

    /// `error`, with Foundation's file errors turned into a `CommandError` in plain words.
    static func readable(_ error: Error) -> Error {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return error }
        return CommandError((FileErrorText.path(error).map { "\($0): " } ?? "") + FileErrorText.reason(error))
    }
}
