import Foundation
import TensorCore

/// Errors of the claims runner and report writer, worded for the person at the terminal.
public enum LabError: Error, CustomStringConvertible, Equatable {
    /// A claim id that is not registered; `suggestions` are close ids.
    case unknownClaim(String, suggestions: [String])
    /// An experiment id that is not registered (in a claim, a dependency or a config file).
    case unknownExperiment(String, referencedBy: String)
    /// Experiments whose dependencies form a cycle.
    case dependencyCycle([String])
    /// The output directory already holds files.
    case directoryNotEmpty(String)
    /// A file that cannot be used, and why.
    case badFile(String, String)
    /// Writing a file failed.
    case writeFailed(String, String)
    /// An experiment needs an artefact (a checkpoint, prepared data) that its dependency does not provide.
    case missingArtifact(key: String, experiment: String, why: String)
    /// The artefact does not exist because of a result of its experiment (a stage that diverged),
    /// with that result.
    case unavailableArtifact(key: String, experiment: String, why: String)

    public var description: String {
        switch self {
        case .unknownClaim(let id, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
            return "unknown claim '\(id)'.\(hint) `attnlab claims` lists every claim."
        case .unknownExperiment(let id, let by):
            return "experiment '\(id)' (referenced by \(by)) is not registered"
        case .dependencyCycle(let ids):
            return "experiment dependencies form a cycle: \(ids.joined(separator: " → "))"
        case .directoryNotEmpty(let path):
            return
                "output directory '\(path)' already exists and is not empty; choose another --out or remove it (attnlab never overwrites another run's files)"
        case .badFile(let path, let why):
            return "'\(path)' \(why)"
        case .writeFailed(let path, let why):
            return "cannot write '\(path)': \(why)"
        case .missingArtifact(let key, let experiment, let why):
            return "artefact '\(key)' of experiment '\(experiment)' is not available: \(why)"
        case .unavailableArtifact(let key, let experiment, let why):
            return "needs the trained model '\(key)' of experiment '\(experiment)', which has none: \(why)"
        }
    }
}

extension LabError: LocalizedError {
    public var errorDescription: String? { description }
}

/// JSON coding shared by config.json, results.json, metrics.jsonl and experiment outputs:
/// sorted keys, and non-finite numbers as the strings "NaN", "Infinity", "-Infinity" (plain JSON
/// has no way to write them, and a NaN loss is a result worth keeping).
public enum LabJSON {
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// One object per line (metrics.jsonl).
    public static var lineEncoder: JSONEncoder {
        let e = encoder
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }

    /// Reads one JSON document of `type` from `url`, every failure a `LabError.badFile` naming the
    /// file: "cannot be read\(unreadableHint) (…)", or "is not \(what): …" when the bytes are not
    /// strict JSON (a key given twice: JSONDecoder would keep one of the two values without a word)
    /// or do not decode.
    static func load<T: Decodable>(_ type: T.Type, from url: URL, what: String, unreadableHint: String = "") throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LabError.badFile(url.path, "cannot be read\(unreadableHint) (\(error.localizedDescription))")
        }
        if let finding = StrictJSON.check(data) { throw LabError.badFile(url.path, "is not \(what): \(finding)") }
        do { return try decoder.decode(T.self, from: data) } catch {
            throw LabError.badFile(url.path, "is not \(what): \(describe(error))")
        }
    }

    /// A decoding error in words ("missing key 'scale' at …").
    public static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.isEmpty ? "" : " at '\(c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "."))'"
        }
        switch e {
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)'\(path(c))"
        case .typeMismatch(let type, let c): return "expected \(type)\(path(c)): \(c.debugDescription)"
        case .valueNotFound(let type, let c): return "missing \(type) value\(path(c))"
        case .dataCorrupted(let c): return "\(c.debugDescription)\(path(c))"
        @unknown default: return "\(error)"
        }
    }
}
