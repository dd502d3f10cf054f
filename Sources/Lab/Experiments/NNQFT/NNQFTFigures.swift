import Foundation
import Physics

/// The NN-QFT figures: |G4c| against N_h, G4c against d_k, G2 against separation.
enum NNQFTFigures {
    static func heads(rows: [NNQFTScan.Row], fit: NNQFTScan.Fit, control: ScalingAnalysis) -> [Figure] { [] }

    static func width(rows: [NNQFTScan.Row], standard: [NNQFTScan.Row], quenched: NNQFTScan.Row, uniform: NNQFTScan.Row,
                      extrapolation: WeightedLineFit?) -> [Figure] { [] }

    static func kernel(chords: [Double], direct: [JackknifeValue], attention: [JackknifeValue], lengthScale: Double) -> [Figure] { [] }
}
