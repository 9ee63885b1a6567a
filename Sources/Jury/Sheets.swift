import Basics
import Catalog
import Foundation
import Hashing

/// Scoring sheets for jurors who install nothing: a CSV for any spreadsheet and a self-contained
/// offline HTML page. Each carries its juror and an authentication code (HMAC-SHA256 with the
/// archive's secret), so a sheet edited to speak for another juror is refused on import.
extension Jury {
  static let sheetFormat = "salon-sheet"

  /// The code that proves a sheet was issued for this juror by this archive (and, judged in
  /// rounds, for the working round and its kind).
  package func sheetCode(for juror: Juror) throws -> String { try sheetCode(for: juror, round: workingRound()) }

  /// Judged in rounds, the code binds the round and its kind: a sheet of one round never imports
  /// into another. Without rounds the message is what it always was, so older sheets still import.
  func sheetCode(for juror: Juror, round: RoundScope?) throws -> String {
    guard let secret = try archive.setting("secret") else {
      throw JuryError.sheetUnreadable("The archive has no secret.")
    }
    let binding = round.map { "\nround \($0.record.rowID) \($0.record.kind.rawValue)" } ?? ""
    let message = "\(Self.sheetFormat)-v1\n\(exhibition.slug)\n\(juror.id)\(binding)"
    return try hmacSHA256(key: Array(secret.utf8), message: Array(message.utf8))
  }

  /// A work's score revision as a sheet carries it, "3-9f1c…": the number of changes its scores
  /// had when the sheet was issued, signed so that it cannot be raised to slip past newer scores.
  func revisionToken(juror: Juror, work: String, revision: Int) throws -> String {
    guard let secret = try archive.setting("secret") else {
      throw JuryError.sheetUnreadable("The archive has no secret.")
    }
    let message = "\(Self.sheetFormat)-revision\n\(exhibition.slug)\n\(juror.id)\n\(work)\n\(revision)"
    return "\(revision)-" + String(try hmacSHA256(key: Array(secret.utf8), message: Array(message.utf8)).prefix(16))
  }

  /// The revision a token names, or nil when it was edited.
  func issuedRevision(_ token: String, juror: Juror, work: String) throws -> Int? {
    guard let dash = token.firstIndex(of: "-"), let n = Int(token[..<dash]), (0...1_000_000_000).contains(n) else {
      return nil
    }
    return constantTimeEqual(token, try revisionToken(juror: juror, work: work, revision: n)) ? n : nil
  }

  /// The works assigned to a juror that they may score, in id order. A conflict declared (or
  /// found) after the assignment takes the work out even when the juror had scored it, so their
  /// sheets and room no longer show it.
  package func assignedWorks(_ juror: Juror) throws -> [Work] {
    let rows = Set(try assignmentPairs().filter { $0.juror == juror.rowID }.map(\.work))
    let assigned = try archive.works(exhibition: exhibition).filter { rows.contains($0.rowID) }
    let conflicted = Set(try conflicts(works: assigned).filter { $0.juror == juror.id }.map(\.submission))
    return assigned.filter { !conflicted.contains($0.id) }
      .sorted { $0.id.localizedStandardCompare($1.id) == .orderedAscending }
  }

  // MARK: CSV

