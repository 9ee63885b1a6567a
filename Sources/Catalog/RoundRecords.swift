import Foundation
import SQLite

// The tables of judging in rounds (jury_round, jury_round_close, round_work, round_assignment,
// round_outcome) are read and written only here; the Jury module holds the rules.

/// What a round asks of its jurors.
package enum RoundKind: String, Codable, CaseIterable, Sendable {
  case yesNo = "yes-no"
  case rating
  case ranking
}

/// A round as the catalog stores it.
package struct RoundRecord: Equatable, Sendable {
  package var rowID: Int
  /// 1 for the first round of the exhibition.
  package var position: Int
  package var name: String
  package var kind: RoundKind
  /// `yes:K`, `top:N` or `score:X`, as the organiser gave it; nil: no rule.
  package var rule: String?
  package var openedAt: String
  /// Nil while the round is open.
  package var closedAt: String?
  package var isOpen: Bool { closedAt == nil }
}

/// Whether a work went on from a round, and on whose word.
package struct RoundOutcome: Equatable, Sendable {
  package var work: Int
  package var advanced: Bool
  /// `rule` or `organiser`.
  package var source: String
  package var reason: String?
  package var time: String
}

extension SalonArchive {
  /// Every round of the exhibition, first first.
  package func roundRecords(exhibition: Int) throws -> [RoundRecord] {
    try database.query(
      """
      SELECT r.*, c.time AS closed_at FROM jury_round r LEFT JOIN jury_round_close c ON c.round_id = r.id
      WHERE r.exhibition_id = ? ORDER BY r.position
      """, [exhibition]
    ).map {
      RoundRecord(
        rowID: try $0.int("id"), position: try $0.int("position"), name: try $0.string("name"),
        kind: try $0.value("kind", as: RoundKind.self), rule: try $0.optionalString("advance_rule"),
        openedAt: try $0.string("opened_at"), closedAt: try $0.optionalString("closed_at"))
    }
  }

  /// Opens a round holding `works` (submission rows) and returns its row. The database refuses a
  /// second open round.
  package func insertRound(exhibition: Int, name: String, kind: RoundKind, rule: String?, works: [Int]) throws -> Int {
    let position =
      try database.queryOne(
        "SELECT coalesce(max(position), 0) + 1 AS next FROM jury_round WHERE exhibition_id = ?", [exhibition])?.int(
        "next") ?? 1
    try database.run(
      "INSERT INTO jury_round (exhibition_id, position, name, kind, advance_rule, opened_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [exhibition, position, name, kind.rawValue, rule, Clock.now(), Actor.current])
    let round = database.lastInsertRowID
    for work in works {
      try database.run("INSERT INTO round_work (round_id, submission_id) VALUES (?, ?)", [round, work])
    }
    return round
  }

  /// The submission rows a round holds.
  package func roundWorks(round: Int) throws -> [Int] {
    try database.query("SELECT submission_id FROM round_work WHERE round_id = ? ORDER BY submission_id", [round])
      .map { try $0.int("submission_id") }
  }

  package func closeRound(_ round: Int) throws {
    try database.run(
      "INSERT INTO jury_round_close (round_id, time, actor) VALUES (?, ?, ?)", [round, Clock.now(), Actor.current])
  }

  /// Appends whether `work` advanced from `round`; the latest row counts.
  package func appendRoundOutcome(round: Int, work: Int, advanced: Bool, source: String, reason: String?) throws {
    try database.run(
      "INSERT INTO round_outcome (round_id, submission_id, outcome, source, reason, time, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [round, work, advanced ? "advance" : "drop", source, reason, Clock.now(), Actor.current])
  }

  /// Each work's latest outcome in the round, by submission row; a work without one has none yet.
  package func roundOutcomes(round: Int) throws -> [Int: RoundOutcome] {
    var result: [Int: RoundOutcome] = [:]
    try database.forEachRow(
      "SELECT * FROM round_outcome WHERE round_id = ? ORDER BY id", [round]
    ) { row in
      let work = try row.int("submission_id")
      result[work] = RoundOutcome(
        work: work, advanced: try row.string("outcome") == "advance", source: try row.string("source"),
        reason: try row.optionalString("reason"), time: try row.string("time"))
    }
    return result
  }

  // MARK: Assignments within a round

  package func roundAssignments(round: Int) throws -> [JurorWork] {
    try database.query("SELECT juror_id, submission_id FROM round_assignment WHERE round_id = ?", [round]).map {
      JurorWork(juror: try $0.int("juror_id"), work: try $0.int("submission_id"))
    }
  }

  /// Withdraws the round's assignments without a score in the round, then adds `added`.
  package func redrawUnscoredRoundAssignments(round: Int, adding added: [JurorWork]) throws {
    try database.run(
      """
      DELETE FROM round_assignment WHERE round_id = ?1
        AND NOT EXISTS (SELECT 1 FROM score_change c WHERE c.round_id = ?1 AND c.juror_id = round_assignment.juror_id
          AND c.submission_id = round_assignment.submission_id)
      """, [round])
    let now = Clock.now()
    for pair in added {
      try database.run(
        "INSERT OR IGNORE INTO round_assignment (round_id, juror_id, submission_id, created_at) VALUES (?, ?, ?, ?)",
        [round, pair.juror, pair.work, now])
    }
  }

  // MARK: Comments for the artists

  /// Each work's comments meant for its artist, by submission row, without who wrote them: the
  /// latest comment of each juror on the work in each round (or outside rounds), when that one
  /// was marked for the artist; a removed juror's are left out.
  package func artistComments(exhibition: Int) throws -> [Int: [String]] {
    var result: [Int: [String]] = [:]
    try database.forEachRow(
      """
      SELECT c.submission_id, c.comment FROM comment_change c JOIN juror j ON j.id = c.juror_id
      WHERE j.exhibition_id = ?1 AND c.for_artist = 1
        AND NOT EXISTS (SELECT 1 FROM juror_removal r WHERE r.juror_id = c.juror_id)
        AND c.id = (SELECT max(d.id) FROM comment_change d WHERE d.juror_id = c.juror_id
          AND d.submission_id = c.submission_id AND d.round_id IS c.round_id)
      ORDER BY c.submission_id, c.id
      """, [exhibition]
    ) { row in
      result[try row.int("submission_id"), default: []].append(try row.string("comment"))
    }
    return result
  }
}
