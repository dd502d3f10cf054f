/// Softmax, log-softmax and cross-entropy over the last axis.
extension Variable {
    private var rowsAndWidth: (Int, Int) {
        precondition(rank >= 1, "softmax: needs rank ≥ 1")
        let n = shape[rank - 1]
        return (n == 0 ? 0 : count / n, n)
    }

    /// softmax over the last axis.
    public func softmax() -> Variable {
        let x = self, (rows, n) = rowsAndWidth
        let out = tape.makeTensor(shape)
        softmaxForward(value.ptr, out.mptr, rows: rows, n: n)
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { softmaxBackward(g.ptr, out.ptr, $0, rows: rows, n: n) }
        }
    }

    /// log softmax over the last axis.
    public func logSoftmax() -> Variable {
        let x = self, (rows, n) = rowsAndWidth
        let out = tape.makeTensor(shape)
        logSoftmaxForward(value.ptr, out.mptr, rows: rows, n: n)
        return tape.record(out, inputs: [x]) { tape, g in
            tape.accumulateGradient(x) { logSoftmaxBackward(g.ptr, out.ptr, $0, rows: rows, n: n) }
        }
    }

    /// Mean cross-entropy (nats) of logits (…, V) against integer targets, one per row;
    /// a target of −1 marks a row to ignore. Fused log-softmax + negative log-likelihood.
    public func crossEntropy(targets: [Int32]) -> Variable {
        let x = self, (rows, n) = rowsAndWidth
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of \(shape)")
        precondition(targets.allSatisfy { $0 < Int32(n) && $0 >= -1 }, "crossEntropy: a target is outside -1..<\(n)")
        let probs = tape.scratch(shape)
        let (sum, counted) = targets.withUnsafeBufferPointer {
            crossEntropyForward(value.ptr, $0.baseAddress!, probs.mptr, rows: rows, n: n)
        }
        let out = tape.makeTensor([])
        out.mptr[0] = counted > 0 ? Scalar(sum / Double(counted)) : 0
        return tape.record(out, inputs: [x]) { tape, g in
            guard counted > 0 else { return }
            let scale = g.ptr[0] / Scalar(counted)
            tape.accumulateGradient(x) { dx in
                targets.withUnsafeBufferPointer {
                    crossEntropyBackward(probs.ptr, $0.baseAddress!, dx, rows: rows, n: n, scale: scale)
                }
            }
        }
    }
}