  package func csvSheet(for juror: Juror) throws -> String {
    let round = try workingRound()
    let criteria = try sheetCriteria(for: juror, round: round)
    let code = try sheetCode(for: juror, round: round)
    let scores = Dictionary(
      try currentScores().filter { $0.pair.juror == juror.rowID }.map { ($0.pair.work, $0) },
      uniquingKeysWith: { a, _ in a })
    // The exhibition and each row's revision come last, after what the juror fills in.
    var lines = [
      (["juror", "code", "submission", "title", "medium"]
        + criteria.map {
          $0.key == "vote" && round != nil ? "vote (yes/no)" : "\($0.key) (\($0.scaleMin)-\($0.scaleMax))"
        }
        // Judged in rounds, the sheet gains its round, its kind and the mark for the artist (a
        // sheet without rounds keeps the columns it always had).
        + ["comment"] + (round == nil ? [] : ["for-artist (yes: the artist reads the comment without your name)"])
        + ["exhibition", "revision"] + (round == nil ? [] : ["round", "kind"])).map(CSVWriter.field)
        .joined(separator: ",")
    ]
    for work in try assignedWorks(juror) {
      let current = scores[work.rowID]
      let cells =
        [juror.id, code, work.id, work.title, work.declarations.medium ?? ""]
        + criteria.map { c in
          current?.values[c.key].map { round?.record.kind == .yesNo ? ($0 == 1 ? "yes" : "no") : String($0) } ?? ""
        } + [
          current?.comment ?? ""
        ] + (round == nil ? [] : [""]) + [
          exhibition.slug, try revisionToken(juror: juror, work: work.id, revision: current?.revision ?? 0),
        ] + (round.map { [$0.record.name, $0.record.kind.rawValue] } ?? [])
      lines.append(CSVWriter.line(cells))
    }
    return CSVWriter.document(lines)
  }

  // MARK: Import

  public struct ImportResult: Equatable, Sendable {
    package var juror: String
    package var rows: Int
    package var scored: Int
    package var changes: Int
    /// Works whose newer scores the sheet replaced (only with `overwriteNewer`).
    package var overwritten: [String] = []
  }

  /// Imports a filled sheet (CSV or the saved HTML page), whole or not at all. A sheet issued
  /// before a work's scores last changed is refused unless `overwriteNewer` (recorded).
  public func importSheet(_ data: Data, name: String, overwriteNewer: Bool = false) throws -> ImportResult {
    let text = String(decoding: data, as: UTF8.self)
    if text.range(of: "id=\"salon-sheet-data\"") != nil {
      return try importHTMLSheet(text, name: name, overwriteNewer: overwriteNewer)
    }
    return try importCSVSheet(data, name: name, overwriteNewer: overwriteNewer)
  }

