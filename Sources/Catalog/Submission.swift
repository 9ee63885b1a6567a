import Basics
import Foundation
import MediaTools
import SQLite

/// A reason a submission was rejected, or a warning about it: a stable code and one sentence.
public struct Finding: Codable, Equatable, Sendable {
  public var code: String
  public var message: String
  package var file: String?
  package init(code: String, message: String, file: String? = nil) {
    self.code = code
    self.message = message
    self.file = file
  }
}

/// What a file in a submission is for.
public enum FileRole: String, Codable, Sendable {
  case main, video, description, supplementary, other
}

/// A file found in a submission's zip, with its technical properties.
public struct ReceivedFile: Codable, Equatable, Sendable {
  package var path: String
  package var role: FileRole
  /// The N of `_supplementary_N`.
  package var number: Int?
  /// The detected format, as a media type (from the content, not the name).
  package var type: String
  package var size: Int
  package var sha256: String
  package var width: Int?
  package var height: Int?
  /// Duration in seconds, for audio and video, measured from the packets at ingest.
  package var duration: Double?
  package var pages: Int?
  /// The container of an audio or video file, as ffprobe names its demuxer.
  package var container: String?
  /// The codec of each audio and video stream, in stream order ("h264, aac").
  package var codecs: String?
  /// Frames of an animation.
  package var frames: Int?
  /// What ingest's decoders learnt (ffprobe's facts of an audio or video file), for export and
  /// the jury room; nil for a file ingested by an older Salon. Kept out of the JSON reports.
  package var facts: RecordedFacts?
  /// Where the file's local header starts in the zip as received, so it is stored there and
  /// nowhere else (`StoredFile`); nil for a file read back from the catalog.
  package var headerOffset: Int?
  package init(path: String, role: FileRole, type: String, size: Int, sha256: String) {
    self.path = path
    self.role = role
    self.type = type
    self.size = size
    self.sha256 = sha256
  }

  enum CodingKeys: String, CodingKey {
    case path, role, number, type, size, sha256, width, height, duration, pages, container, codecs, frames
  }
}

/// A yes/no answer on the form; a missing answer is `unknown`, never `no`.
package enum Answer: String, Codable, Sendable { case yes, no, unknown }

/// How the artist declared AI was used.
package enum AIUse: String, Codable, Sendable {
  case none, assisted, generated, unknown

  /// How the gallery and the jury room name the declaration.
  package var label: String {
    switch self {
    case .none: return "Made without AI"
    case .assisted: return "Made with AI assistance"
    case .generated: return "AI-generated"
    case .unknown: return "AI use not declared"
    }
  }
}

/// The artist's declarations from the submission form.
public struct Declarations: Codable, Equatable, Sendable {
  package var title: String?
  package var artists: String?
  /// Private: never published.
  package var email: String?
  package var medium: String?
  package var statement: String?
  package var altText: String?
  package var link: String?
  package var previouslyPublished: Answer = .unknown
  package var priorVenue: String?
  package var underReview: Answer = .unknown
  package var rightsGranted: Answer = .unknown
  package var authorshipAffirmed: Answer = .unknown
  package var aiUse: AIUse = .unknown
  package var aiStatement: String?
  public init() {}
}

package enum SubmissionStatus: String, Codable, Sendable { case accepted, rejected }

/// What ingest concluded for one zip, before it is recorded.
public struct Verdict: Sendable {
  package var status: SubmissionStatus { problems.isEmpty ? .accepted : .rejected }
  public var problems: [Finding] = []
  package var warnings: [Finding] = []
  public var files: [ReceivedFile] = []
  public init() {}
}

/// One received zip of a submission. A resubmission is a new version; none is ever replaced.
package struct VersionSummary: Codable, Equatable, Sendable {
  package var number: Int
  package var zip: String
  package var sha256: String
  package var size: Int
  package var status: SubmissionStatus
  package var receivedAt: String
}

