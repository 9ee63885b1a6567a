import Foundation
import SQLite

// The jury's tables (juror, conflict, assignment, criterion, score_change, comment_change) are
// read and written only here; the Jury module holds the rules and calls these.

/// A juror's row and a work's row together: the key of an assignment, a conflict or a score.
package struct JurorWork: Hashable, Sendable {
  package var juror: Int
  package var work: Int
  package init(juror: Int, work: Int) {
    self.juror = juror
    self.work = work
  }
}

/// A juror as the catalog stores it.
package struct JurorRecord: Equatable, Sendable {
  package var rowID: Int
  package var key: String
  package var name: String
  package var email: String?
  /// Set once the juror was removed from the jury: their history stays, their scores stop counting.
  package var removal: JurorRemoval?
}

/// When and why a juror left the jury.
package struct JurorRemoval: Equatable, Sendable {
  package var reason: String
  package var time: String
  package var actor: String
}

/// A conflict of interest the organiser declared.
package struct ConflictRecord: Equatable, Sendable {
  package var pair: JurorWork
  package var reason: String
}

/// One juror's latest values for one work, by criterion, and latest comment.
package struct LatestScore: Equatable, Sendable {
  package var pair: JurorWork
  package var values: [String: Int]
  package var comment: String?
  /// The earliest version of the work any of the latest values was given to (nil: not recorded,
  /// as for scores from before Salon kept it).
  package var version: Int?
  /// How many changes of scores and comment the pair has had: the revision a sheet is issued at.
  package var revision: Int = 0

  package init(pair: JurorWork, values: [String: Int], comment: String?, version: Int? = nil, revision: Int = 0) {
    self.pair = pair
    self.values = values
    self.comment = comment
    self.version = version
    self.revision = revision
  }
}

/// One row of the score history, oldest first.
package struct ScoreChange: Equatable, Sendable {
  package var pair: JurorWork
  package var criterion: String
  package var value: Int?
  package var previous: Int?
  package var source: String
  package var time: String
  package var actor: String
  /// The version of the work the score was given to.
  package var version: Int?
  /// The round the score was given in; nil without rounds.
  package var round: Int?

  package init(
    pair: JurorWork, criterion: String, value: Int?, previous: Int?, source: String, time: String, actor: String,
    version: Int? = nil, round: Int? = nil
  ) {
    self.version = version
    self.round = round
    self.pair = pair
    self.criterion = criterion
    self.value = value
    self.previous = previous
    self.source = source
    self.time = time
    self.actor = actor
  }
}

extension SalonArchive {
  /// Runs `body` in one catalog transaction: all of it is recorded, or none.
  package func transaction<T>(_ body: () throws -> T) throws -> T { try database.transaction(body) }

  // MARK: Jurors

  /// Every juror of the exhibition, removed ones included (with their removal).
  package func jurorRecords(exhibition: Int) throws -> [JurorRecord] {
    try database.query(
      """
      SELECT j.*, r.reason AS removal_reason, r.time AS removal_time, r.actor AS removal_actor
      FROM juror j LEFT JOIN juror_removal r ON r.juror_id = j.id WHERE j.exhibition_id = ? ORDER BY j.id
      """, [exhibition]
    ).map {
      var removal: JurorRemoval?
      if let reason = try $0.optionalString("removal_reason") {
        removal = JurorRemoval(
          reason: reason, time: try $0.string("removal_time"), actor: try $0.string("removal_actor"))
      }
      return JurorRecord(
        rowID: try $0.int("id"), key: try $0.string("key"), name: try $0.string("name"),
        email: try $0.optionalString("email"), removal: removal)
    }
  }

