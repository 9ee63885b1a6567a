import Foundation

/// The Schulze method (HotCRP's default): each juror's scores order the works they scored; a
/// work beats another when the strongest path of pairwise majorities from it is stronger than
/// the way back. Cubic in the number of works, so it is given a shortlist.
package enum Schulze {
  /// Competition ranks (1, 1, 3…) of `candidates`; each ballot is one juror's scores, higher
  /// preferred, and a candidate missing from a ballot is not compared by that juror.
  package static func ranks(_ candidates: [String], ballots: [[String: Double]]) -> [String: Int] {
    let n = candidates.count
    guard n > 0 else { return [:] }
    let index = Dictionary(candidates.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    // d[i * n + j]: how many jurors prefer i to j.
    var d = [Int](repeating: 0, count: n * n)
    for ballot in ballots {
      let scored = ballot.compactMap { key, value in index[key].map { ($0, value) } }
      for a in scored {
        for b in scored where a.1 > b.1 { d[a.0 * n + b.0] += 1 }
      }
    }
    // Strongest paths over winning links only (Floyd–Warshall on widest paths).
    var p = [Int](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n where i != j && d[i * n + j] > d[j * n + i] { p[i * n + j] = d[i * n + j] }
    }
    for i in 0..<n {
      for j in 0..<n where j != i && p[j * n + i] > 0 {
        let through = p[j * n + i]
        for k in 0..<n where k != i && k != j {
          let via = min(through, p[i * n + k])
          if via > p[j * n + k] { p[j * n + k] = via }
        }
      }
    }
    // The relation is transitive, so counting whom each beats orders them consistently.
    var beats = [Int](repeating: 0, count: n)
    for i in 0..<n {
      for j in 0..<n where i != j && p[i * n + j] > p[j * n + i] { beats[i] += 1 }
    }
    let order = (0..<n).sorted { beats[$0] != beats[$1] ? beats[$0] > beats[$1] : $0 < $1 }
    var result: [String: Int] = [:]
    var previousRank = 0
    for (position, i) in order.enumerated() {
      let rank = position > 0 && beats[order[position - 1]] == beats[i] ? previousRank : position + 1
      result[candidates[i]] = rank
      previousRank = rank
    }
    return result
  }
}