/// A submission as `submissions show --json` prints it (and `ingest --json`, without the last two).
package struct SubmissionReport: Codable, Equatable, Sendable {
  package var id: String
  package var zip: String
  package var status: SubmissionStatus
  public var problems: [Finding]
  package var warnings: [Finding]
  public var files: [ReceivedFile]
  /// `new`, `new-version`, `declarations-corrected` or `unchanged` (ingest only).
  package var change: String?
  package var version: Int?
  package var decision: String?
  package var decisionNote: String?
  package var hasDeclarations: Bool?
  package var declarations: Declarations?
  package var versions: [VersionSummary]?
  /// The call's category (`visual-art`, `writing`…), for the gallery's filters.
  package var category: WorkCategory?
  /// What the images and videos say about how they were made, beside the declaration.
  package var provenance: ProvenanceReport?

  package init(
    id: String, zip: String, status: SubmissionStatus, problems: [Finding], warnings: [Finding],
    files: [ReceivedFile], change: String? = nil, version: Int? = nil, decision: String? = nil,
    decisionNote: String? = nil, hasDeclarations: Bool? = nil, declarations: Declarations? = nil,
    versions: [VersionSummary]? = nil, category: WorkCategory? = nil
  ) {
    self.id = id
    self.zip = zip
    self.status = status
    self.problems = problems
    self.warnings = warnings
    self.files = files
    self.change = change
    self.version = version
    self.decision = decision
    self.decisionNote = decisionNote
    self.hasDeclarations = hasDeclarations
    self.declarations = declarations
    self.versions = versions
    self.category = category
  }
}

/// Whether recording a zip changed the archive.
public enum RecordOutcome: String, Sendable {
  case new, newVersion = "new-version", unchanged
  /// The same zip again with declarations that correct those recorded: no new version.
  case declarationsCorrected = "declarations-corrected"
}

