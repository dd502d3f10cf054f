import Foundation

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