  func importCSVSheet(_ data: Data, name: String, overwriteNewer: Bool) throws -> ImportResult {
    var records: [CSVReader.Record]
    do { records = try CSVReader.records(from: data) } catch let error as CSVReader.Malformed {
      throw JuryError.sheetRefused(["\(name) line \(error.line): \(error.reason)."])
    }
    guard let header = records.first else {
      throw JuryError.sheetUnreadable("\(name) is empty; it is not a scoring sheet.")
    }
    let columns = header.fields.map { field -> String in
      let key = field.trimmingCharacters(in: .whitespaces)
      return key.split(separator: " ").first.map(String.init)?.lowercased() ?? ""
    }
    func index(_ column: String) -> Int? { columns.firstIndex(of: column) }
    guard let jurorColumn = index("juror"), let codeColumn = index("code"), let workColumn = index("submission") else {
      throw JuryError.sheetUnreadable(
        "\(name) is not a Salon scoring sheet: it needs the columns juror, code and submission (make one with `salon jury sheet`)."
      )
    }
    let criteria = try sheetCriteria(for: nil, round: try workingRound())
    var problems: [String] = []
    let criterionColumns = criteria.map { c -> (Criterion, Int?) in (c, index(c.key)) }
    for (c, column) in criterionColumns where column == nil {
      problems.append("\(name) line 1: the column for \(c.key) is missing.")
    }
    let commentColumn = index("comment")
    let forArtistColumn = index("for-artist")
    let exhibitionColumn = index("exhibition")
    let revisionColumn = index("revision")
    let roundColumn = index("round")
    var sheetRounds = Set<String>()
    var entries: [(place: String, entry: ScoreEntry)] = []
    var jurorIDs = Set<String>()
    var codes = Set<String>()
    var exhibitions = Set<String>()
    var revisions: [String: (place: String, token: String)] = [:]
    for record in records.dropFirst() {
      func cell(_ i: Int?) -> String {
        guard let i, i < record.fields.count else { return "" }
        // The sheet's apostrophes before a leading =, +, - or @ come off again, so an unedited
        // sheet reads back exactly as it was written.
        return CSVWriter.plainField(record.fields[i].trimmingCharacters(in: .whitespacesAndNewlines))
      }
      let place = "\(name) line \(record.line)"
      jurorIDs.insert(cell(jurorColumn))
      codes.insert(cell(codeColumn))
      if !cell(exhibitionColumn).isEmpty { exhibitions.insert(cell(exhibitionColumn)) }
      if !cell(revisionColumn).isEmpty { revisions[cell(workColumn)] = (place, cell(revisionColumn)) }
      sheetRounds.insert(cell(roundColumn))
      var values: [String: Int] = [:]
      var rowOK = true
      for (c, column) in criterionColumns {
        let text = cell(column)
        if text.isEmpty { continue }
        guard let value = Self.vote(text, criterion: c.key) ?? Int(text) else {
          problems.append("\(place): \(c.key) is \"\(text)\", not a whole number.")
          rowOK = false
          continue
        }
        values[c.key] = value
      }
      let comment = cell(commentColumn)
      // A row with nothing filled in is a work not scored yet.
      if values.isEmpty && comment.isEmpty && rowOK { continue }
      if rowOK {
        entries.append(
          (
            place,
            ScoreEntry(
              juror: cell(jurorColumn), submission: cell(workColumn), values: values, comment: comment,
              forArtist: Self.vote(cell(forArtistColumn), criterion: "vote") == 1)
          ))
      }
    }
    // The parsed rows (some 50 MB for 100,000) are let go before the entries are checked and applied.
    let rows = records.count - 1
    records = []
    if exhibitions.count > 1 {
      throw JuryError.sheetRefused(["\(name) names more than one exhibition; a sheet belongs to one exhibition."])
    }
    return try finishImport(
      name: name, jurorIDs: jurorIDs, codes: codes, entries: entries, problems: problems, rows: rows,
      source: .csvSheet, exhibitionSlug: exhibitions.first, revisions: revisions, overwriteNewer: overwriteNewer,
      round: sheetRounds.count == 1 ? sheetRounds.first!.nonEmpty : nil)
  }

  func importHTMLSheet(_ text: String, name: String, overwriteNewer: Bool) throws -> ImportResult {
    guard let start = text.range(of: "id=\"salon-sheet-data\">"),
      let end = text.range(of: "</script>", range: start.upperBound..<text.endIndex)
    else {
      throw JuryError.sheetUnreadable("\(name) is an HTML page without Salon's sheet data; it is not a scoring sheet.")
    }
    let json = String(text[start.upperBound..<end.lowerBound])
    let sheet: HTMLSheetData
    do { sheet = try JSONDecoder().decode(HTMLSheetData.self, from: Data(json.utf8)) } catch {
      throw JuryError.sheetUnreadable("\(name) holds damaged sheet data; ask the juror to save it again from the page.")
    }
    guard sheet.format == Self.sheetFormat else {
      throw JuryError.sheetUnreadable("\(name) is not a Salon scoring sheet.")
    }
    var entries: [(place: String, entry: ScoreEntry)] = []
    var problems: [String] = []
    var revisions: [String: (place: String, token: String)] = [:]
    for (index, work) in sheet.works.enumerated() {
      let place = "\(name) row \(index + 1) (work \(work.id))"
      if let token = work.revision { revisions[work.id] = (place, token) }
      var values: [String: Int] = [:]
      for (key, value) in work.scores ?? [:] {
        switch value {
        case .integer(let v): values[key] = v
        case .text(let t) where t.trimmingCharacters(in: .whitespaces).isEmpty: continue
        case .text(let t):
          if let v = Self.vote(t, criterion: key) ?? Int(t.trimmingCharacters(in: .whitespaces)) {
            values[key] = v
          } else {
            problems.append("\(place): \(key) is \"\(t)\", not a whole number.")
          }
        case .number(let d): problems.append("\(place): \(key) is \(d), not a whole number.")
        }
      }
      let comment = work.comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
      if values.isEmpty && comment.isEmpty { continue }
      entries.append(
        (
          place,
          ScoreEntry(
            juror: sheet.juror, submission: work.id, values: values, comment: comment,
            forArtist: work.forArtist ?? false)
        ))
    }
    return try finishImport(
      name: name, jurorIDs: [sheet.juror], codes: [sheet.code], entries: entries, problems: problems,
      rows: sheet.works.count, source: .htmlSheet, exhibitionSlug: sheet.exhibition, revisions: revisions,
      overwriteNewer: overwriteNewer, round: sheet.round)
  }

