import Catalog
import Foundation

/// Who has scored what.
public struct JuryProgress: Codable, Equatable, Sendable {
  public struct JurorLine: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var assigned: Int
    public var scored: Int
    /// Mean and spread (standard deviation) of the juror's weighted scores, and their count.
    public var mean: Double?
    public var spread: Double?
    public var count: Int
  }
  public struct WorkLine: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var assigned: Int
    public var scores: Int
  }
  public var jurors: [JurorLine]
  public var works: [WorkLine]
  public var locked: Bool
}

extension Jury {
  /// Assignments and scores that count: a conflict declared after scoring or a removed juror
  /// takes them out (the history keeps them).
  public func progress() throws -> JuryProgress {
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
    let jurorLines = counted.jurors.map { juror in
      let mine = pairs.filter { $0.juror == juror.rowID }
      let c = calibration[juror.id]
      return JuryProgress.JurorLine(
        id: juror.id, name: juror.name, assigned: mine.count,
        scored: mine.filter { complete.contains($0) }.count, mean: c?.mean, spread: c?.spread, count: c?.count ?? 0)
    }
    let workLines = counted.works.compactMap { work -> JuryProgress.WorkLine? in
      let theirs = pairs.filter { $0.work == work.rowID }
      guard !theirs.isEmpty else { return nil }
      return JuryProgress.WorkLine(
        id: work.id, title: work.title, assigned: theirs.count,
        scores: theirs.filter { complete.contains($0) }.count)
    }
    return JuryProgress(jurors: jurorLines, works: workLines, locked: try scoringLocked())
  }
}
