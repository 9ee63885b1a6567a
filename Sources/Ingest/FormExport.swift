import Basics
import Catalog
import Foundation

/// The submission portal's form export (CMT, OpenReview, Google Forms…): one row per submission,
/// with header names that differ per portal.
public struct FormExport: Sendable {
  /// The fields Salon reads, by the names `--column` takes.
  package enum Field: String, CaseIterable, Sendable {
    case id, file, title, artists, email, medium, statement, altText, link, previouslyPublished, priorVenue,
      underReview, rightsGranted, authorshipAffirmed, aiUse, aiStatement
  }

  public struct Row: Sendable {
    public var line: Int
    package var values: [Field: String]
  }

  package enum Problem: Error, Equatable, CustomStringConvertible {
    case malformed(CSVReader.Malformed)
    case empty
    /// A header and nothing below it; `recognised` says whether any column is one Salon reads.
    case noRows(firstLine: String, recognised: Bool)
    case tooManyFields(line: Int, found: Int, expected: Int)
    case unknownField(String)
    case unknownHeader(field: String, header: String, available: [String])
    /// The file cannot be read, or is no ordinary file; the sentence says which.
    case unreadable(String)

    package var description: String {
      switch self {
      case .malformed(let error): return error.description
      case .empty: return "The form export is empty: it needs a header row and one row per submission."
      case .noRows(let firstLine, true):
        return
          "The form export has a header row (\(firstLine)) but no submissions below it; it needs one row per submission."
      case .noRows(let firstLine, false):
        return
          "The form export holds only the line \"\(firstLine)\", with no column Salon recognises and no submissions; it needs a header row (id, file, title…) and one row per submission."
      case .tooManyFields(let line, let found, let expected):
        return
          "Line \(line) of the form export has \(found) fields but the header has \(expected); a comma may be missing its quotes."
      case .unknownField(let name):
        return
          "--column names an unknown field \"\(name)\"; fields are: \(Field.allCases.map(\.rawValue).joined(separator: ", "))."
      case .unknownHeader(let field, let header, let available):
        return
          "--column \(field)=\(header): the form export has no column \"\(header)\"; its columns are: \(available.joined(separator: ", "))."
      case .unreadable(let sentence): return sentence
      }
    }
  }

  package var headers: [String]
  /// Which header each field was read from.
  package var mapping: [Field: String]
  public var rows: [Row] { didSet { index = RowIndex(rows) } }
  /// The rows by the keys a zip is matched on, so matching a zip costs the same for ten rows or
  /// a hundred thousand.
  private var index: RowIndex
  /// What separated the fields: detected from the header line unless the organiser forced one.
  package var delimiter: CSVReader.Delimiter = .comma

  package init(headers: [String], mapping: [Field: String], rows: [Row], delimiter: CSVReader.Delimiter = .comma) {
    self.headers = headers
    self.mapping = mapping
    self.rows = rows
    self.index = RowIndex(rows)
    self.delimiter = delimiter
  }

  /// Row positions by the file name a row names (lowercased, last path component), by its id
  /// (lowercased), and by its numeric id without leading zeros.
  struct RowIndex: Sendable {
    var byFile: [String: [Int]] = [:]
    var byID: [String: [Int]] = [:]
    var byNumber: [String: [Int]] = [:]

    init(_ rows: [Row]) {
      for (position, row) in rows.enumerated() {
        if let file = row.values[.file]?.lowercased() {
          let base = file.split(separator: "/").last.map(String.init) ?? file
          byFile[base, default: []].append(position)
        }
        if let id = row.values[.id] {
          byID[id.lowercased(), default: []].append(position)
          if id.allSatisfy(\.isNumber) { byNumber[String(id.drop(while: { $0 == "0" })), default: []].append(position) }
        }
      }
    }
  }

