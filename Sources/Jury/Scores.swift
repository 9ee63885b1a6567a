import Catalog
import Foundation

/// Where a score came from.
package enum ScoreSource: String, Codable, Sendable {
  case commandLine = "command-line", csvSheet = "csv-sheet", htmlSheet = "html-sheet"
}

/// One juror's scores for one work, as entered.
package struct ScoreEntry: Equatable, Sendable {
  package var juror: String
  package var submission: String
  /// By criterion key; a criterion left out is not scored yet.
  package var values: [String: Int]
  package var comment: String?
  /// The comment is meant for the artist too (`prize letters` passes it on, without the juror's name).
  package var forArtist = false
  package init(
    juror: String, submission: String, values: [String: Int], comment: String? = nil, forArtist: Bool = false
  ) {
    self.juror = juror
    self.submission = submission
    self.values = values
    self.comment = comment
    self.forArtist = forArtist
  }
}

extension Jury {
  /// True when the prize has been awarded and not reopened since.
  package func scoringLocked() throws -> Bool { try archive.prizeAwarded(exhibition: exhibition.id) }

  /// Checks entries against assignments, conflicts and the rubric, and applies them all in one
  /// transaction, or none of them; refusals list every problem, each with its place. Returns
  /// how many values changed.
  @discardableResult
  package func apply(
    _ entries: [(place: String, entry: ScoreEntry)], source: ScoreSource, validateOnly: Bool = false
  ) throws -> Int {
    try apply(entries.map { ($0.place, $0.entry) }, source: source, validateOnly: validateOnly) {
      JuryError.sheetRefused($0)
    }.changes
  }

  /// What applying a sheet did: values changed, and works whose newer scores it replaced.
  struct Applied {
    var changes: Int
    var overwritten: [String]
  }

  /// A sheet's entries, checked against the revision each work's scores had when the sheet was
  /// issued: a sheet that would put older values over newer ones is refused whole, unless
  /// `overwriteNewer`.
  func apply(
    sheet name: String, _ entries: [(place: String, entry: ScoreEntry)], source: ScoreSource,
    issued: SheetRevisions, overwriteNewer: Bool
  ) throws -> Applied {
    try apply(
      entries.map { ($0.place, $0.entry) }, source: source, validateOnly: false, sheet: (name, issued, overwriteNewer)
    ) { JuryError.sheetRefused($0) }
  }

  /// One juror's scores for one work, typed at the command line: refused with every problem in
  /// one sentence. Returns how many values changed.
  @discardableResult
  package func score(_ entry: ScoreEntry) throws -> Int {
    try apply([(nil, entry)], source: .commandLine, validateOnly: false) {
      JuryError.invalidScore($0.joined(separator: " "))
    }.changes
  }