  private func finishImport(
    name: String, jurorIDs: Set<String>, codes: Set<String>, entries: [(place: String, entry: ScoreEntry)],
    problems: [String], rows: Int, source: ScoreSource, exhibitionSlug: String?,
    revisions: [String: (place: String, token: String)], overwriteNewer: Bool, round sheetRound: String?
  ) throws -> ImportResult {
    if let exhibitionSlug, exhibitionSlug != exhibition.slug {
      let other = try archive.exhibitions().first { $0.slug == exhibitionSlug }
      let hint =
        other.map { " (\"\($0.title)\"); import it with --exhibition \($0.slug)" }
        ?? ", which this archive does not hold"
      throw JuryError.sheetRefused([
        "\(name) is a sheet for the exhibition \(exhibitionSlug)\(hint), not for \(exhibition.slug)."
      ])
    }
    guard jurorIDs.count == 1, let jurorID = jurorIDs.first, !jurorID.isEmpty, codes.count == 1, let code = codes.first
    else {
      throw JuryError.sheetRefused(["\(name) names more than one juror or code; a sheet speaks for one juror only."])
    }
    let juror: Juror
    do { juror = try self.juror(jurorID) } catch {
      throw JuryError.sheetRefused(["\(name) names an unknown juror \"\(jurorID)\"."])
    }
    // A sheet imports only into the round it was issued for, which must be the open one.
    let round = try scoringRound()
    if sheetRound != round?.record.name {
      let issued = sheetRound.map { "a sheet for round \"\($0)\"" } ?? "a sheet issued outside the rounds"
      let now =
        round.map { "round \"\($0.record.name)\" (\($0.record.kind.rawValue)) is open" }
        ?? "this exhibition is not judged in rounds"
      throw JuryError.sheetRefused([
        "\(name) is \(issued), but \(now); a sheet from one round never imports into another. Send the juror a fresh sheet (`salon jury sheet JUROR`)."
      ])
    }
    guard constantTimeEqual(code, try sheetCode(for: juror, round: round)) else {
      throw JuryError.sheetRefused([
        "\(name): the authentication code does not match juror \(juror.id); the sheet was edited to speak for another juror, or comes from another archive."
      ])
    }
    var problems = problems
    var issued = SheetRevisions()
    for (work, revision) in revisions {
      if let n = try issuedRevision(revision.token, juror: juror, work: work) {
        issued.byWork[work] = n
      } else {
        problems.append("\(revision.place): the revision \"\(revision.token)\" was edited; it must stay as issued.")
      }
    }
    if !problems.isEmpty {
      // Report row problems together with whatever else the rows break.
      do { try apply(entries, source: source, validateOnly: true) } catch JuryError.sheetRefused(let more) {
        throw JuryError.sheetRefused(Self.inLineOrder(problems + more, sheet: name))
      }
      throw JuryError.sheetRefused(Self.inLineOrder(problems, sheet: name))
    }
    let applied: Applied
    do {
      applied = try apply(sheet: name, entries, source: source, issued: issued, overwriteNewer: overwriteNewer)
    } catch JuryError.sheetRefused(let found) {
      throw JuryError.sheetRefused(Self.inLineOrder(found, sheet: name))
    }
    var detail: [String: Any] = ["juror": juror.id, "file": name, "rows": entries.count, "changes": applied.changes]
    if !applied.overwritten.isEmpty { detail["overwroteNewer"] = applied.overwritten }
    try archive.record("sheet-import", exhibition: exhibition.id, detail: detail)
    return ImportResult(
      juror: juror.id, rows: rows, scored: entries.count, changes: applied.changes, overwritten: applied.overwritten)
  }
}

