import Catalog
import Foundation

/// Who has scored what.
package struct JuryProgress: Codable, Equatable, Sendable {
  package struct JurorLine: Codable, Equatable, Sendable {
    package var id: String
    package var name: String
    package var assigned: Int
    package var scored: Int
    /// Mean and spread (standard deviation) of the juror's weighted scores, and their count.
    package var mean: Double?
    package var spread: Double?
    package var count: Int
  }
  package struct WorkLine: Codable, Equatable, Sendable {
    package var id: String
    package var title: String
    package var assigned: Int
    package var scores: Int
  }
  package var jurors: [JurorLine]
  package var works: [WorkLine]
  package var locked: Bool
}

extension Jury {
  /// Assignments and scores that count: a conflict declared after scoring or a removed juror
  /// takes them out (the history keeps them).
  package func progress() throws -> JuryProgress {
    let criteria = try rubric()
    let counted = try countedJury()
    let pairs = counted.assignments
    let complete = Set(
      counted.scores.filter { score in criteria.allSatisfy { score.values[$0.key] != nil } }.map(\.pair))
    let keyByRow = Dictionary(uniqueKeysWithValues: counted.jurors.map { ($0.rowID, $0.id) })
    let calibration = Dictionary(
      uniqueKeysWithValues: StandingsCalculator.calibration(
        criteria: criteria,
        scores: counted.scores.compactMap { s in
          keyByRow[s.pair.juror].map {
            StandingsCalculator.ScoreInput(juror: $0, work: String(s.pair.work), values: s.values)
          }
        }
      ).map { ($0.juror, $0) })
    // Grouped once, so each juror and each work is a lookup rather than a pass over every pair.
    let byJuror = Dictionary(grouping: pairs, by: \.juror)
    let byWork = Dictionary(grouping: pairs, by: \.work)
    let jurorLines = counted.jurors.map { juror in
      let mine = byJuror[juror.rowID] ?? []
      let c = calibration[juror.id]
      return JuryProgress.JurorLine(
        id: juror.id, name: juror.name, assigned: mine.count,
        scored: mine.filter { complete.contains($0) }.count, mean: c?.mean, spread: c?.spread, count: c?.count ?? 0)
    }
    let workLines = counted.works.compactMap { work -> JuryProgress.WorkLine? in
      guard let theirs = byWork[work.rowID], !theirs.isEmpty else { return nil }
      return JuryProgress.WorkLine(
        id: work.id, title: work.title, assigned: theirs.count,
        scores: theirs.filter { complete.contains($0) }.count)
    }
    return JuryProgress(jurors: jurorLines, works: workLines, locked: try scoringLocked())
  }
}
