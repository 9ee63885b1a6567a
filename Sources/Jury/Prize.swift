import Catalog
import Foundation

extension Jury {
  /// Records the winners and locks scoring. The amount defaults to the prize split equally and
  /// never exceeds it in total. A work that cannot win (see `reasonsItCannotWin`) and missing
  /// scores refuse unless `force` with a `note`, recorded; scores given to an earlier version of
  /// a winner refuse unless `acceptNewVersions`, recorded.
  @discardableResult
  package func award(
    _ ids: [String], amount: Double?, note: String?, force: Bool, acceptNewVersions: Bool = false
  ) throws -> PrizeState {
    guard !ids.isEmpty else { throw JuryError.prize("Name at least one work to award.") }
    guard Set(ids).count == ids.count else { throw JuryError.prize("A work is named twice.") }
    let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
    if force && note == nil {
      throw JuryError.prize("--force needs --note saying why; the reason is recorded with the award.")
    }
    let prize = exhibition.prizeAmount
    let each = amount ?? equalShare(among: ids.count)
    guard each >= 0, each.isFinite else { throw JuryError.prize("The amount must be zero or more.") }
    guard each * Double(ids.count) <= prize + 0.000_001 else {
      throw JuryError.prize(
        "\(ids.count) × \(money(each)) is \(money(each * Double(ids.count))), more than the prize of \(money(prize)) \(exhibition.prizeCurrency)."
      )
    }
    try archive.transaction {
      if try scoringLocked() {
        throw JuryError.prize("The prize is already awarded; `salon prize reopen` first to change it.")
      }
      let works = try archive.works(exhibition: exhibition)
      // Judged in rounds, only a finalist can win: no --force makes a dropped work a winner.
      let dropped = try roundRefusals(ids, works: works)
      if !dropped.isEmpty { throw JuryError.prize(dropped.joined(separator: " ")) }
      let standings = try standings(by: .normalized)
      var rows: [Int] = []
      var overridden: [String] = []
      var earlierVersions: [String] = []
      for id in ids {
        guard let work = works.first(where: { $0.id == id }) else { throw CatalogError.unknownSubmission(id: id) }
        let line = standings.standings.first { $0.id == id }
        overridden += Self.reasonsItCannotWin(work, standing: line, verb: "win")
        if let line, line.flags.contains("new-version"), let scored = line.scoredVersion, let latest = line.version {
          if !acceptNewVersions {
            throw JuryError.prize(
              "Work \(id) was scored on version \(scored), but version \(latest) has arrived since; have the jurors score it again, or award with --accept-new-versions (recorded)."
            )
          }
          earlierVersions.append("work \(id) was scored on version \(scored) of \(latest)")
        }
        rows.append(work.rowID)
      }
      let progress = try progress()
      let missing = progress.works.filter { $0.scores < $0.assigned }
      if !missing.isEmpty {
        overridden.append(
          "\(missing.count) work\(missing.count == 1 ? " is" : "s are") missing scores (\(missing.prefix(5).map(\.id).joined(separator: ", "))); wait for the jury."
        )
      }
      if !overridden.isEmpty && !force { throw JuryError.prize(Self.refusal(overridden)) }
      let forced = force && !overridden.isEmpty
      try archive.appendAward(exhibition: exhibition.id, winners: rows, amount: each, note: note, forced: forced)
      var detail: [String: Any] = ["winners": ids, "amount": each, "forced": forced]
      if let note { detail["note"] = note }
      if forced { detail["overridden"] = overridden }
      if !earlierVersions.isEmpty { detail["acceptedNewVersions"] = earlierVersions }
      try archive.record("award", exhibition: exhibition.id, detail: detail)
    }
    return try prizeState()
  }