  /// Records that a juror left the jury and withdraws their assignments without scores; the
  /// scored ones and the whole history stay.
  package func removeJuror(_ juror: Int, reason: String) throws {
    try database.run(
      "INSERT INTO juror_removal (juror_id, reason, time, actor) VALUES (?, ?, ?, ?)",
      [juror, reason, Clock.now(), Actor.current])
    try database.run(
      """
      DELETE FROM assignment WHERE juror_id = ?
        AND NOT EXISTS (SELECT 1 FROM score_change c WHERE c.juror_id = assignment.juror_id AND c.submission_id = assignment.submission_id)
      """, [juror])
    try database.run(
      """
      DELETE FROM round_assignment WHERE juror_id = ?
        AND NOT EXISTS (SELECT 1 FROM score_change c WHERE c.round_id = round_assignment.round_id
          AND c.juror_id = round_assignment.juror_id AND c.submission_id = round_assignment.submission_id)
      """, [juror])
  }

  package func jurorKeyExists(exhibition: Int, key: String) throws -> Bool {
    try database.queryOne("SELECT 1 AS x FROM juror WHERE exhibition_id = ? AND key = ?", [exhibition, key]) != nil
  }

  /// Adds a juror and returns its row.
  package func insertJuror(exhibition: Int, key: String, name: String, email: String?) throws -> Int {
    try database.run(
      "INSERT INTO juror (exhibition_id, key, name, email, created_at) VALUES (?, ?, ?, ?, ?)",
      [exhibition, key, name, email, Clock.now()])
    return database.lastInsertRowID
  }

  // MARK: Conflicts

  /// Records (or restates) a declared conflict, and withdraws the assignment unless it has scores:
  /// one with scores stays visible but cannot be scored.
  package func declareConflict(_ pair: JurorWork, reason: String) throws {
    try database.run(
      "INSERT OR REPLACE INTO conflict (juror_id, submission_id, reason, created_at) VALUES (?, ?, ?, ?)",
      [pair.juror, pair.work, reason, Clock.now()])
    try database.run(
      """
      DELETE FROM assignment WHERE juror_id = ? AND submission_id = ?
        AND NOT EXISTS (SELECT 1 FROM score_change WHERE juror_id = ? AND submission_id = ?)
      """, [pair.juror, pair.work, pair.juror, pair.work])
    try database.run(
      """
      DELETE FROM round_assignment WHERE juror_id = ?1 AND submission_id = ?2
        AND NOT EXISTS (SELECT 1 FROM score_change c WHERE c.round_id = round_assignment.round_id
          AND c.juror_id = ?1 AND c.submission_id = ?2)
      """, [pair.juror, pair.work])
  }

  package func conflictRecords(exhibition: Int) throws -> [ConflictRecord] {
    try database.query(
      "SELECT c.* FROM conflict c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ?", [exhibition]
    ).map {
      ConflictRecord(
        pair: JurorWork(juror: try $0.int("juror_id"), work: try $0.int("submission_id")),
        reason: try $0.string("reason"))
    }
  }

  // MARK: Assignments

  /// The exhibition's assignments, or with `round` that round's.
  package func assignments(exhibition: Int, round: Int? = nil) throws -> [JurorWork] {
    if let round { return try roundAssignments(round: round) }
    return try database.query(
      "SELECT a.* FROM assignment a JOIN juror j ON j.id = a.juror_id WHERE j.exhibition_id = ?", [exhibition]
    ).map { JurorWork(juror: try $0.int("juror_id"), work: try $0.int("submission_id")) }
  }

  /// Juror and work pairs with at least one score.
  package func scoredPairs(exhibition: Int, round: Int? = nil) throws -> Set<JurorWork> {
    Set(
      try database.query(
        "SELECT DISTINCT c.juror_id, c.submission_id FROM score_change c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ? AND c.round_id IS ?",
        [exhibition, round]
      ).map { JurorWork(juror: try $0.int("juror_id"), work: try $0.int("submission_id")) })
  }

  /// Withdraws every assignment without scores, then adds `added` (pairs already there stay).
  package func redrawUnscoredAssignments(exhibition: Int, adding added: [JurorWork]) throws {
    try database.run(
      """
      DELETE FROM assignment WHERE juror_id IN (SELECT id FROM juror WHERE exhibition_id = ?)
        AND NOT EXISTS (SELECT 1 FROM score_change c WHERE c.juror_id = assignment.juror_id AND c.submission_id = assignment.submission_id)
      """, [exhibition])
    let now = Clock.now()
    for pair in added {
      try database.run(
        "INSERT OR IGNORE INTO assignment (juror_id, submission_id, created_at) VALUES (?, ?, ?)",
        [pair.juror, pair.work, now])
    }
  }

