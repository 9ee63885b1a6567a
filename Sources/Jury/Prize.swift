import Catalog
import Foundation

/// The prize as it stands: the latest award, unless reopened since.
public struct PrizeState: Codable, Equatable, Sendable {
  public struct Winner: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var artists: String?
    public var amount: Double
  }
  public struct Mention: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var artists: String?
    public var note: String?
  }
  public var awarded: Bool
  public var winners: [Winner]
  public var note: String?
  public var forced: Bool
  public var awardedAt: String?
  public var mentions: [Mention]
  public var prize: Double
  public var currency: String
}

extension Jury {
  /// Records the winners and locks scoring. The amount defaults to the prize split equally and
  /// never exceeds it in total; missing scores refuse unless `force`, which is recorded.
  @discardableResult
  public func award(_ ids: [String], amount: Double?, note: String?, force: Bool) throws -> PrizeState {
    guard !ids.isEmpty else { throw JuryError.prize("Name at least one work to award.") }
    guard Set(ids).count == ids.count else { throw JuryError.prize("A work is named twice.") }
    let prize = exhibition.prizeAmount
    let each = amount ?? (prize / Double(ids.count) * 100).rounded(.down) / 100
    guard each >= 0, each.isFinite else { throw JuryError.prize("The amount must be zero or more.") }
    guard each * Double(ids.count) <= prize + 0.000_001 else {
      throw JuryError.prize(
        "\(ids.count) × \(money(each)) is \(money(each * Double(ids.count))), more than the prize of \(money(prize)) \(exhibition.prizeCurrency)."
      )
    }
    try database.transaction {
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
      try database.run(
        "INSERT INTO prize_round (exhibition_id, kind, note, forced, time, actor) VALUES (?, 'award', ?, ?, ?, ?)",
        [exhibition.id, note, force && !missing.isEmpty, Clock.now(), Actor.current])
      let round = database.lastInsertRowID
      for row in rows {
        try database.run(
          "INSERT INTO prize_winner (round_id, submission_id, amount) VALUES (?, ?, ?)", [round, row, each])
      }
      var detail: [String: Any] = ["winners": ids, "amount": each, "forced": force && !missing.isEmpty]
      if let note { detail["note"] = note }
      try archive.record("award", exhibition: exhibition.id, detail: detail)
    }
    return try prizeState()
  }

  /// Unlocks scoring and withdraws the award; recorded.
  public func reopen(note: String?) throws {
    try database.transaction {
      guard try scoringLocked() else {
        throw JuryError.prize("The prize has not been awarded, so there is nothing to reopen.")
      }
      try database.run(
        "INSERT INTO prize_round (exhibition_id, kind, note, time, actor) VALUES (?, 'reopen', ?, ?, ?)",
        [exhibition.id, note, Clock.now(), Actor.current])
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
    try database.transaction {
      try database.run(
        "INSERT INTO mention (exhibition_id, submission_id, note, time) VALUES (?, ?, ?, ?)",
        [exhibition.id, work.rowID, note, Clock.now()])
      try archive.record("mention", exhibition: exhibition.id, submission: work.rowID, detail: ["note": note ?? ""])
    }
  }

  public func prizeState() throws -> PrizeState {
    let works = try archive.works(exhibition: exhibition)
    let byRow = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0) })
    let last = try database.queryOne(
      "SELECT * FROM prize_round WHERE exhibition_id = ? ORDER BY id DESC LIMIT 1", [exhibition.id])
    var winners: [PrizeState.Winner] = []
    let awarded = last?.string("kind") == "award"
    if awarded, let round = last?.int("id") {
      for row in try database.query("SELECT * FROM prize_winner WHERE round_id = ? ORDER BY rowid", [round]) {
        guard let work = byRow[row.int("submission_id") ?? 0] else { continue }
        winners.append(
          .init(id: work.id, title: work.title, artists: work.declarations.artists, amount: row.double("amount") ?? 0))
      }
    }
    var mentions: [PrizeState.Mention] = []
    var seen = Set<Int>()
    for row in try database.query("SELECT * FROM mention WHERE exhibition_id = ? ORDER BY id", [exhibition.id]) {
      guard let rowID = row.int("submission_id"), let work = byRow[rowID], seen.insert(rowID).inserted else { continue }
      mentions.append(
        .init(id: work.id, title: work.title, artists: work.declarations.artists, note: row.string("note")))
    }
    return PrizeState(
      awarded: awarded, winners: winners, note: awarded ? last?.string("note") : nil,
      forced: awarded && (last?.bool("forced") ?? false), awardedAt: awarded ? last?.string("time") : nil,
      mentions: mentions.filter { m in !winners.contains { $0.id == m.id } }, prize: exhibition.prizeAmount,
      currency: exhibition.prizeCurrency)
  }
}

/// "200", "66.67": amounts without needless decimals.
public func money(_ value: Double) -> String {
  // Beyond 10^15 an Int conversion could trap and cents mean nothing: print the digits as they are.
  guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.0f", value) }
  return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
}
