import Foundation
import SQLite

// The prize's tables (prize_round, prize_winner, mention) are read and written only here, with the
// read model the gallery and the announcement share; the Jury module holds the award rules.

/// The prize as it stands: the latest award, unless reopened since.
package struct PrizeState: Codable, Equatable, Sendable {
  package struct Winner: Codable, Equatable, Sendable {
    package var id: String
    package var title: String
    package var artists: String?
    package var amount: Double
  }
  package struct Mention: Codable, Equatable, Sendable {
    package var id: String
    package var title: String
    package var artists: String?
    package var note: String?
  }
  package var awarded: Bool
  package var winners: [Winner]
  package var note: String?
  package var forced: Bool
  package var awardedAt: String?
  package var mentions: [Mention]
  package var prize: Double
  package var currency: String
}

/// "200", "66.67": amounts without needless decimals.
package func money(_ value: Double) -> String {
  // Beyond 10^15 an Int conversion could trap and cents mean nothing: print the digits as they are.
  guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.0f", value) }
  return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
}

/// The latest award or reopening of the prize.
package struct PrizeRound: Equatable, Sendable {
  package enum Kind: String, Sendable { case award, reopen }
  package var id: Int
  package var kind: Kind
  package var note: String?
  package var forced: Bool
  package var time: String
}

extension SalonArchive {
  package func latestPrizeRound(exhibition: Int) throws -> PrizeRound? {
    guard
      let row = try database.queryOne(
        "SELECT * FROM prize_round WHERE exhibition_id = ? ORDER BY id DESC LIMIT 1", [exhibition])
    else { return nil }
    return PrizeRound(
      id: try row.int("id"), kind: try row.value("kind", as: PrizeRound.Kind.self),
      note: try row.optionalString("note"),
      forced: try row.bool("forced"), time: try row.string("time"))
  }

  /// True when the prize has been awarded and not reopened since.
  package func prizeAwarded(exhibition: Int) throws -> Bool {
    try latestPrizeRound(exhibition: exhibition)?.kind == .award
  }

  /// Appends an award round with its winners (submission rows), each given `amount`.
  package func appendAward(exhibition: Int, winners: [Int], amount: Double, note: String?, forced: Bool) throws {
    try database.run(
      "INSERT INTO prize_round (exhibition_id, kind, note, forced, time, actor) VALUES (?, 'award', ?, ?, ?, ?)",
      [exhibition, note, forced, Clock.now(), Actor.current])
    let round = database.lastInsertRowID
    for winner in winners {
      try database.run(
        "INSERT INTO prize_winner (round_id, submission_id, amount) VALUES (?, ?, ?)", [round, winner, amount])
    }
  }

  package func appendReopen(exhibition: Int, note: String?) throws {
    try database.run(
      "INSERT INTO prize_round (exhibition_id, kind, note, time, actor) VALUES (?, 'reopen', ?, ?, ?)",
      [exhibition, note, Clock.now(), Actor.current])
  }

  package func appendMention(exhibition: Int, submission: Int, note: String?) throws {
    try database.run(
      "INSERT INTO mention (exhibition_id, submission_id, note, time) VALUES (?, ?, ?, ?)",
      [exhibition, submission, note, Clock.now()])
  }

  /// The prize as the gallery and the announcement show it: winners of the latest award unless
  /// reopened, and honourable mentions of works that did not win.
  /// `works`, when the caller has them already, saves reading the exhibition again.
  package func prizeState(exhibition: Exhibition, works known: [Work]? = nil) throws -> PrizeState {
    let works = try known ?? works(exhibition: exhibition)
    let byRow = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0) })
    let last = try latestPrizeRound(exhibition: exhibition.id)
    var winners: [PrizeState.Winner] = []
    let awarded = last?.kind == .award
    if awarded, let round = last?.id {
      for row in try database.query("SELECT * FROM prize_winner WHERE round_id = ? ORDER BY rowid", [round]) {
        guard let work = byRow[try row.int("submission_id")] else { continue }
        winners.append(
          .init(id: work.id, title: work.title, artists: work.declarations.artists, amount: try row.double("amount")))
      }
    }
    var mentions: [PrizeState.Mention] = []
    var seen = Set<Int>()
    for row in try database.query("SELECT * FROM mention WHERE exhibition_id = ? ORDER BY id", [exhibition.id]) {
      let rowID = try row.int("submission_id")
      guard let work = byRow[rowID], seen.insert(rowID).inserted else { continue }
      mentions.append(
        .init(id: work.id, title: work.title, artists: work.declarations.artists, note: try row.optionalString("note")))
    }
    return PrizeState(
      awarded: awarded, winners: winners, note: awarded ? last?.note : nil,
      forced: awarded && (last?.forced ?? false), awardedAt: awarded ? last?.time : nil,
      mentions: mentions.filter { m in !winners.contains { $0.id == m.id } }, prize: exhibition.prizeAmount,
      currency: exhibition.prizeCurrency)
  }
}