  // MARK: Rubric

  /// True once any score on the rubric exists in the exhibition (votes and ranks of rounds do
  /// not use the rubric).
  package func scoringHasBegun(exhibition: Int) throws -> Bool {
    try database.queryOne(
      """
      SELECT 1 AS x FROM score_change c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ?
        AND (c.round_id IS NULL OR c.round_id IN (SELECT id FROM jury_round WHERE kind = 'rating')) LIMIT 1
      """, [exhibition]) != nil
  }

  package func replaceCriteria(exhibition: Int, with criteria: [Criterion]) throws {
    try database.run("DELETE FROM criterion WHERE exhibition_id = ?", [exhibition])
    for (position, c) in criteria.enumerated() {
      try database.run(
        "INSERT INTO criterion (exhibition_id, key, label, weight, scale_min, scale_max, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [exhibition, c.key, c.label, c.weight, c.scaleMin, c.scaleMax, position])
    }
  }

  // MARK: Scores

  /// Appends one change of one criterion's score to the history.
  package func appendScoreChange(_ change: ScoreChange) throws {
    try database.run(
      "INSERT INTO score_change (juror_id, submission_id, criterion, value, previous, source, time, actor, version, round_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        change.pair.juror, change.pair.work, change.criterion, change.value, change.previous, change.source,
        change.time, change.actor, change.version, change.round,
      ])
  }

