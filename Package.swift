// swift-tools-version: 6.0
// attnlab — a Swift laboratory for the physics of attention.
// Targets form a one-way chain (docs/ARCHITECTURE.md):
// CLinearAlgebra → TensorCore → {Models, Physics} → Lab → attnlab.
import PackageDescription

let package = Package(
    name: "attnlab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "attnlab", targets: ["attnlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // OpenBLAS (cblas) + LAPACKE, and the kernel selection that makes OpenBLAS use the
        // CPU's AVX-512/AVX2 kernels when its own detection falls back to a generic one;
        // oneDNN (and its OpenMP runtime) for single-precision GEMMs.
        .target(
            name: "CLinearAlgebra",
            linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("lapacke"), .linkedLibrary("dnnl"), .linkedLibrary("gomp"), .linkedLibrary("dl")]
        ),
        .target(
            name: "TensorCore",
            dependencies: ["CLinearAlgebra", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .target(name: "Models", dependencies: ["TensorCore"]),
        .target(
            name: "Physics",
            dependencies: ["TensorCore", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .target(name: "Lab", dependencies: ["Models", "Physics"]),
        .executableTarget(
            name: "attnlab",
            dependencies: ["Lab", "Models", "Physics", "TensorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models"]),
        .testTarget(name: "PhysicsTests", dependencies: ["Physics"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "attnlab"]),
    ]
)
