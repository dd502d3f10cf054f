import Foundation
import Models
import TensorCore

/// `attnlab bench train`: training throughput of one architecture on a fixed configuration.
///
/// Config A and B are the reference configurations of docs/BENCHMARKS.md (the same shapes the
/// PyTorch references in benchmarks/ use): A = vocab 2048, width 128, 4 layers, 4 heads,
/// context 128, batch 16, tied embeddings; B = vocab 4096, width 256, 6 layers, 8 heads,
/// context 256, batch 8. Timing: median seconds per AdamW step over timed steps after warm-up,
/// on random tokens (throughput does not depend on the data).
public struct TrainingBenchmark {
    public struct Shape: Codable, Sendable {
        public var name: String
        public var vocabularySize: Int
        public var width: Int
        public var layers: Int
        public var heads: Int
        public var contextLength: Int
        public var batchSize: Int
        public var feedForward: Int
        public var tiedEmbeddings: Bool

        public static let a = Shape(
            name: "A", vocabularySize: 2048, width: 128, layers: 4, heads: 4, contextLength: 128,
            batchSize: 16, feedForward: 512, tiedEmbeddings: true)
        public static let b = Shape(
            name: "B", vocabularySize: 4096, width: 256, layers: 6, heads: 8, contextLength: 256,
            batchSize: 8, feedForward: 1024, tiedEmbeddings: true)
    }

    public struct Result: Codable, Sendable {
        public var architecture: String
        public var shape: Shape
        public var parameters: Int
        public var tokensPerSecond: Double
        public var secondsPerStep: Double
        /// Model FLOPs per token (6 × matmul parameters incl. the LM head, + 12·L·T·C for attention-like mixing).
        public var flopsPerToken: Double
        public var gflops: Double
        /// Measured sgemm GFLOP/s at n = 1024 on the same threads, for the fraction below.
        public var sgemmGFLOPS: Double
        public var fractionOfSgemm: Double
        public var peakResidentMegabytes: Double
        public var threads: Int
        /// Median CPU seconds (all threads of the process) per timed step: unlike the wall time it
        /// barely moves when other processes share the cores, so it compares two builds of attnlab
        /// on a busy machine (not attnlab with PyTorch, whose OpenMP threads spin while waiting).
        public var cpuSecondsPerStep: Double?
        /// Whether the steps ran with subnormals flushed (`DenormalMode`).
        public var flushesDenormals: Bool?
        /// Data-parallel ranks (nil: one process); `threads` is then each rank's.
        public var ranks: Int? = nil
        /// Data-parallel replicas inside each process (`TrainingConfig.replicas`; nil: one).
        public var replicas: Int? = nil
        /// The timed steps' GEMMs by shape, summed over the steps (`profilesSGEMMs`; nil: not profiled).
        public var gemmProfile: [GEMMProfileRow]? = nil
    }

    public var architecture: Architecture
    public var shape: Shape
    public var warmupSteps = 3
    public var timedSteps = 10
    /// Whether the steps flush subnormals (the trainer's default; `--keep-denormals` measures IEEE).
    public var flushesDenormals = true
    /// Whether the timed steps' GEMMs are counted by shape (`--gemm-profile`); the reading of the
    /// clocks around each call adds well under 1 % to a step.
    public var profilesSGEMMs = false
    /// Minimum length of the OneCycle schedule the timed steps are the start of.
    public static let scheduleSteps = 1000
    /// The ranks training together (`mpirun -np N attnlab bench train`): each trains on
    /// batch ÷ N sequences of the shape's batch and the gradients are all-reduced, so a step
    /// still trains the shape's whole batch and tokens/s count it once.
    public var group: ProcessGroup = .single
    /// Data-parallel replicas inside the process (`TrainingConfig.replicas`): the batch split into
    /// R shards trained side by side, one single-threaded kernel stream each.
    public var replicas = 1

    public init(architecture: Architecture, shape: Shape) {
        self.architecture = architecture
        self.shape = shape
    }