  /// Why a work cannot win (or be mentioned), each in its own sentence; empty when it can. A
  /// winner the gallery leaves out would have a prize page pointing at nothing.
  static func reasonsItCannotWin(_ work: Work, standing: Standing?, verb: String) -> [String] {
    let id = work.id
    var reasons: [String] = []
    if work.status != .accepted {
      // `decide … selected` refuses a rejected work: the advice that works is a corrected zip.
      reasons.append(
        "Work \(id) was rejected at ingest, so it cannot \(verb); only an accepted version can be selected (the artist's corrected zip, ingested with `salon ingest ZIP --id \(id)`)."
      )
    } else if work.decision == "declined" {
      reasons.append("Work \(id) was declined for the programme, so it cannot \(verb).")
    } else if !work.isSelected {
      reasons.append(
        "Work \(id) has not been selected for the programme; select it first (`salon submissions decide \(id) selected`)."
      )
    }
    switch work.declarations.rightsGranted {
    case .yes: break
    case .no: reasons.append("Work \(id) cannot be published: the artist did not grant the rights to publish it.")
    case .unknown: reasons.append("Work \(id) cannot be published: the artist's grant of rights to publish is unknown.")
    }
    switch work.declarations.authorshipAffirmed {
    case .yes: break
    case .no: reasons.append("Work \(id) cannot be published: the artist did not affirm authorship.")
    case .unknown: reasons.append("Work \(id) cannot be published: the artist's affirmation of authorship is unknown.")
    }
    if work.status == .accepted && (standing?.scores ?? 0) == 0 {
      reasons.append("Work \(id) has no scores from the jury.")
    }
    return reasons
  }

  /// The standings' marks for an accepted work the award would refuse as it stands.
  static func whyItCannotWin(_ work: Work) -> [String] {
    var marks: [String] = []
    if work.decision == "declined" {
      marks.append("declined")
    } else if !work.isSelected {
      marks.append("undecided")
    }
    if work.declarations.rightsGranted != .yes { marks.append("rights-not-granted") }
    if work.declarations.authorshipAffirmed != .yes { marks.append("authorship-not-affirmed") }
    return marks
  }

  static func refusal(_ reasons: [String]) -> String {
    (reasons + ["To decide otherwise, add --force with --note saying why (both are recorded)."]).joined(separator: " ")
  }

  /// Unlocks scoring and withdraws the award; recorded.
  package func reopen(note: String?) throws {
    try archive.transaction {
      guard try scoringLocked() else {
        throw JuryError.prize("The prize has not been awarded, so there is nothing to reopen.")
      }
      try archive.appendReopen(exhibition: exhibition.id, note: note)
      var detail: [String: Any] = [:]
      if let note { detail["note"] = note }
      try archive.record("reopen", exhibition: exhibition.id, detail: detail)
    }
  }

  /// An honourable mention: only a work that could win, unless `force` with a `note`, recorded.
  package func mention(_ id: String, note: String?, force: Bool = false) throws {
    let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
    if force && note == nil {
      throw JuryError.prize("--force needs --note saying why; the reason is recorded with the mention.")
    }
    let works = try archive.works(exhibition: exhibition)
    guard let work = works.first(where: { $0.id == id }) else { throw CatalogError.unknownSubmission(id: id) }
    let line = try standings(by: .normalized).standings.first { $0.id == id }
    let reasons = Self.reasonsItCannotWin(work, standing: line, verb: "be mentioned")
    if !reasons.isEmpty && !force { throw JuryError.prize(Self.refusal(reasons)) }
    try archive.transaction {
      try archive.appendMention(exhibition: exhibition.id, submission: work.rowID, note: note)
      var detail: [String: Any] = ["note": note ?? ""]
      if !reasons.isEmpty { detail["overridden"] = reasons }
      try archive.record("mention", exhibition: exhibition.id, submission: work.rowID, detail: detail)
    }
  }

  package func prizeState() throws -> PrizeState { try archive.prizeState(exhibition: exhibition) }

  /// The prize split equally between `count` works, rounded down to the cent so the shares never
  /// add up to more than the prize.
  package func equalShare(among count: Int) -> Double {
    (exhibition.prizeAmount / Double(max(count, 1)) * 100).rounded(.down) / 100
  }
}
