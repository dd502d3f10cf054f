/// Layer normalisation over the last axis (llm.c's layernorm_forward/backward), as (rows, C).

/// y = (x − μ)·rstd ⊙ w + b per row; saves μ and rstd = 1/√(σ² + ε).
@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormForward<S: TensorScalar>(_ x: UnsafePointer<S>, _ w: UnsafePointer<S>?, _ b: UnsafePointer<S>?,
                                       _ y: UnsafeMutablePointer<S>, _ mean: UnsafeMutablePointer<S>,
                                       _ rstd: UnsafeMutablePointer<S>, rows: Int, c: Int, eps: S) {
    let invC = 1 / S(c)
    for r in 0..<rows {
        let xr = x + r * c, yr = y + r * c
        var m: S = 0
        for i in 0..<c { m += xr[i] }
        m *= invC
        var v: S = 0
        for i in 0..<c { let d = xr[i] - m; v += d * d }
        v *= invC
        let s = 1 / (v + eps).squareRoot()
        for i in 0..<c {
            var o = (xr[i] - m) * s
            if let w { o *= w[i] }
            if let b { o += b[i] }
            yr[i] = o
        }
        mean[r] = m
        rstd[r] = s
    }
}

/// Accumulates dx, dw, db from dy (any of the outputs may be nil).
@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormBackward<S: TensorScalar>(_ dy: UnsafePointer<S>, _ x: UnsafePointer<S>, _ w: UnsafePointer<S>?,
                                        _ mean: UnsafePointer<S>, _ rstd: UnsafePointer<S>,
                                        _ dx: UnsafeMutablePointer<S>?, _ dw: UnsafeMutablePointer<S>?,
                                        _ db: UnsafeMutablePointer<S>?, rows: Int, c: Int) {
    let invC = 1 / S(c)
    for r in 0..<rows {
        let dyr = dy + r * c, xr = x + r * c
        let m = mean[r], s = rstd[r]
        var meanD: S = 0, meanDN: S = 0
        for i in 0..<c {
            let n = (xr[i] - m) * s
            let d = w.map { $0[i] * dyr[i] } ?? dyr[i]
            meanD += d
            meanDN += d * n
            if let dw { dw[i] += dyr[i] * n }
            if let db { db[i] += dyr[i] }
        }
        meanD *= invC
        meanDN *= invC
        if let dx {
            let dxr = dx + r * c
            for i in 0..<c {
                let n = (xr[i] - m) * s
                let d = w.map { $0[i] * dyr[i] } ?? dyr[i]
                dxr[i] += (d - meanD - n * meanDN) * s
            }
        }
    }
}
