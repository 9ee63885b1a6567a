import Catalog
import Foundation

/// Which scores and assignments count: a conflict declared after scoring, or a juror removed from
/// the jury, takes the scores out of the standings at once; the history keeps them.
struct CountedJury {
  var jurors: [Juror]
  var works: [Work]
  var scores: [LatestScore]
  var assignments: [JurorWork]
  var withdrawn: [WithdrawnScore]
}

extension Jury {
  /// The working round's (see `workingRound`).
  func countedJury(works: [Work]? = nil) throws -> CountedJury {
    try countedJury(works: works, round: workingRound())
  }

  /// With `round`, only that round's scores and assignments, and only its works.
  func countedJury(works: [Work]?, round: RoundScope?) throws -> CountedJury {
    var works = try works ?? archive.works(exhibition: exhibition)
    if let round { works = works.filter { round.works.contains($0.rowID) } }
    let records = try archive.jurorRecords(exhibition: exhibition.id)
    let active = records.filter { $0.removal == nil }.map(Juror.init)
    let keyByRow = Dictionary(uniqueKeysWithValues: records.map { ($0.rowID, $0.key) })
    let removed = Set(records.filter { $0.removal != nil }.map(\.rowID))
    let workIDByRow = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0.id) })
    let conflicted = Set(try conflicts(works: works).map { JurorAndWork(juror: $0.juror, work: $0.submission) })
    func isConflicted(_ pair: JurorWork) -> Bool {
      guard let juror = keyByRow[pair.juror], let work = workIDByRow[pair.work] else { return false }
      return conflicted.contains(JurorAndWork(juror: juror, work: work))
    }
    var withdrawn: [WithdrawnScore] = []
    // Filtered in place: a second array of every score would double the largest thing held.
    var counted = try currentScores(in: round?.record)
    counted.removeAll { score in
      let out = removed.contains(score.pair.juror) ? "juror-removed" : isConflicted(score.pair) ? "conflict" : nil
      guard let out else { return false }
      if !score.values.isEmpty, let juror = keyByRow[score.pair.juror], let work = workIDByRow[score.pair.work] {
        withdrawn.append(WithdrawnScore(juror: juror, submission: work, reason: out))
      }
      return true
    }
    let assignments = try assignmentPairs(in: round?.record).filter { !removed.contains($0.juror) && !isConflicted($0) }
    return CountedJury(
      jurors: active, works: works, scores: counted, assignments: assignments,
      withdrawn: withdrawn.sorted { ($0.submission, $0.juror) < ($1.submission, $1.juror) })
  }
}
