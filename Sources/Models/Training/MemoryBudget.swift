import Foundation

// Size letters: B batch, T context, C width, F feed-forward width, H heads, L layers, V vocabulary.

/// The memory a model configuration needs, estimated before anything is allocated, so that an
/// absurd size (`--context 1000000000`, a config.json with a million layers) is refused with
/// the number instead of ending in a failed allocation.
///
/// The estimate is a lower bound: it counts only what must be resident at once — the weights
/// (and, for training, their gradients and both AdamW moments, 16 bytes per parameter), the
/// logits (B, T, V) with their gradient, per block the activations kept for the backward pass
/// (B, T, 4C + F) and the attention probabilities (B, H, T, T) of softmax attention, and the
/// fixed (T, T) cosine table of every Fourier block. A configuration refused by it cannot run
/// on the machine; one accepted may still need more. It is computed in Double, so sizes whose
/// products overflow Int are estimated (as astronomically large) rather than trapping.
public struct MemoryEstimate: Sendable, Equatable {
    /// Scalars of the weights (an upper bound of the exact parameter count).
    public var parameters: Double
    /// Bytes of weights, gradients and optimizer state.
    public var parameterBytes: Double
    /// Bytes of activations (and fixed tables).
    public var activationBytes: Double
    /// What the bytes are for ("training this model" …), for the message.
    public var purpose: String

    public var totalBytes: Double { parameterBytes + activationBytes }

    /// Training `model` on batches of B sequences of T tokens.
    public static func training(_ model: ModelConfig, batch: Int, context: Int) -> MemoryEstimate {
        estimate(model, batch: batch, context: context, bytesPerParameter: 16, keepsActivations: true, purpose: "training this model")
    }

    /// Running `model` forward only (evaluation, generation) on B sequences of T tokens.
    public static func inference(_ model: ModelConfig, batch: Int, context: Int, purpose: String = "running this model") -> MemoryEstimate {
        estimate(model, batch: batch, context: context, bytesPerParameter: 4, keepsActivations: false, purpose: purpose)
    }

    private static func estimate(
        _ m: ModelConfig, batch: Int, context: Int, bytesPerParameter: Double, keepsActivations: Bool,
        purpose: String
    ) -> MemoryEstimate {
        let (v, tMax, c, f, l, h) = (
            Double(m.vocabularySize), Double(m.contextLength), Double(m.width), Double(m.feedForward),
            Double(m.layers), Double(max(1, m.heads))
        )
        let (b, t) = (Double(batch), Double(context))
        // Per block: two norms, the feed-forward, and at most the mixers of qsf (Koopman C² ×3,
        // linear attention 4C² + 4C) — an upper bound for every architecture.
        let perBlockParameters = 4 * c + 2 * c * f + f + c + 7 * c * c + 4 * c + 1
        let parameters = v * c * (m.tiedEmbeddings ? 1 : 2) + (m.learnedPositions ? tMax * c : 0) + l * perBlockParameters + 2 * c
        // Kept per block for the backward pass; a forward pass alone holds about one block's at a time.
        let blockActivations = b * t * (4 * c + f) + (m.architecture == .transformer ? b * h * t * t : 0)
        let fixedTables = m.architecture == .fnet ? l * tMax * tMax : 0
        let activations = 2 * b * t * v + (keepsActivations ? l : 1) * blockActivations + fixedTables
        return MemoryEstimate(
            parameters: parameters, parameterBytes: bytesPerParameter * parameters,
            activationBytes: 4 * activations, purpose: purpose)
    }
}

/// How much memory attnlab lets a configuration ask for, and the refusal when it asks for more.
public enum MemoryBudget {
    /// Physical memory of this machine in bytes (`sysconf`), or 16 GiB when it cannot be read.
    public static var physicalBytes: Double {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? Double(pages) * Double(size) : 16 * 1_073_741_824
    }

    /// Throws `MemoryBudgetError` when `estimate` exceeds `limit` (default: the physical memory).
    /// `source` names what the sizes came from ("the options", a config.json path).
    public static func check(_ estimate: MemoryEstimate, source: String, limit: Double = physicalBytes) throws {
        guard estimate.totalBytes.isFinite, estimate.totalBytes <= limit else {
            throw MemoryBudgetError(source: source, estimate: estimate, limit: limit)
        }
    }

    /// "1.5 GB", "64000.0 GB", "2e+15 GB".
    public static func gigabytes(_ bytes: Double) -> String {
        let gb = bytes / 1e9
        return gb < 1e6 ? String(format: "%.1f GB", gb) : String(format: "%.2g GB", gb)
    }
}

/// A configuration that needs more memory than the machine has.
public struct MemoryBudgetError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var estimate: MemoryEstimate
    public var limit: Double

    public var description: String {
        "\(source): \(estimate.purpose) needs at least \(MemoryBudget.gigabytes(estimate.totalBytes)) of memory "
            + "(\(String(format: "%.3g", estimate.parameters)) parameters: \(MemoryBudget.gigabytes(estimate.parameterBytes)); "
            + "activations: \(MemoryBudget.gigabytes(estimate.activationBytes))), more than the \(MemoryBudget.gigabytes(limit)) "
            + "this machine has; choose a smaller batch, context, width, feed-forward, vocabulary or layer count"
    }
}
