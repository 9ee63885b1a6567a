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
    /// Judged in rounds: how many of each vote ("yes", "no") or of each score rounded to a whole
    /// number the juror gave in the round; nil in a ranking round (every list holds each place once).
    package var distribution: [String: Int]? = nil
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
  /// Judged in rounds: the round shown and its kind.
  package var round: String? = nil
  package var kind: String? = nil
  /// The whole panel's distribution, beside each juror's: only once the round is closed or when
  /// at least five other jurors make it up, so that no one can work out a colleague's scores.
  package var panel: [String: Int]? = nil

  /// Jurors besides oneself needed before the panel's figures are shown in an open round.
  package static let panelMinimumOthers = 5
  /// And in a juror's room once the round is closed: with one other juror, the panel less one's
  /// own figures would be that colleague's.
  package static let panelMinimumOthersClosed = 2
}

extension Jury {
  /// Assignments and scores that count: a conflict declared after scoring or a removed juror
  /// takes them out (the history keeps them).
  package func progress() throws -> JuryProgress {
    let round = try workingRound()
    let criteria = try round?.criteria ?? rubric()
    let counted = try countedJury(works: nil, round: round)
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
    var progress = JuryProgress(jurors: jurorLines, works: workLines, locked: try scoringLocked())
    if let round {
      progress.round = round.record.name
      progress.kind = round.record.kind.rawValue
      if round.record.kind != .ranking {
        var byJuror: [Int: [String: Int]] = [:]
        for score in counted.scores {
          guard let value = StandingsCalculator.weighted(score.values, criteria) else { continue }
          let bucket =
            round.record.kind == .yesNo ? (value == 1 ? "yes" : "no") : String(Int(value.rounded()))
          byJuror[score.pair.juror, default: [:]][bucket, default: 0] += 1
        }
        let rowByKey = Dictionary(uniqueKeysWithValues: counted.jurors.map { ($0.id, $0.rowID) })
        for index in progress.jurors.indices {
          progress.jurors[index].distribution = rowByKey[progress.jurors[index].id].map { byJuror[$0] ?? [:] }
        }
        if !round.record.isOpen || byJuror.count - 1 >= JuryProgress.panelMinimumOthers {
          progress.panel = byJuror.values.reduce(into: [:]) { panel, mine in panel.merge(mine, uniquingKeysWith: +) }
        }
      }
    }
    return progress
  }
}