extension Jury {
  /// A sheet's problems in the order of its lines (`NAME line 5`, or the HTML sheet's `NAME row
  /// 5`), whichever check found them: line 6 never comes before line 5. Problems that name no
  /// line keep their order, after those that do.
  static func inLineOrder(_ problems: [String], sheet name: String) -> [String] {
    func line(_ problem: String) -> Int {
      for word in [" line ", " row "] {
        guard problem.hasPrefix(name + word) else { continue }
        let digits = problem.dropFirst(name.count + word.count).prefix { $0.isASCII && $0.isNumber }
        if let number = Int(digits) { return number }
      }
      return Int.max
    }
    return problems.enumerated().sorted { (line($0.element), $0.offset) < (line($1.element), $1.offset) }.map(\.element)
  }
}

/// The revision of each work's scores when a sheet was issued. A work without one (a sheet from
/// before Salon recorded them) counts as issued before any score.
struct SheetRevisions {
  var byWork: [String: Int] = [:]
  func revision(of work: String) -> Int { byWork[work] ?? 0 }
}

/// The data block of the HTML sheet, as the page saves it.
struct HTMLSheetData: Codable {
  enum Cell: Codable, Equatable {
    case integer(Int), number(Double), text(String)
    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let i = try? container.decode(Int.self) {
        self = .integer(i)
      } else if let d = try? container.decode(Double.self) {
        self = .number(d)
      } else if container.decodeNil() {
        self = .text("")
      } else {
        self = .text(try container.decode(String.self))
      }
    }
    func encode(to encoder: Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .integer(let i): try container.encode(i)
      case .number(let d): try container.encode(d)
      case .text(let t): try container.encode(t)
      }
    }
  }
  struct WorkData: Codable {
    var id: String
    var title: String
    var medium: String?
    var artists: String?
    var statement: String?
    var aiUse: String?
    var aiStatement: String?
    var preview: String?
    var scores: [String: Cell]?
    var comment: String?
    /// The signed revision of the scores when the sheet was issued.
    var revision: String?
    /// The juror ticked "show this comment to the artist".
    var forArtist: Bool? = nil
  }
  struct CriterionData: Codable {
    var key: String
    var label: String
    var min: Int
    var max: Int
  }
  var format: String
  var version: Int
  var exhibition: String
  var exhibitionTitle: String
  var juror: String
  var jurorName: String
  var code: String
  var criteria: [CriterionData]
  var works: [WorkData]
  /// Judged in rounds: the round the sheet was issued for, and its kind.
  var round: String? = nil
  var roundKind: String? = nil
}

extension Jury {
  /// What a sheet asks for: the rubric, or the working round's vote or rank (a juror's ranking
  /// runs from 1 to the number of works they were given; nil `juror`: any list length).
  func sheetCriteria(for juror: Juror?, round: RoundScope?) throws -> [Criterion] {
    guard let round else { return try rubric() }
    var criteria = round.criteria
    if round.record.kind == .ranking, let juror {
      let length = try assignmentPairs(in: round.record).filter { $0.juror == juror.rowID }.count
      criteria = criteria.map {
        var c = $0; c.scaleMax = max(length, 1); return c
      }
    }
    return criteria
  }

  /// "yes" and "no" in a vote's cell, as 1 and 0.
  static func vote(_ text: String, criterion: String) -> Int? {
    guard criterion == "vote" else { return nil }
    switch text.trimmingCharacters(in: .whitespaces).lowercased() {
    case "yes", "y": return 1
    case "no", "n": return 0
    default: return nil
    }
  }
}
