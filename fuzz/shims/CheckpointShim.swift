import Foundation

// The part of Models' `Checkpoint` that CheckpointManifest.swift touches, so the manifest fuzz
// target compiles without the model, optimizer and BLAS. Only the names and the (here empty)
// repair step of a checkpoint folder matter to the manifest reader.
public struct Checkpoint {
    public static let configFile = "config.json"
    public static func recover(_ folder: URL) throws {}
}
