import Catalog
import Foundation

/// What `jury assign` did, and where it could not do what was asked.
public struct AssignmentReport: Codable, Equatable, Sendable {
  package var perWork: Int?
  package var seed: Int
  /// Assignments per juror after the run.
  package var loads: [String: Int]
  package var kept: Int
  package var added: Int
  package var removed: Int
  /// Works that got fewer jurors than asked, with why.
  package var shortfalls: [String]
}

extension Jury {
  /// Current assignments as (juror row, submission row).
  /// (The working round's when the exhibition is judged in rounds.)
  func assignmentPairs() throws -> [JurorWork] { try assignmentPairs(in: workingRound()?.record) }

  func assignmentPairs(in round: RoundRecord?) throws -> [JurorWork] {
    try archive.assignments(exhibition: exhibition.id, round: round?.rowID)
  }

  /// Gives every accepted work to `perWork` jurors without a conflict (all of them by default),
  /// keeping loads within one of each other where conflicts allow. Assignments that already have
  /// scores are kept; the rest are redrawn, deterministically for a given seed.
  public func assign(perWork: Int?, seed: Int) throws -> AssignmentReport {
    if let perWork, perWork < 1 { throw JuryError.invalidScore("--per-work must be at least 1.") }
    return try archive.transaction {
      let jurors = try jurors()
      guard !jurors.isEmpty else {
        throw JuryError.invalidScore("There are no jurors yet; add them with `salon jury add NAME`.")
      }
      // Judged in rounds, the open round's works are assigned, and only its assignments change.
      let round = try scoringRound()
      let works = try archive.works(exhibition: exhibition).filter {
        if let round { return round.works.contains($0.rowID) }
        return $0.status == .accepted && $0.decision != "declined"
      }
      let rule = try round?.record.rule.map { try AdvanceRule(parsing: $0, kind: round!.record.kind) }
      let conflicts = try conflicts(works: works)
      let conflicted = Set(conflicts.map { JurorAndWork(juror: $0.juror, work: $0.submission) })
      let scored = try archive.scoredPairs(exhibition: exhibition.id, round: round?.record.rowID)
      let before = try assignmentPairs(in: round?.record)
      let kept = Set(before.filter { scored.contains($0) })
      var random = SeededRandom(seed: UInt64(bitPattern: Int64(seed)))
      var load = Dictionary(uniqueKeysWithValues: jurors.map { ($0.rowID, 0) })
      for pair in before where kept.contains(pair) { load[pair.juror, default: 0] += 1 }
      // A fixed random order of jurors breaks ties between equally loaded jurors.
      let tieOrder = Dictionary(
        uniqueKeysWithValues: seededShuffle(jurors.map(\.rowID), &random).enumerated().map { ($1, $0) })
      // Works with the fewest eligible jurors go first, so they are not starved.
      let eligible = Dictionary(
        uniqueKeysWithValues: works.map { work in
          (work.rowID, jurors.filter { !conflicted.contains(JurorAndWork(juror: $0.id, work: work.id)) })
        })
      let order = seededShuffle(works, &random).sorted {
        (eligible[$0.rowID]?.count ?? 0) < (eligible[$1.rowID]?.count ?? 0)
      }
      var shortfalls: [String] = []
      var assigned: [JurorWork] = []
      for work in order {
        let candidates = eligible[work.rowID] ?? []
        let wanted = perWork ?? candidates.count
        var chosen = Set(
          candidates.filter { kept.contains(JurorWork(juror: $0.rowID, work: work.rowID)) }.map(\.rowID))
        let pool = candidates.filter { !chosen.contains($0.rowID) }
          .sorted { (load[$0.rowID] ?? 0, tieOrder[$0.rowID] ?? 0) < (load[$1.rowID] ?? 0, tieOrder[$1.rowID] ?? 0) }
        for juror in pool where chosen.count < wanted {
          chosen.insert(juror.rowID)
          load[juror.rowID, default: 0] += 1
          assigned.append(JurorWork(juror: juror.rowID, work: work.rowID))
        }
        if chosen.count < wanted {
          let blocked = jurors.filter { conflicted.contains(JurorAndWork(juror: $0.id, work: work.id)) }.map(\.name)
          var why = "there are only \(jurors.count) jurors"
          if !blocked.isEmpty {
            why = "\(blocked.joined(separator: ", ")) \(blocked.count == 1 ? "has" : "have") a conflict"
          }
          shortfalls.append("Work \(work.id) has \(chosen.count) of \(wanted) jurors: \(why).")
        }
        if case .yes(let k)? = rule, chosen.count < k {
          shortfalls.append(
            "Work \(work.id) has \(chosen.count) juror\(chosen.count == 1 ? "" : "s") able to vote, fewer than the \(k) yes votes it needs to advance."
          )
        }
      }
      if let round {
        try archive.redrawUnscoredRoundAssignments(round: round.record.rowID, adding: assigned)
      } else {
        try archive.redrawUnscoredAssignments(exhibition: exhibition.id, adding: assigned)
      }
      let after = try assignmentPairs(in: round?.record)
      let afterSet = Set(after)
      let beforeSet = Set(before)
      var loads: [String: Int] = [:]
      for juror in jurors { loads[juror.id] = after.filter { $0.juror == juror.rowID }.count }
      let report = AssignmentReport(
        perWork: perWork, seed: seed, loads: loads, kept: afterSet.intersection(beforeSet).count,
        added: afterSet.subtracting(beforeSet).count, removed: beforeSet.subtracting(afterSet).count,
        shortfalls: shortfalls)
      try archive.record(
        "assignment", exhibition: exhibition.id,
        detail: [
          "seed": seed, "perWork": perWork ?? 0, "added": report.added, "removed": report.removed, "kept": report.kept,
          "round": round?.record.name ?? "",
        ])
      return report
    }
  }
}

/// Fisher–Yates with our own generator: the order depends on the seed alone, not on how the
/// standard library happens to shuffle.
func seededShuffle<T>(_ items: [T], _ random: inout SeededRandom) -> [T] {
  var items = items
  guard items.count > 1 else { return items }
  for i in stride(from: items.count - 1, to: 0, by: -1) {
    let j = Int(random.next() % UInt64(i + 1))
    items.swapAt(i, j)
  }
  return items
}

/// A small deterministic generator (SplitMix64), so the same seed gives the same assignment on
/// every machine and Swift version (the benchmark's ballots use it too).
package struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  package init(seed: UInt64) { state = seed }
  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