extension SalonArchive {
  /// Records a received zip as a version of submission `key`, in one transaction, after its files
  /// are in the store. The same zip with the same declarations again changes nothing.
  public func recordVersion(
    exhibition: Exhibition, key: String, zipName: String, zip: (sha256: String, size: Int),
    verdict: Verdict, declarations: Declarations?
  ) throws -> (outcome: RecordOutcome, version: Int) {
    try database.transaction {
      try settlePendingFiles()
      let existing = try database.queryOne(
        "SELECT id FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
      let submissionID: Int
      if let existing {
        let id = try existing.int("id")
        submissionID = id
        let latest = try database.queryOne(
          """
          SELECT v.*, \(Self.correctionColumns) FROM version v \(Self.correctionJoin("v"))
          WHERE v.submission_id = ? ORDER BY v.number DESC LIMIT 1
          """, [id])
        if let latest, try latest.string("zip_sha256") == zip.sha256,
          case let (has, current) = try Self.currentDeclarations(from: latest),
          current == (declarations ?? Declarations()), has == (declarations != nil)
        {
          return (.unchanged, try latest.int("number"))
        }
      } else {
        try database.run(
          "INSERT INTO submission (exhibition_id, key, created_at) VALUES (?, ?, ?)",
          [exhibition.id, key, Clock.now()])
        submissionID = database.lastInsertRowID
      }
      let number =
        (try database.queryValue("SELECT max(number) AS n FROM version WHERE submission_id = ?", [submissionID])
          .optionalInt("n") ?? 0) + 1
      try registerBlob(sha256: zip.sha256, size: zip.size)
      for file in verdict.files where verdict.status == .accepted {
        if let headerOffset = file.headerOffset {
          try registerMember(sha256: file.sha256, size: file.size, zipSHA256: zip.sha256, headerOffset: headerOffset)
        } else {
          try registerBlob(sha256: file.sha256, size: file.size)
        }
      }
      let d = declarations ?? Declarations()
      try database.run(
        """
        INSERT INTO version (submission_id, number, zip_name, zip_sha256, zip_size, status, received_at,
          has_declarations, title, artists, email, medium, statement, alt_text, link,
          previously_published, prior_venue, under_review, rights_granted, authorship_affirmed,
          ai_use, ai_statement)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          submissionID, number, zipName, zip.sha256, zip.size, verdict.status.rawValue, Clock.now(),
          declarations != nil, d.title, d.artists, d.email, d.medium, d.statement, d.altText, d.link,
          d.previouslyPublished.rawValue, d.priorVenue, d.underReview.rawValue, d.rightsGranted.rawValue,
          d.authorshipAffirmed.rawValue, d.aiUse.rawValue, d.aiStatement,
        ])
      let versionID = database.lastInsertRowID
      for (position, file) in verdict.files.enumerated() {
        try database.run(
          """
          INSERT INTO version_file (version_id, position, path, role, number, type, size, sha256, stored,
            width, height, duration, pages, container, codecs, frames, facts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
          [
            versionID, position, file.path, file.role.rawValue, file.number, file.type, file.size,
            file.sha256, verdict.status == .accepted, file.width, file.height, file.duration, file.pages,
            file.container, file.codecs, file.frames, file.facts?.json,
          ])
      }
      let findings =
        verdict.problems.map { ("problem", $0) } + verdict.warnings.map { ("warning", $0) }
      for (position, (severity, finding)) in findings.enumerated() {
        try database.run(
          "INSERT INTO finding (version_id, position, severity, code, message, file) VALUES (?, ?, ?, ?, ?, ?)",
          [versionID, position, severity, finding.code, finding.message, finding.file])
      }
      try record(
        "ingest", exhibition: exhibition.id, submission: submissionID,
        detail: [
          "zip": zipName, "sha256": zip.sha256, "version": number, "status": verdict.status.rawValue,
          "problems": verdict.problems.map(\.code), "warnings": verdict.warnings.map(\.code),
        ])
      return (number == 1 ? .new : .newVersion, number)
    }
  }

  /// Every submission of the exhibition, latest version first by id.
  package func submissionReports(exhibition: Exhibition) throws -> [SubmissionReport] {
    var reports: [SubmissionReport] = []
    try forEachSubmissionReport(exhibition: exhibition) { reports.append($0) }
    return reports
  }

  /// Every submission's id in the exhibition, unordered: a listing sizes its columns from these
  /// before its reports stream.
  package func submissionKeys(exhibition: Exhibition) throws -> [String] {
    try database.query("SELECT key FROM submission WHERE exhibition_id = ?", [exhibition.id]).map {
      try $0.string("key")
    }
  }

  /// Every submission's report in id order, a page at a time: a few queries per page, never one
  /// per submission, and only one page of reports in memory.
  package func forEachSubmissionReport(
    exhibition: Exhibition, pageSize: Int = 500, _ body: (SubmissionReport) throws -> Void
  ) throws {
    let keys = try database.query("SELECT id, key FROM submission WHERE exhibition_id = ?", [exhibition.id])
      .map { (id: try $0.int("id"), key: try $0.string("key")) }.sorted { NaturalOrder.precedes($0.key, $1.key) }
    var start = 0
    while start < keys.count {
      let page = keys[start..<min(start + max(1, pageSize), keys.count)]
      for report in try submissionReports(page.map { ($0.id, $0.key) }) { try body(report) }
      start += page.count
    }
  }

  /// The reports of the submissions `rows` (catalog row and key), in that order, in five queries.
  func submissionReports(_ rows: [(id: Int, key: String)]) throws -> [SubmissionReport] {
    // One JSON array of row ids binds the whole page to one prepared statement.
    let ids = "[" + rows.map { String($0.id) }.joined(separator: ",") + "]"
    var latest: [Int: Row] = [:]
    try database.forEachRow(
      """
      SELECT v.*, d.decision AS latest_decision, d.note AS latest_note, \(Self.correctionColumns),
        (SELECT category FROM category_choice c WHERE c.submission_id = v.submission_id ORDER BY c.id DESC LIMIT 1)
          AS latest_category
      FROM version v
      LEFT JOIN decision d ON d.id = \(Self.currentDecisionID("v"))
      \(Self.correctionJoin("v"))
      WHERE v.submission_id IN (SELECT value FROM json_each(?))
        AND v.number = (SELECT max(number) FROM version WHERE submission_id = v.submission_id)
      """, [ids]
    ) { latest[try $0.int("submission_id")] = $0 }
    var files: [Int: [ReceivedFile]] = [:]
    var findings: [Int: [Row]] = [:]
    var versions: [Int: [VersionSummary]] = [:]
    let latestIDs = "[" + (try latest.values.map { String(try $0.int("id")) }).joined(separator: ",") + "]"
    try database.forEachRow(
      "SELECT * FROM version_file WHERE version_id IN (SELECT value FROM json_each(?)) ORDER BY version_id, position",
      [latestIDs]
    ) { files[try $0.int("version_id"), default: []].append(try Self.receivedFile(from: $0, withFacts: false)) }
    try database.forEachRow(
      "SELECT * FROM finding WHERE version_id IN (SELECT value FROM json_each(?)) ORDER BY version_id, position",
      [latestIDs]
    ) { findings[try $0.int("version_id"), default: []].append($0) }
    try database.forEachRow(
      """
      SELECT submission_id, number, zip_name, zip_sha256, zip_size, status, received_at FROM version
      WHERE submission_id IN (SELECT value FROM json_each(?)) ORDER BY submission_id, number
      """, [ids]
    ) { versions[try $0.int("submission_id"), default: []].append(try Self.versionSummary(from: $0)) }
    let provenance = try provenanceReports(versionIDs: latestIDs)
    return try rows.map { row in
      guard let version = latest[row.id] else { throw CatalogError.unknownSubmission(id: row.key) }
      let versionID = try version.int("id")
      var problems: [Finding] = []
      var warnings: [Finding] = []
      for finding in findings[versionID] ?? [] {
        let item = Finding(
          code: try finding.string("code"), message: try finding.string("message"),
          file: try finding.optionalString("file"))
        if try finding.string("severity") == "problem" { problems.append(item) } else { warnings.append(item) }
      }
      let (hasDeclarations, declarations) = try Self.currentDeclarations(from: version)
      var report = SubmissionReport(
        id: row.key, zip: try version.string("zip_name"),
        status: try version.value("status", as: SubmissionStatus.self),
        problems: problems, warnings: warnings, files: files[versionID] ?? [], change: nil,
        version: try version.int("number"), decision: try version.optionalString("latest_decision"),
        decisionNote: try version.optionalString("latest_note"),
        hasDeclarations: hasDeclarations, declarations: declarations,
        versions: versions[row.id] ?? [],
        category: try version.optionalString("latest_category").flatMap(WorkCategory.init(rawValue:))
          ?? WorkCategory.inferred(fromMedium: declarations.medium) ?? .other)
      report.provenance = provenance[versionID]?.judged(against: report.declarations?.aiUse ?? .unknown)
      return report
    }
  }

  static func versionSummary(from row: Row) throws -> VersionSummary {
    VersionSummary(
      number: try row.int("number"), zip: try row.string("zip_name"), sha256: try row.string("zip_sha256"),
      size: try row.int("zip_size"), status: try row.value("status", as: SubmissionStatus.self),
      receivedAt: try row.string("received_at"))
  }

  /// The version of a submission of the exhibition that received exactly this zip, if any
  /// (the newest such), with the submission's latest version number.
  package func versionHolding(exhibition: Exhibition, zipSHA256 sha: String) throws -> (
    key: String, number: Int, latest: Int, status: SubmissionStatus
  )? {
    guard
      let row = try database.queryOne(
        """
        SELECT s.key, v.number, v.status, (SELECT max(number) FROM version WHERE submission_id = s.id) AS latest
        FROM version v JOIN submission s ON s.id = v.submission_id
        WHERE v.zip_sha256 = ? AND s.exhibition_id = ? ORDER BY v.id DESC LIMIT 1
        """, [sha, exhibition.id])
    else { return nil }
    return (
      try row.string("key"), try row.int("number"), try row.int("latest"),
      try row.value("status", as: SubmissionStatus.self)
    )
  }

  /// The submission's report, or nil when the exhibition has no submission `key`.
  package func submissionReportIfAny(exhibition: Exhibition, id key: String) throws -> SubmissionReport? {
    guard
      try database.queryOne("SELECT 1 AS x FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
        != nil
    else { return nil }
    return try submissionReport(exhibition: exhibition, id: key)
  }

  /// The submission's latest version in full, with its declarations and every version.
  package func submissionReport(exhibition: Exhibition, id key: String) throws -> SubmissionReport {
    guard
      let submission = try database.queryOne(
        "SELECT id FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key]),
      let report = try submissionReports([(try submission.int("id"), key)]).first
    else { throw CatalogError.unknownSubmission(id: key) }
    return report
  }

  /// Records the programme decision for a submission; an earlier decision stays in the history.
  package func decide(exhibition: Exhibition, id key: String, selected: Bool, note: String?) throws {
    _ = try decide(exhibition: exhibition, [DecisionRequest(id: key, selected: selected, note: note)])
  }

  /// The declarations in a row's columns, each name after `prefix` (`dc_` for a correction).
  static func declarations(from row: Row, prefix p: String = "") throws -> Declarations {
    var d = Declarations()
    d.title = try row.optionalString(p + "title")
    d.artists = try row.optionalString(p + "artists")
    d.email = try row.optionalString(p + "email")
    d.medium = try row.optionalString(p + "medium")
    d.statement = try row.optionalString(p + "statement")
    d.altText = try row.optionalString(p + "alt_text")
    d.link = try row.optionalString(p + "link")
    d.previouslyPublished = try row.value(p + "previously_published", as: Answer.self)
    d.priorVenue = try row.optionalString(p + "prior_venue")
    d.underReview = try row.value(p + "under_review", as: Answer.self)
    d.rightsGranted = try row.value(p + "rights_granted", as: Answer.self)
    d.authorshipAffirmed = try row.value(p + "authorship_affirmed", as: Answer.self)
    d.aiUse = try row.value(p + "ai_use", as: AIUse.self)
    d.aiStatement = try row.optionalString(p + "ai_statement")
    return d
  }
}