  /// Entries without a place are reported without one.
  private func apply(
    _ entries: [(place: String?, entry: ScoreEntry)], source: ScoreSource, validateOnly: Bool,
    sheet: (name: String, issued: SheetRevisions, overwriteNewer: Bool)? = nil,
    refusal: ([String]) -> JuryError
  ) throws -> Applied {
    try archive.transaction {
      if try scoringLocked() { throw JuryError.scoringLocked }
      // Judged in rounds, a juror scores only the open round's works, in its kind.
      let round = try scoringRound()
      let criteria = try round?.criteria ?? rubric()
      let works = try archive.works(exhibition: exhibition)
      // Positions, not copies: a Work holds its declarations inline, and a sheet of 100,000 rows
      // checked against 100,000 works kept two more copies of each (70 MB) while it was applied.
      let workByID = Dictionary(works.indices.map { (works[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
      let assignedList = try assignmentPairs(in: round?.record)
      let assigned = Set(assignedList)
      // A ranking places each juror's works from 1 to how many they were given.
      let listLength = Dictionary(grouping: assignedList, by: \.juror).mapValues(\.count)
      let conflicted = Set(try conflicts(works: works).map { JurorAndWork(juror: $0.juror, work: $0.submission) })
      var problems: [String] = []
      var checked: [(Juror, WorkKey, ScoreEntry)] = []
      var jurorCache: [String: Juror] = [:]
      for (place, entry) in entries {
        func at(_ problem: String) -> String { place.map { "\($0): \(problem)" } ?? problem }
        let juror: Juror
        if let cached = jurorCache[entry.juror] {
          juror = cached
        } else {
          do { juror = try self.juror(entry.juror) } catch {
            problems.append(at("there is no juror \"\(entry.juror)\"."))
            continue
          }
          jurorCache[entry.juror] = juror
        }
        guard let index = workByID[entry.submission] else {
          problems.append(at("there is no work \"\(entry.submission)\" in this exhibition."))
          continue
        }
        let work = works[index]
        if let round, !round.works.contains(work.rowID) {
          problems.append(
            at("work \(work.id) is not in the open round \"\(round.record.name)\" (\(round.record.kind.rawValue)).")
          )
          continue
        }
        if conflicted.contains(JurorAndWork(juror: juror.id, work: work.id)) {
          problems.append(at("\(juror.name) has a conflict of interest with work \(work.id)."))
          continue
        }
        guard assigned.contains(JurorWork(juror: juror.rowID, work: work.rowID)) else {
          problems.append(at("work \(work.id) is not assigned to \(juror.name)."))
          continue
        }
        let unknown = entry.values.keys.filter { key in !criteria.contains { $0.key == key } }.sorted()
        if !unknown.isEmpty {
          if let round, round.record.kind != .rating {
            let wanted = round.record.kind == .yesNo ? "a yes or no vote" : "a rank"
            problems.append(
              at(
                "round \"\(round.record.name)\" is a \(round.record.kind.rawValue) round: it takes \(wanted), not \(unknown.joined(separator: ", "))."
              )
            )
          } else {
            problems.append(at("\(unknown.joined(separator: ", ")) is not a criterion of the rubric."))
          }
          continue
        }
        let missing = criteria.filter { entry.values[$0.key] == nil }.map(\.key)
        if !missing.isEmpty && missing.count < criteria.count {
          problems.append(
            at("the score for \(missing.joined(separator: ", ")) is missing; score every criterion or none."))
          continue
        }
        var rowOK = true
        for var criterion in criteria {
          if round?.record.kind == .ranking { criterion.scaleMax = listLength[juror.rowID] ?? 1 }
          if let value = entry.values[criterion.key], !(criterion.scaleMin...criterion.scaleMax).contains(value) {
            problems.append(
              at(
                round?.record.kind == .ranking
                  ? "the rank is \(value); \(juror.name) ranks \(criterion.scaleMax) works, 1 being the best."
                  : round?.record.kind == .yesNo
                    ? "the vote is yes or no."
                    : "\(criterion.key) is \(value), outside the scale \(criterion.scaleMin) to \(criterion.scaleMax).")
            )
            rowOK = false
          }
        }
        if rowOK { checked.append((juror, WorkKey(rowID: work.rowID, id: work.id), entry)) }
      }
      if !problems.isEmpty { throw refusal(problems) }
      if validateOnly { return Applied(changes: 0, overwritten: []) }
      let versions = try archive.latestVersionNumbers(exhibition: exhibition.id)
      var currents: [LatestScore?] = []
      var stale: [String] = []
      for (juror, work, entry) in checked {
        let current = try archive.latestScore(
          JurorWork(juror: juror.rowID, work: work.rowID), round: round?.record.rowID)
        currents.append(current)
        // Only a sheet that would change something can put an older value back.
        if let sheet, let current, current.revision > sheet.issued.revision(of: work.id),
          Self.wouldChange(entry, current)
        {
          stale.append(work.id)
        }
      }
      if let sheet, !stale.isEmpty, !sheet.overwriteNewer {
        throw JuryError.staleSheet(name: sheet.name, works: stale)
      }
      var changes = 0
      let now = Clock.now()
      for ((juror, work, entry), current) in zip(checked, currents) {
        let pair = JurorWork(juror: juror.rowID, work: work.rowID)
        let latest = versions[work.rowID]
        // Scores given to an earlier version are given again, even unchanged, for this one.
        let rescoring = current?.version.flatMap { given in latest.map { given < $0 } } ?? false
        var changed: [String: Any] = [:]
        for criterion in criteria {
          guard let value = entry.values[criterion.key] else { continue }
          let previous = current?.values[criterion.key]
          if previous == value && !rescoring { continue }
          try archive.appendScoreChange(
            ScoreChange(
              pair: pair, criterion: criterion.key, value: value, previous: previous, source: source.rawValue,
              time: now, actor: Actor.current, version: latest, round: round?.record.rowID))
          changed[criterion.key] = value
          changes += 1
        }
        // Marking a comment for the artist records it again, with the mark.
        if let comment = entry.comment?.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty,
          comment != current?.comment || entry.forArtist
        {
          try archive.appendCommentChange(
            pair, comment: comment, previous: current?.comment, source: source.rawValue, time: now,
            round: round?.record.rowID, forArtist: entry.forArtist)
          changed["comment"] = true
          if entry.forArtist { changed["forArtist"] = true }
          changes += 1
        }
        if !changed.isEmpty {
          changed["juror"] = juror.id
          changed["source"] = source.rawValue
          if let latest { changed["version"] = latest }
          if stale.contains(work.id) { changed["overwroteNewer"] = true }
          if let round { changed["round"] = round.record.name }
          try archive.record("score", exhibition: exhibition.id, submission: work.rowID, detail: changed)
        }
      }
      return Applied(changes: changes, overwritten: stale)
    }
  }

  /// What applying a checked entry needs of its work.
  struct WorkKey {
    var rowID: Int
    var id: String
  }

  static func wouldChange(_ entry: ScoreEntry, _ current: LatestScore) -> Bool {
    if entry.values.contains(where: { current.values[$0.key] != $0.value }) { return true }
    if let comment = entry.comment?.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty,
      comment != current.comment
    {
      return true
    }
    return false
  }

  /// Every juror's latest scores in the exhibition.
  /// (Those of the working round when the exhibition is judged in rounds.)
  package func currentScores() throws -> [LatestScore] { try currentScores(in: workingRound()?.record) }

  /// Every juror's latest scores in `round`, or outside any round.
  package func currentScores(in round: RoundRecord?) throws -> [LatestScore] {
    try archive.latestScores(exhibition: exhibition.id, round: round?.rowID)
  }
}