  /// - Parameter delimiter: forces one; nil detects it from the header line.
  package static func load(
    path: String, explicitColumns: [String: String] = [:], delimiter: CSVReader.Delimiter? = nil
  ) throws -> FormExport {
    let data: Data
    do { data = try InputFile.read(path) } catch {
      throw Problem.unreadable(InputFile.sentence(error, path: path, what: "the form export"))
    }
    return try parse(data, explicitColumns: explicitColumns, delimiter: delimiter)
  }

  public static func parse(
    _ data: Data, explicitColumns: [String: String] = [:], delimiter forced: CSVReader.Delimiter? = nil
  ) throws -> FormExport {
    let records: [CSVReader.Record]
    let delimiter: CSVReader.Delimiter
    do {
      let text = try CSVReader.text(of: data)
      delimiter = forced ?? CSVReader.detectDelimiter(in: text)
      records = try CSVReader.records(from: text, delimiter: delimiter)
    } catch let error as CSVReader.Malformed {
      throw Problem.malformed(error)
    }
    guard let header = records.first,
      records.count > 1 || header.fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    else { throw Problem.empty }
    let headers = header.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    var columns = matchHeaders(headers)
    for (name, wanted) in explicitColumns {
      guard let field = Field.allCases.first(where: { normalized($0.rawValue) == normalized(name) }) else {
        throw Problem.unknownField(name)
      }
      // `--column file=` says the form has no such column: its file names are not the zips' names.
      if wanted.isEmpty {
        columns[field] = nil
        continue
      }
      guard
        let index = headers.firstIndex(where: { $0 == wanted })
          ?? headers.firstIndex(where: { normalized($0) == normalized(wanted) })
      else { throw Problem.unknownHeader(field: name, header: wanted, available: headers) }
      for (other, otherIndex) in columns where otherIndex == index { columns[other] = nil }
      columns[field] = index
    }
    var rows: [Row] = []
    for record in records.dropFirst() {
      guard record.fields.count <= headers.count else {
        throw Problem.tooManyFields(line: record.line, found: record.fields.count, expected: headers.count)
      }
      var values: [Field: String] = [:]
      for (field, index) in columns where index < record.fields.count {
        let value = record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
        if !value.isEmpty { values[field] = value }
      }
      rows.append(Row(line: record.line, values: values))
    }
    guard !rows.isEmpty else {
      // Shown to the organiser: short, and with control characters made visible.
      var line = headers.joined(separator: ",")
      if line.count > 80 { line = String(line.prefix(77)) + "…" }
      line = String(
        line.unicodeScalars.map { $0.properties.generalCategory == .control ? "\u{FFFD}" : Character($0) })
      throw Problem.noRows(firstLine: line, recognised: !columns.isEmpty)
    }
    return FormExport(
      headers: headers, mapping: columns.mapValues { headers[$0] }, rows: rows, delimiter: delimiter)
  }

