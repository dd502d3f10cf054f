import ArgumentParser
import Foundation
import Lab

// Options, checks and parsers that several subcommands share. Every error names the option and
// says what it expects.

/// `--seed` of the commands that draw from one seeded generator (`kpz simulate`, `kpz validate`,
/// `kuramoto simulate`, `nnqft`, `propagator`, the `qpf` subcommands).
struct RandomSeed: ParsableArguments {
    @Option(help: "Random seed.")
    var seed: UInt64 = 1
}

/// Throws a `ValidationError` naming the first of `options` whose value is not positive.
func requirePositive(_ options: KeyValuePairs<String, Int>) throws {
    for (name, value) in options where value <= 0 {
        throw ValidationError("\(name) must be positive, got \(value)")
    }
}

/// The comma-separated items of option `name`'s `text`, each trimmed of spaces and read by
/// `parse`; an empty list, or an item `parse` rejects (nil), is an error saying what the option
/// `expects` ("positive integers").
func parseCommaSeparated<T>(_ text: String, option name: String, expects: String, _ parse: (String) -> T?) throws -> [T] {
    let values = text.split(separator: ",").map { parse($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
        throw ValidationError("\(name) expects comma-separated \(expects), got '\(text)'")
    }
    return values.map { $0! }
}

/// A comma-separated list of finite numbers (each > 0 when `positive`) for option `name`.
func parseDoubles(_ text: String, option name: String, positive: Bool = false) throws -> [Double] {
    try parseCommaSeparated(text, option: name, expects: positive ? "positive numbers" : "numbers") {
        Double($0).flatMap { $0.isFinite && (!positive || $0 > 0) ? $0 : nil }
    }
}

/// The names of `T`'s cases, comma-separated, for help texts and errors ("smoke, quick, small, paper").
func choices<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> String where T.RawValue == String {
    T.allCases.map(\.rawValue).joined(separator: ", ")
}

/// The case of `T` that option `name`'s `text` names; any other text is an error listing the cases.
func parseChoice<T: CaseIterable & RawRepresentable>(_ text: String, option name: String) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: text) else { throw ValidationError("\(name) expects one of \(choices(T.self)), got '\(text)'") }
    return value
}

/// The scale `--scale` names: smoke, quick, small or paper.
func parseScale(_ text: String) throws -> Scale { try parseChoice(text, option: "--scale") }

/// The comma-separated names of option `name`, each trimmed of spaces and read by `parse`; a name
/// `parse` rejects (nil) is an error naming the option, the `kind` of name and the `known` ones.
func parseNames<T>(_ text: String, option name: String, kind: String, known: String, _ parse: (String) -> T?) throws -> [T] {
    try text.split(separator: ",").map { item in
        let item = item.trimmingCharacters(in: .whitespaces)
        guard let value = parse(item) else { throw ValidationError("\(name): unknown \(kind) '\(item)'; expected \(known)") }
        return value
    }
}

/// A comma-separated list of positive integers for `option`.
func parseList(_ text: String, option: String) throws -> [Int] {
    try parseCommaSeparated(text, option: option, expects: "positive integers") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
}
