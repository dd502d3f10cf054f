import Testing

@testable import TensorCore

/// Optimizers and schedules against values produced by PyTorch 2.13 (torch.optim.AdamW,
/// torch.optim.lr_scheduler.OneCycleLR, float64).
@Suite struct OptimizerTests {
    @Test func oneCycleMatchesPyTorch() {
        let schedule = OneCycleSchedule(maxLR: 0.01, totalSteps: 20)
        let lrs = [
            0.0003999999999999993, 0.0013167184270002508, 0.003716718427000252, 0.006683281572999748,
            0.009083281572999747, 0.01, 0.009874640062350875, 0.009504846320134737, 0.0089091617757105,
            0.008117456539497631, 0.007169430017913008, 0.0061126202193628925, 0.00500002,
            0.003887419780637108, 0.0028306099820869924, 0.00188258346050237, 0.0010908782242895004,
            0.0004951936798652628, 0.00012539993764912555, 4e-08,
        ]
        let momenta = [
            0.95, 0.9404508497187474, 0.9154508497187474, 0.8845491502812526, 0.8595491502812526, 0.85,
            0.8512536043909088, 0.854951556604879, 0.8609084258765984, 0.8688255099070633,
            0.878305813044122, 0.8888739533021842, 0.8999999999999999, 0.9111260466978157,
            0.9216941869558779, 0.9311744900929366, 0.9390915741234015, 0.945048443395121,
            0.9487463956090911, 0.95,
        ]
        for step in 0..<20 {
            #expect(abs(schedule.learningRate(at: step) - lrs[step]) < 1e-15, "step \(step)")
            #expect(abs(schedule.momentum(at: step)! - momenta[step]) < 1e-14, "step \(step)")
        }
    }

    @Test func adamWMatchesPyTorch() {
        let w = Parameter<Double>("w", Tensor(shape: [2, 2], scalars: [0.5, -1.0, 2.0, 0.25]))
        let b = Parameter<Double>("b", Tensor(shape: [2], scalars: [0.1, -0.2]))
        #expect(w.decays && !b.decays)
        var adam = AdamW<Double>(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1)
        let grads: [([Double], [Double])] = [
            ([0.1, -0.2, 0.3, 0.05], [1.0, -0.5]),
            ([-0.4, 0.2, 0.0, 0.5], [0.2, 0.3]),
            ([0.3, 0.3, -0.1, -0.2], [-1.0, 0.1]),
        ]
        for (gw, gb) in grads {
            w.grad = Tensor(shape: [2, 2], scalars: gw)
            b.grad = Tensor(shape: [2], scalars: gb)
            adam.update([w, b], learningRate: 0.01)
        }
        let expectedW = [0.49384774763453493, -0.9924774527668816, 1.9744407532164867, 0.22777514933106632]
        let expectedB = [0.08201433869332381, -0.1877067738765651]
        for (x, y) in zip(w.value.scalars, expectedW) { #expect(abs(x - y) < 1e-14) }
        for (x, y) in zip(b.value.scalars, expectedB) { #expect(abs(x - y) < 1e-14) }
    }

    @Test func clippingScalesToMaxNorm() {
        let p = Parameter<Float>("p", Tensor(shape: [2], scalars: [0, 0]))
        p.grad = Tensor(shape: [2], scalars: [3, 4])
        let before = GradientClipping.clip([p], maxNorm: 1)
        #expect(abs(before - 5) < 1e-6)
        #expect(abs(GradientClipping.globalNorm([p]) - 1) < 1e-5)
        p.grad = Tensor(shape: [2], scalars: [0.3, 0.4])
        GradientClipping.clip([p], maxNorm: 1)
        #expect(p.grad.scalars == [0.3, 0.4])
        p.grad = Tensor(shape: [2], scalars: [1, .nan])
        #expect(GradientClipping.firstNonFinite([p])?.name == "p" && GradientClipping.firstNonFinite([p])?.index == 1)
    }

    @Test func cosineScheduleWarmsUpAndDecays() {
        let s = CosineSchedule(maxLR: 1, minLR: 0.1, warmupSteps: 10, totalSteps: 110)
        #expect(abs(s.learningRate(at: 4) - 0.5) < 1e-12)
        #expect(abs(s.learningRate(at: 10) - 1) < 1e-12)
        #expect(abs(s.learningRate(at: 60) - 0.55) < 1e-12)
        #expect(abs(s.learningRate(at: 110) - 0.1) < 1e-12)
    }

    @Test func sgdMomentumMatchesRecurrence() {
        let p = Parameter<Double>("p", Tensor(shape: [1], scalars: [1]))
        var sgd = SGD<Double>(momentum: 0.9)
        var x = 1.0, buffer = 0.0
        for _ in 0..<5 {
            p.grad = Tensor(shape: [1], scalars: [2 * p.value.scalars[0]])
            sgd.update([p], learningRate: 0.1)
            let g = 2 * x
            buffer = 0.9 * buffer + g
            x -= 0.1 * buffer
        }
        #expect(abs(p.value.scalars[0] - x) < 1e-15)
    }
}
