import Catalog
import Foundation

extension Jury {
  /// Records the winners and locks scoring. The amount defaults to the prize split equally and
  /// never exceeds it in total; missing scores refuse unless `force`, which is recorded.
  @discardableResult
  public func award(_ ids: [String], amount: Double?, note: String?, force: Bool) throws -> PrizeState {
    guard !ids.isEmpty else { throw JuryError.prize("Name at least one work to award.") }
    guard Set(ids).count == ids.count else { throw JuryError.prize("A work is named twice.") }
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
      var rows: [Int] = []
      for id in ids {
        guard let work = works.first(where: { $0.id == id }) else { throw CatalogError.unknownSubmission(id: id) }
        guard work.status == .accepted else {
          throw JuryError.prize("Work \(id) was rejected at ingest and cannot win.")
        }
        rows.append(work.rowID)
      }
      let progress = try progress()
      let missing = progress.works.filter { $0.scores < $0.assigned }
      if !missing.isEmpty && !force {
        throw JuryError.prize(
          "\(missing.count) work\(missing.count == 1 ? " is" : "s are") missing scores (\(missing.prefix(5).map(\.id).joined(separator: ", "))); wait for the jury, or award with --force (recorded)."
        )
      }
      try archive.appendAward(
        exhibition: exhibition.id, winners: rows, amount: each, note: note, forced: force && !missing.isEmpty)
      var detail: [String: Any] = ["winners": ids, "amount": each, "forced": force && !missing.isEmpty]
      if let note { detail["note"] = note }
      try archive.record("award", exhibition: exhibition.id, detail: detail)
    }
    return try prizeState()
  }

  /// Unlocks scoring and withdraws the award; recorded.
  public func reopen(note: String?) throws {
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

  public func mention(_ id: String, note: String?) throws {
    let works = try archive.works(exhibition: exhibition)
    guard let work = works.first(where: { $0.id == id }) else { throw CatalogError.unknownSubmission(id: id) }
    guard work.status == .accepted else {
      throw JuryError.prize("Work \(id) was rejected at ingest and cannot be mentioned.")
    }
    try archive.transaction {
      try archive.appendMention(exhibition: exhibition.id, submission: work.rowID, note: note)
      try archive.record("mention", exhibition: exhibition.id, submission: work.rowID, detail: ["note": note ?? ""])
    }
  }

  public func prizeState() throws -> PrizeState { try archive.prizeState(exhibition: exhibition) }

  /// The prize split equally between `count` works, rounded down to the cent so the shares never
  /// add up to more than the prize.
  public func equalShare(among count: Int) -> Double {
    (exhibition.prizeAmount / Double(max(count, 1)) * 100).rounded(.down) / 100
  }
}