    public func run() throws -> Result {
        let (model, trainer) = try makeTrainer(steps: warmupSteps + timedSteps)
        trainer.flushesDenormals = flushesDenormals
        for _ in 0..<warmupSteps { try trainer.trainStep() }
        var seconds: [Double] = [], cpuSeconds: [Double] = []
        func runTimedSteps() throws {
            for _ in 0..<timedSteps {
                let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.processCPUSeconds()
                try trainer.trainStep()
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                cpuSeconds.append(Self.processCPUSeconds() - cpuStart)
            }
        }
        var gemmProfile: [GEMMProfileRow]? = nil
        if profilesSGEMMs { gemmProfile = try BLASRuntime.profilingSGEMMs(runTimedSteps).1 } else { try runTimedSteps() }
        seconds.sort()
        cpuSeconds.sort()
        let median = seconds[seconds.count / 2]
        let tokensPerStep = Double(shape.batchSize * shape.contextLength)
        let tokensPerSecond = tokensPerStep / median
        let flops = Self.flopsPerToken(model: model)
        let sgemm = Self.sgemmGFLOPS(n: 1024)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Result(
            architecture: architecture.rawValue, shape: shape, parameters: model.parameterCount,
            tokensPerSecond: tokensPerSecond, secondsPerStep: median, flopsPerToken: flops,
            gflops: flops * tokensPerSecond / 1e9, sgemmGFLOPS: sgemm,
            fractionOfSgemm: flops * tokensPerSecond / 1e9 / sgemm,
            peakResidentMegabytes: Double(usage.ru_maxrss) / 1024, threads: BLASRuntime.threads,
            cpuSecondsPerStep: cpuSeconds[cpuSeconds.count / 2], flushesDenormals: flushesDenormals,
            ranks: group.isDistributed ? group.size : nil, replicas: replicas > 1 ? replicas : nil,
            gemmProfile: gemmProfile)
    }

    /// CPU time of the whole process so far (every thread, user + system).
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Trains `steps` steps and samples memory after step `reference` and every `interval` steps:
    /// a loop that allocates nothing per step after the first shows no growth after `reference`.
    public func runMemoryCheck(
        steps: Int, reference: Int = 100, interval: Int = 100,
        progress: (MemorySample) -> Void = { _ in }
    ) throws -> MemoryReport {
        precondition(
            steps > reference && reference > 0 && interval > 0,
            "runMemoryCheck: needs steps > reference > 0 and interval > 0, got \(steps), \(reference), \(interval)")
        let (_, trainer) = try makeTrainer(steps: steps)
        var samples: [MemorySample] = []
        for i in 1...steps {
            try trainer.trainStep()
            if i == 1 || i == reference || i % interval == 0 || i == steps {
                let sample = MemorySample.now(step: i)
                samples.append(sample)
                progress(sample)
            }
        }
        return MemoryReport(
            architecture: architecture.rawValue, config: shape.name, steps: steps, reference: reference,
            samples: samples)
    }

    private func makeTrainer(steps: Int) throws -> (LanguageModel<Float>, Trainer) {
        var config = ModelConfig(
            architecture: architecture, vocabularySize: shape.vocabularySize, contextLength: shape.contextLength,
            width: shape.width, layers: shape.layers, heads: shape.heads, feedForward: shape.feedForward)
        config.tiedEmbeddings = shape.tiedEmbeddings
        var rng = SeededRNG(seed: 1)
        let model = try LanguageModel<Float>(config: config, rng: &rng)
        let tokens = (0..<200_000).map { _ in Int32(rng.int(below: shape.vocabularySize)) }
        let data = TokenDataset(tokens: tokens, vocabularySize: shape.vocabularySize)
        var training = TrainingConfig()
        // The learning rate follows the start of a schedule of at least 1,000 steps: a timing run
        // of 13 steps spanning a whole OneCycle reaches the peak rate at step 4, where the Koopman
        // models at config B diverge. The work per step does not depend on the rate.
        training.steps = max(steps, Self.scheduleSteps)
        precondition(shape.batchSize % group.size == 0, "TrainingBenchmark: batch \(shape.batchSize) does not split over \(group.size) ranks")
        training.batchSize = shape.batchSize / group.size
        training.ranks = group.isDistributed ? group.size : nil
        training.replicas = replicas > 1 ? replicas : nil
        training.contextLength = shape.contextLength
        training.evalInterval = 0
        training.logInterval = 0
        let trainer = try Trainer(model: model, config: training, train: data, validation: data, group: group)
        return (model, trainer)
    }

    /// 6 × (parameters that multiply activations, with the LM head) + 12·L·T·C.
    static func flopsPerToken(model: LanguageModel<Float>) -> Double {
        let c = model.config
        var matmul = 0
        for block in model.blocks {
            for p in block.parameters where p.shape.count == 2 { matmul += p.count }
        }
        matmul += c.vocabularySize * c.width
        let mixing = c.architecture == .fnet ? 0 : 12 * c.layers * c.contextLength * c.width
        return Double(6 * matmul + mixing)
    }

    /// Median sgemm GFLOP/s for an n×n×n product.
    static func sgemmGFLOPS(n: Int) -> Double {
        var rng = SeededRNG(seed: 2)
        let a = Tensor<Float>.randomUniform([n, n], low: -1, high: 1, rng: &rng)
        let tape = Tape<Float>()
        tape.recordsGradients = false
        var times: [Double] = []
        for _ in 0..<7 {
            let x = tape.constant(a)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = x.matmul(x)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            tape.reset()
        }
        times.sort()
        return 2 * pow(Double(n), 3) / times[3] / 1e9
    }
}
