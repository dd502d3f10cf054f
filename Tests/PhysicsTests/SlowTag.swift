import Foundation
import Testing

extension Tag {
    /// Tests that run the attnlab executable, start an mpirun job, or take more than about 2 s.
    @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// Goes with `.tags(.slow), .skippedInFastRuns`: skips the test when ATTNLAB_FAST_TESTS is set (`make test-fast`).
    /// `make test` runs it. (Swift 6.3's `swift test` cannot skip by tag; `--skip tag:slow` comes
    /// with a later swift-testing.)
    static var skippedInFastRuns: Self {
        .enabled(if: ProcessInfo.processInfo.environment["ATTNLAB_FAST_TESTS"] == nil, "slow: left out by make test-fast")
    }
}
