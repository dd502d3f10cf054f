// swift-tools-version: 6.0
// attnlab — a Swift laboratory for the physics of attention.
// Targets form a one-way chain (docs/ARCHITECTURE.md):
// CLinearAlgebra → TensorCore → {Models, Physics} → Lab → attnlab; CMPI (Open MPI) → Models.
import PackageDescription

let package = Package(
    name: "attnlab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "attnlab", targets: ["attnlab"])
    ],
    // Pinned to the versions the build resolves (Package.resolved is not committed).
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
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
        // Open MPI (libopenmpi-dev): the few calls of data-parallel training (ProcessGroup.swift).
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("mpi")]),
        .target(name: "Models", dependencies: ["TensorCore", "CMPI"]),
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
        // Fixtures/PyTorchParity: weights in, PyTorch's logits and gradients out (benchmarks/pytorch/parity.py).
        .testTarget(name: "ModelsTests", dependencies: ["Models"], exclude: ["Fixtures/PyTorchParity"]),
        .testTarget(name: "PhysicsTests", dependencies: ["Physics"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "attnlab"]),
    ]
)