  /// Lowercase letters and digits only: "Submission ID" and "submission_id" compare equal.
  static func normalized(_ header: String) -> String {
    String(header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII })
  }

  /// The wordings portals use for each field, normalised.
  static let synonyms: [Field: Set<String>] = [
    .id: [
      "id", "submissionid", "paperid", "submission", "submissionnumber", "papernumber", "number", "no", "entryid",
      "responseid",
    ],
    .file: [
      "file", "filename", "files", "zip", "zipfile", "zipname", "upload", "attachment", "submissionfile",
      "uploadedfile",
    ],
    .title: [
      "title", "worktitle", "titleofwork", "artworktitle", "papertitle", "titleoftheartwork", "titleofthework",
      "piecetitle",
    ],
    .artists: [
      "artists", "artist", "authors", "author", "authornames", "artistnames", "artistname", "creators", "creator",
      "names",
    ],
    .email: [
      "email", "emails", "contactemail", "emailaddress", "authoremails", "authoremail", "correspondingemail", "contact",
    ],
    .medium: [
      "medium", "media", "category", "worktype", "typeofwork", "discipline", "primarysubjectarea", "artform", "form",
    ],
    .statement: ["statement", "artiststatement", "abstract", "shortdescription", "description", "summary"],
    .altText: ["alttext", "alt", "imagedescription", "alternativetext", "alttextforimages"],
    .link: ["link", "url", "website", "hostedlink", "worklink", "linktowork", "onlinelink"],
    .previouslyPublished: [
      "previouslypublished", "previouslyappeared", "publishedelsewhere", "priorpublication", "appearedelsewhere",
    ],
    .priorVenue: [
      "priorvenue", "where", "ifyeswhere", "ifsowhere", "previousvenue", "wherepublished", "whereappeared",
      "publicationvenue", "venue",
    ],
    .underReview: ["underreview", "underreviewelsewhere", "currentlyunderreview", "submittedelsewhere"],
    .rightsGranted: [
      "rights", "rightsgranted", "grantrights", "license", "licence", "permission", "consenttopublish",
      "publicationrights",
    ],
    .authorshipAffirmed: ["authorship", "authorshipaffirmed", "authorshipconfirmed", "iamtheauthor", "originality"],
    .aiUse: ["aiuse", "useofai", "aiusage", "ai", "generativeai", "aiused"],
    .aiStatement: ["aistatement", "aiusestatement", "aidescription", "describeaiuse", "aiusedescription"],
  ]

  /// Matches each field to a header: exact wordings first, then the words of longer questions
  /// (Google Forms uses the question text as the header). A field takes the first header it matches.
  static func matchHeaders(_ headers: [String]) -> [Field: Int] {
    var columns: [Field: Int] = [:]
    var taken = Set<Int>()
    for (index, header) in headers.enumerated() {
      let key = normalized(header)
      if let field = Field.allCases.first(where: { synonyms[$0]?.contains(key) == true }), columns[field] == nil {
        columns[field] = index
        taken.insert(index)
      }
    }
    for (index, header) in headers.enumerated() where !taken.contains(index) {
      let key = normalized(header)
      let words = Set(
        header.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
      let mentionsAI = words.contains("ai") || key.contains("artificialintelligence")
      let field: Field?
      if mentionsAI && (words.contains("statement") || words.contains("describe") || words.contains("explain")) {
        field = .aiStatement
      } else if mentionsAI && (key.contains("how") || key.contains("use") || key.contains("generat")) {
        field = columns[.aiUse] == nil ? .aiUse : .aiStatement
      } else if key.contains("underreview") || key.contains("reviewelsewhere") || key.contains("submittedelsewhere") {
        field = .underReview
      } else if (words.contains("where") || key.contains("venue"))
        && (key.contains("appear") || key.contains("publish"))
      {
        field = .priorVenue
      } else if key.contains("previously") || key.contains("appearedelsewhere") || key.contains("publishedelsewhere")
        || key.contains("priorpublication")
      {
        field = .previouslyPublished
      } else if key.contains("rights") || key.contains("reproduce") || key.contains("licen") {
        field = .rightsGranted
      } else if key.contains("author")
        && (key.contains("confirm") || key.contains("affirm") || key.contains("iam") || key.contains("declare"))
      {
        field = .authorshipAffirmed
      } else if key.contains("alttext") || key.contains("alternativetext") {
        field = .altText
      } else if key.contains("email") {
        field = .email
      } else if key.contains("title") {
        field = .title
      } else if key.contains("artist") || key.contains("author") {
        field = .artists
      } else if key.contains("statement") {
        field = .statement
      } else {
        field = nil
      }
      if let field, columns[field] == nil { columns[field] = index }
    }
    return columns
  }

  /// The row for a zip: by file name first, then by submission id (the whole name, then a number
  /// in it). Nil when no row matches, or more than one does (never a guess).
  public func row(forZipNamed zipName: String) -> Row? { match(forZipNamed: zipName)?.row }

  /// The row for a zip and whether the row names this zip itself (its file column), which is
  /// stronger evidence than an id that merely appears in the zip's name.
  package func match(forZipNamed zipName: String) -> (row: Row, namesThisZip: Bool)? {
    if let row = rowByFile(zipName) { return (row, true) }
    return rowByID(zipName).map { ($0, false) }
  }

  /// Whether a row's file column names the zip `zipName`.
  package static func row(_ row: Row, names zipName: String) -> Bool {
    let lower = zipName.lowercased()
    let stem = lower.hasSuffix(".zip") ? String(lower.dropLast(4)) : lower
    guard let file = row.values[.file]?.lowercased() else { return false }
    let base = file.split(separator: "/").last.map(String.init) ?? file
    return base == lower || base == stem || base + ".zip" == lower
  }

  /// The one row whose file column names the zip: its name, or its name without `.zip`.
  private func rowByFile(_ zipName: String) -> Row? {
    let lower = zipName.lowercased()
    let stem = lower.hasSuffix(".zip") ? String(lower.dropLast(4)) : lower
    return onlyRow(Set((index.byFile[lower] ?? []) + (index.byFile[stem] ?? [])))
  }

  private func rowByID(_ zipName: String) -> Row? {
    let lower = zipName.lowercased()
    let stem = lower.hasSuffix(".zip") ? String(lower.dropLast(4)) : lower
    if let row = onlyRow(Set(index.byID[stem] ?? [])) { return row }
    let numbers = Set(stem.split(whereSeparator: { !$0.isNumber }).map { String($0.drop(while: { $0 == "0" })) })
    return onlyRow(Set(numbers.flatMap { index.byNumber[$0] ?? [] }))
  }

  /// Whether a row has the id `id` (case ignored).
  package func hasRow(id: String) -> Bool { index.byID[id.lowercased()] != nil }

  private func onlyRow(_ positions: Set<Int>) -> Row? { positions.count == 1 ? rows[positions.first!] : nil }

  /// The artist's declarations from a row; an answer left blank stays `unknown`.
  public static func declarations(from row: Row) -> Declarations {
    var d = Declarations()
    let v = row.values
    d.title = v[.title]
    d.artists = v[.artists]
    d.email = v[.email]
    d.medium = v[.medium]
    d.statement = v[.statement]
    d.altText = v[.altText]
    d.link = v[.link]
    d.previouslyPublished = answer(v[.previouslyPublished])
    d.priorVenue = v[.priorVenue]
    d.underReview = answer(v[.underReview])
    d.rightsGranted = answer(v[.rightsGranted])
    d.authorshipAffirmed = answer(v[.authorshipAffirmed])
    d.aiUse = aiUse(v[.aiUse])
    d.aiStatement = v[.aiStatement]
    // A free-text answer to "How was AI used?" is the statement too, when there is no other.
    if d.aiStatement == nil, let text = v[.aiUse], text.split(separator: " ").count > 2 { d.aiStatement = text }
    return d
  }

  /// Yes/no answers in the forms portals produce: "Yes", "yes, at ISEA 2024", "I agree", "TRUE", "x".
  static func answer(_ text: String?) -> Answer {
    guard let text else { return .unknown }
    let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    guard let first = words.first else { return text.trimmingCharacters(in: .whitespaces) == "✓" ? .yes : .unknown }
    if [
      "yes", "y", "true", "1", "x", "agree", "agreed", "checked", "confirm", "confirmed", "accept", "accepted",
      "granted", "grant", "ok",
    ].contains(first) {
      return .yes
    }
    if first == "i", words.count > 1,
      ["agree", "confirm", "grant", "accept", "am", "affirm", "do", "declare"].contains(words[1])
    {
      return words.count > 2 && words[2] == "not" ? .no : .yes
    }
    if ["no", "n", "false", "0", "none", "never", "nope", "disagree", "declined"].contains(first) { return .no }
    return .unknown
  }

  static func aiUse(_ text: String?) -> AIUse {
    guard let text else { return .unknown }
    let lower = text.lowercased()
    if lower.contains("generat") { return .generated }
    if lower.contains("assist") || lower.contains("partial") || lower.contains("some") { return .assisted }
    let first = lower.split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
    if ["no", "none", "not", "without", "never"].contains(first) { return .none }
    return .unknown
  }
}
