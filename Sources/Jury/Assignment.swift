import Catalog
import Foundation

/// What `jury assign` did, and where it could not do what was asked.
public struct AssignmentReport: Codable, Equatable, Sendable {
  public var perWork: Int?
  public var seed: Int
  /// Assignments per juror after the run.
  public var loads: [String: Int]
  public var kept: Int
  public var added: Int
  public var removed: Int
  /// Works that got fewer jurors than asked, with why.
  public var shortfalls: [String]
}

extension Jury {
  /// Current assignments as (juror row, submission row).
  func assignmentPairs() throws -> [(juror: Int, work: Int)] {
    try database.query(
      "SELECT a.* FROM assignment a JOIN juror j ON j.id = a.juror_id WHERE j.exhibition_id = ?", [exhibition.id]
    ).map { ($0.int("juror_id") ?? 0, $0.int("submission_id") ?? 0) }
  }

  /// Gives every accepted work to `perWork` jurors without a conflict (all of them by default),
  /// keeping loads within one of each other where conflicts allow. Assignments that already have
  /// scores are kept; the rest are redrawn, deterministically for a given seed.
  public func assign(perWork: Int?, seed: Int) throws -> AssignmentReport {
    if let perWork, perWork < 1 { throw JuryError.invalidScore("--per-work must be at least 1.") }
    return try database.transaction {
      let jurors = try jurors()
      guard !jurors.isEmpty else {
        throw JuryError.invalidScore("There are no jurors yet; add them with `salon jury add NAME`.")
      }
      let works = try archive.works(exhibition: exhibition).filter {
        $0.status == .accepted && $0.decision != "declined"
      }
      let conflicts = try conflicts(works: works)
      let conflicted = Set(conflicts.map { $0.juror + "\u{0}" + $0.submission })
      let scored = Set(
        try database.query(
          "SELECT DISTINCT c.juror_id, c.submission_id FROM score_change c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ?",
          [exhibition.id]
        ).map { "\($0.int("juror_id") ?? 0):\($0.int("submission_id") ?? 0)" })
      let before = try assignmentPairs()
      var kept = Set(before.filter { scored.contains("\($0.juror):\($0.work)") }.map { "\($0.juror):\($0.work)" })
      var random = SeededRandom(seed: UInt64(bitPattern: Int64(seed)))
      var load = Dictionary(uniqueKeysWithValues: jurors.map { ($0.rowID, 0) })
      for pair in before where kept.contains("\(pair.juror):\(pair.work)") { load[pair.juror, default: 0] += 1 }
      // A fixed random order of jurors breaks ties between equally loaded jurors.
      let tieOrder = Dictionary(
        uniqueKeysWithValues: seededShuffle(jurors.map(\.rowID), &random).enumerated().map { ($1, $0) })
      // Works with the fewest eligible jurors go first, so they are not starved.
      let eligible = Dictionary(
        uniqueKeysWithValues: works.map { work in
          (work.rowID, jurors.filter { !conflicted.contains($0.id + "\u{0}" + work.id) })
        })
      let order = seededShuffle(works, &random).sorted {
        (eligible[$0.rowID]?.count ?? 0) < (eligible[$1.rowID]?.count ?? 0)
      }
      var shortfalls: [String] = []
      var assigned: [(Int, Int)] = []
      for work in order {
        let candidates = eligible[work.rowID] ?? []
        let wanted = perWork ?? candidates.count
        var chosen = Set(candidates.filter { kept.contains("\($0.rowID):\(work.rowID)") }.map(\.rowID))
        let pool = candidates.filter { !chosen.contains($0.rowID) }
          .sorted { (load[$0.rowID] ?? 0, tieOrder[$0.rowID] ?? 0) < (load[$1.rowID] ?? 0, tieOrder[$1.rowID] ?? 0) }
        for juror in pool where chosen.count < wanted {
          chosen.insert(juror.rowID)
          load[juror.rowID, default: 0] += 1
          assigned.append((juror.rowID, work.rowID))
        }
        if chosen.count < wanted {
          let blocked = jurors.filter { conflicted.contains($0.id + "\u{0}" + work.id) }.map(\.name)
          var why = "there are only \(jurors.count) jurors"
          if !blocked.isEmpty {
            why = "\(blocked.joined(separator: ", ")) \(blocked.count == 1 ? "has" : "have") a conflict"
          }
          shortfalls.append("Work \(work.id) has \(chosen.count) of \(wanted) jurors: \(why).")
        }
      }
      try database.run(
        """
        DELETE FROM assignment WHERE juror_id IN (SELECT id FROM juror WHERE exhibition_id = ?)
          AND NOT EXISTS (SELECT 1 FROM score_change c WHERE c.juror_id = assignment.juror_id AND c.submission_id = assignment.submission_id)
        """, [exhibition.id])
      for (juror, work) in assigned {
        try database.run(
          "INSERT OR IGNORE INTO assignment (juror_id, submission_id, created_at) VALUES (?, ?, ?)",
          [juror, work, Clock.now()])
      }
      let after = try assignmentPairs()
      let afterSet = Set(after.map { "\($0.juror):\($0.work)" })
      let beforeSet = Set(before.map { "\($0.juror):\($0.work)" })
      kept = kept.union(afterSet.intersection(beforeSet))
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
/// every machine and Swift version.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