  /// Appends a change of a juror's comment on a work.
  package func appendCommentChange(
    _ pair: JurorWork, comment: String, previous: String?, source: String, time: String, round: Int? = nil,
    forArtist: Bool = false
  ) throws {
    try database.run(
      "INSERT INTO comment_change (juror_id, submission_id, comment, previous, source, time, round_id, for_artist) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [pair.juror, pair.work, comment, previous, source, time, round, forArtist])
  }

  /// A juror's latest values and comment for one work, or nil when there are none.
  package func latestScore(_ pair: JurorWork, round: Int? = nil) throws -> LatestScore? {
    var values: [String: Int] = [:]
    var versions: [Int?] = []
    for row in try database.query(
      """
      SELECT criterion, value, version FROM score_change WHERE id IN (
        SELECT max(id) FROM score_change WHERE juror_id = ? AND submission_id = ? AND round_id IS ? GROUP BY criterion)
      """, [pair.juror, pair.work, round])
    {
      if let value = try row.optionalInt("value") { values[try row.string("criterion")] = value }
      versions.append(try row.optionalInt("version"))
    }
    let comment = try database.queryOne(
      "SELECT comment FROM comment_change WHERE juror_id = ? AND submission_id = ? AND round_id IS ? ORDER BY id DESC LIMIT 1",
      [pair.juror, pair.work, round])?.string("comment")
    if values.isEmpty && comment == nil { return nil }
    let revision =
      try database.queryOne(
        """
        SELECT (SELECT count(*) FROM score_change WHERE juror_id = ?1 AND submission_id = ?2 AND round_id IS ?3)
          + (SELECT count(*) FROM comment_change WHERE juror_id = ?1 AND submission_id = ?2 AND round_id IS ?3) AS n
        """, [pair.juror, pair.work, round])?.int("n") ?? 0
    return LatestScore(
      pair: pair, values: values, comment: comment, version: Self.earliest(versions), revision: revision)
  }

  /// Every juror's latest values and comments in the exhibition, by work then juror.
  /// One pass over each history in the order of its index (work, juror, criterion, then time):
  /// a pair's rows arrive together, so its latest values, the version they were given to and how
  /// many changes it had are settled as the pass moves on, with nothing held per pair but the
  /// result (grouping by SQL instead sorted the whole history twice).
  /// With `round`, that round's scores; without, those given outside any round.
  package func latestScores(exhibition: Int, round: Int? = nil) throws -> [LatestScore] {
    var comments: [JurorWork: (comment: String, changes: Int)] = [:]
    try database.forEachRow(
      """
      SELECT c.juror_id, c.submission_id, c.comment FROM comment_change c JOIN juror j ON j.id = c.juror_id
      WHERE j.exhibition_id = ? AND c.round_id IS ? ORDER BY c.id
      """, [exhibition, round]
    ) { row in
      let pair = JurorWork(juror: try row.int("juror_id"), work: try row.int("submission_id"))
      comments[pair] = (try row.string("comment"), (comments[pair]?.changes ?? 0) + 1)
    }
    var scores: [LatestScore] = []
    var pair: JurorWork?
    var values: [String: Int] = [:]
    var versions = VersionTally()
    var changes = 0
    var latest: (criterion: String, value: Int?, version: Int?)?
    func settleCriterion() {
      guard let last = latest else { return }
      if let value = last.value { values[last.criterion] = value }
      versions.add(last.version)
      latest = nil
    }
    func settlePair() {
      settleCriterion()
      guard let settled = pair else { return }
      let comment = comments.removeValue(forKey: settled)
      scores.append(
        LatestScore(
          pair: settled, values: values, comment: comment?.comment, version: versions.earliest,
          revision: changes + (comment?.changes ?? 0)))
      values = [:]
      versions = VersionTally()
      changes = 0
    }
    try database.forEachRow(
      """
      SELECT c.juror_id, c.submission_id, c.criterion, c.value, c.version FROM score_change c
      JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ? AND c.round_id IS ?
      ORDER BY c.submission_id, c.juror_id, c.criterion, c.id
      """, [exhibition, round]
    ) { row in
      let next = JurorWork(juror: try row.int("juror_id"), work: try row.int("submission_id"))
      if next != pair {
        settlePair()
        pair = next
      }
      let criterion = try row.string("criterion")
      if latest?.criterion != criterion { settleCriterion() }
      latest = (criterion, try row.optionalInt("value"), try row.optionalInt("version"))
      changes += 1
    }
    settlePair()
    // Pairs with a comment and no score.
    if !comments.isEmpty {
      for (pair, comment) in comments {
        scores.append(LatestScore(pair: pair, values: [:], comment: comment.comment, revision: comment.changes))
      }
      scores.sort { ($0.pair.work, $0.pair.juror) < ($1.pair.work, $1.pair.juror) }
    }
    return scores
  }

  /// The whole score history of the exhibition, oldest first.
  package func scoreHistory(exhibition: Int) throws -> [ScoreChange] {
    try database.query(
      """
      SELECT c.* FROM score_change c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ? ORDER BY c.id
      """, [exhibition]
    ).map {
      ScoreChange(
        pair: JurorWork(juror: try $0.int("juror_id"), work: try $0.int("submission_id")),
        criterion: try $0.string("criterion"), value: try $0.optionalInt("value"),
        previous: try $0.optionalInt("previous"), source: try $0.string("source"), time: try $0.string("time"),
        actor: try $0.string("actor"), version: try $0.optionalInt("version"))
    }
  }

  /// The earliest of the versions added, or nil when any is unrecorded (nothing can be said then).
  struct VersionTally {
    private var least: Int?
    private var unknown = false
    mutating func add(_ version: Int?) {
      guard let version else {
        unknown = true
        return
      }
      least = min(least ?? version, version)
    }
    var earliest: Int? { unknown ? nil : least }
  }

  /// The earliest recorded version, or nil when any is unrecorded (nothing can be said then).
  static func earliest(_ versions: [Int?]) -> Int? {
    let known = versions.compactMap { $0 }
    return known.count == versions.count ? known.min() : nil
  }

  /// Each submission's latest version number, by submission row.
  package func latestVersionNumbers(exhibition: Int) throws -> [Int: Int] {
    var result: [Int: Int] = [:]
    try database.forEachRow(
      """
      SELECT v.submission_id, max(v.number) AS number FROM version v JOIN submission s ON s.id = v.submission_id
      WHERE s.exhibition_id = ? GROUP BY v.submission_id
      """, [exhibition]
    ) { row in
      result[try row.int("submission_id")] = try row.int("number")
    }
    return result
  }
}
