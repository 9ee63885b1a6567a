import Catalog
import Foundation

/// Where a score came from.
public enum ScoreSource: String, Codable, Sendable {
  case commandLine = "command-line", csvSheet = "csv-sheet", htmlSheet = "html-sheet"
}

/// One juror's scores for one work, as entered.
public struct ScoreEntry: Equatable, Sendable {
  public var juror: String
  public var submission: String
  /// By criterion key; a criterion left out is not scored yet.
  public var values: [String: Int]
  public var comment: String?
  public init(juror: String, submission: String, values: [String: Int], comment: String? = nil) {
    self.juror = juror
    self.submission = submission
    self.values = values
    self.comment = comment
  }
}

/// The latest score of one juror for one work, by criterion.
public struct CurrentScore: Equatable, Sendable {
  public var jurorRow: Int
  public var workRow: Int
  public var values: [String: Int]
  public var comment: String?
}

extension Jury {
  /// True when the prize has been awarded and not reopened since.
  public func scoringLocked() throws -> Bool {
    let last = try database.queryOne(
      "SELECT kind FROM prize_round WHERE exhibition_id = ? ORDER BY id DESC LIMIT 1", [exhibition.id])
    return last?.string("kind") == "award"
  }

  /// Checks entries against assignments, conflicts and the rubric, and applies them all in one
  /// transaction, or none of them; refusals list every problem, each with its place. Returns
  /// how many values changed.
  @discardableResult
  public func apply(
    _ entries: [(place: String, entry: ScoreEntry)], source: ScoreSource, validateOnly: Bool = false
  ) throws -> Int {
    try database.transaction {
      if try scoringLocked() { throw JuryError.scoringLocked }
      let criteria = try rubric()
      let works = try archive.works(exhibition: exhibition)
      let workByID = Dictionary(works.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
      let assigned = Set(try assignmentPairs().map { "\($0.juror):\($0.work)" })
      let conflicted = Set(try conflicts(works: works).map { $0.juror + "\u{0}" + $0.submission })
      var problems: [String] = []
      var checked: [(Juror, Work, ScoreEntry)] = []
      var jurorCache: [String: Juror] = [:]
      for (place, entry) in entries {
        let juror: Juror
        if let cached = jurorCache[entry.juror] {
          juror = cached
        } else {
          do { juror = try self.juror(entry.juror) } catch {
            problems.append("\(place): there is no juror \"\(entry.juror)\".")
            continue
          }
          jurorCache[entry.juror] = juror
        }
        guard let work = workByID[entry.submission] else {
          problems.append("\(place): there is no work \"\(entry.submission)\" in this exhibition.")
          continue
        }
        if conflicted.contains(juror.id + "\u{0}" + work.id) {
          problems.append("\(place): \(juror.name) has a conflict of interest with work \(work.id).")
          continue
        }
        guard assigned.contains("\(juror.rowID):\(work.rowID)") else {
          problems.append("\(place): work \(work.id) is not assigned to \(juror.name).")
          continue
        }
        let unknown = entry.values.keys.filter { key in !criteria.contains { $0.key == key } }.sorted()
        if !unknown.isEmpty {
          problems.append("\(place): \(unknown.joined(separator: ", ")) is not a criterion of the rubric.")
          continue
        }
        let missing = criteria.filter { entry.values[$0.key] == nil }.map(\.key)
        if !missing.isEmpty && missing.count < criteria.count {
          problems.append(
            "\(place): the score for \(missing.joined(separator: ", ")) is missing; score every criterion or none.")
          continue
        }
        var rowOK = true
        for criterion in criteria {
          if let value = entry.values[criterion.key], !(criterion.scaleMin...criterion.scaleMax).contains(value) {
            problems.append(
              "\(place): \(criterion.key) is \(value), outside the scale \(criterion.scaleMin) to \(criterion.scaleMax)."
            )
            rowOK = false
          }
        }
        if rowOK { checked.append((juror, work, entry)) }
      }
      if !problems.isEmpty { throw JuryError.sheetRefused(problems) }
      if validateOnly { return 0 }
      var changes = 0
      let now = Clock.now()
      for (juror, work, entry) in checked {
        let current = try currentScore(jurorRow: juror.rowID, workRow: work.rowID)
        var changed: [String: Any] = [:]
        for criterion in criteria {
          guard let value = entry.values[criterion.key] else { continue }
          let previous = current?.values[criterion.key]
          if previous == value { continue }
          try database.run(
            "INSERT INTO score_change (juror_id, submission_id, criterion, value, previous, source, time, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [juror.rowID, work.rowID, criterion.key, value, previous, source.rawValue, now, Actor.current])
          changed[criterion.key] = value
          changes += 1
        }
        if let comment = entry.comment?.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty,
          comment != current?.comment
        {
          try database.run(
            "INSERT INTO comment_change (juror_id, submission_id, comment, previous, source, time) VALUES (?, ?, ?, ?, ?, ?)",
            [juror.rowID, work.rowID, comment, current?.comment, source.rawValue, now])
          changed["comment"] = true
          changes += 1
        }
        if !changed.isEmpty {
          changed["juror"] = juror.id
          changed["source"] = source.rawValue
          try archive.record("score", exhibition: exhibition.id, submission: work.rowID, detail: changed)
        }
      }
      return changes
    }
  }

  func currentScore(jurorRow: Int, workRow: Int) throws -> CurrentScore? {
    var values: [String: Int] = [:]
    for row in try database.query(
      """
      SELECT criterion, value FROM score_change WHERE id IN (
        SELECT max(id) FROM score_change WHERE juror_id = ? AND submission_id = ? GROUP BY criterion)
      """, [jurorRow, workRow])
    {
      if let key = row.string("criterion"), let value = row.int("value") { values[key] = value }
    }
    let comment = try database.queryOne(
      "SELECT comment FROM comment_change WHERE juror_id = ? AND submission_id = ? ORDER BY id DESC LIMIT 1",
      [jurorRow, workRow])?.string("comment")
    if values.isEmpty && comment == nil { return nil }
    return CurrentScore(jurorRow: jurorRow, workRow: workRow, values: values, comment: comment)
  }

  /// Every juror's latest scores in the exhibition.
  public func currentScores() throws -> [CurrentScore] {
    var byPair: [String: CurrentScore] = [:]
    for row in try database.query(
      """
      SELECT c.juror_id, c.submission_id, c.criterion, c.value FROM score_change c
      WHERE c.id IN (SELECT max(s.id) FROM score_change s JOIN juror j ON j.id = s.juror_id
        WHERE j.exhibition_id = ? GROUP BY s.juror_id, s.submission_id, s.criterion)
      """, [exhibition.id])
    {
      let juror = row.int("juror_id") ?? 0
      let work = row.int("submission_id") ?? 0
      let key = "\(juror):\(work)"
      var score = byPair[key] ?? CurrentScore(jurorRow: juror, workRow: work, values: [:], comment: nil)
      if let criterion = row.string("criterion"), let value = row.int("value") { score.values[criterion] = value }
      byPair[key] = score
    }
    for row in try database.query(
      """
      SELECT c.juror_id, c.submission_id, c.comment FROM comment_change c
      WHERE c.id IN (SELECT max(s.id) FROM comment_change s JOIN juror j ON j.id = s.juror_id
        WHERE j.exhibition_id = ? GROUP BY s.juror_id, s.submission_id)
      """, [exhibition.id])
    {
      let juror = row.int("juror_id") ?? 0
      let work = row.int("submission_id") ?? 0
      let key = "\(juror):\(work)"
      var score = byPair[key] ?? CurrentScore(jurorRow: juror, workRow: work, values: [:], comment: nil)
      score.comment = row.string("comment")
      byPair[key] = score
    }
    return byPair.values.sorted { ($0.workRow, $0.jurorRow) < ($1.workRow, $1.jurorRow) }
  }
}
