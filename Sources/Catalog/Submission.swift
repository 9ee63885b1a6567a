import Foundation
import SQLite

/// A reason a submission was rejected, or a warning about it: a stable code and one sentence.
public struct Finding: Codable, Equatable, Sendable {
  public var code: String
  public var message: String
  public var file: String?
  public init(code: String, message: String, file: String? = nil) {
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
  public var path: String
  public var role: FileRole
  /// The N of `_supplementary_N`.
  public var number: Int?
  /// The detected format, as a media type (from the content, not the name).
  public var type: String
  public var size: Int
  public var sha256: String
  public var width: Int?
  public var height: Int?
  /// Duration in seconds, for audio and video.
  public var duration: Double?
  public var pages: Int?
  public init(path: String, role: FileRole, type: String, size: Int, sha256: String) {
    self.path = path
    self.role = role
    self.type = type
    self.size = size
    self.sha256 = sha256
  }
}

/// A yes/no answer on the form; a missing answer is `unknown`, never `no`.
public enum Answer: String, Codable, Sendable { case yes, no, unknown }

/// How the artist declared AI was used.
public enum AIUse: String, Codable, Sendable { case none, assisted, generated, unknown }

/// The artist's declarations from the submission form.
public struct Declarations: Codable, Equatable, Sendable {
  public var title: String?
  public var artists: String?
  /// Private: never published.
  public var email: String?
  public var medium: String?
  public var statement: String?
  public var altText: String?
  public var link: String?
  public var previouslyPublished: Answer = .unknown
  public var priorVenue: String?
  public var underReview: Answer = .unknown
  public var rightsGranted: Answer = .unknown
  public var authorshipAffirmed: Answer = .unknown
  public var aiUse: AIUse = .unknown
  public var aiStatement: String?
  public init() {}
}

public enum SubmissionStatus: String, Codable, Sendable { case accepted, rejected }

/// What ingest concluded for one zip, before it is recorded.
public struct Verdict: Sendable {
  public var status: SubmissionStatus { problems.isEmpty ? .accepted : .rejected }
  public var problems: [Finding] = []
  public var warnings: [Finding] = []
  public var files: [ReceivedFile] = []
  public init() {}
}

/// One received zip of a submission. A resubmission is a new version; none is ever replaced.
public struct VersionSummary: Codable, Equatable, Sendable {
  public var number: Int
  public var zip: String
  public var sha256: String
  public var size: Int
  public var status: SubmissionStatus
  public var receivedAt: String
}

/// A submission as `submissions show --json` prints it (and `ingest --json`, without the last two).
public struct SubmissionReport: Codable, Equatable, Sendable {
  public var id: String
  public var zip: String
  public var status: SubmissionStatus
  public var problems: [Finding]
  public var warnings: [Finding]
  public var files: [ReceivedFile]
  /// `new`, `new-version` or `unchanged` (ingest only).
  public var change: String?
  public var version: Int?
  public var decision: String?
  public var decisionNote: String?
  public var hasDeclarations: Bool?
  public var declarations: Declarations?
  public var versions: [VersionSummary]?
  /// The call's category (`visual-art`, `writing`…), for the gallery's filters.
  public var category: WorkCategory?

  public init(
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
          "SELECT * FROM version WHERE submission_id = ? ORDER BY number DESC LIMIT 1", [id])
        if let latest, try latest.string("zip_sha256") == zip.sha256,
          try Self.declarations(from: latest) == (declarations ?? Declarations()),
          try latest.bool("has_declarations") == (declarations != nil)
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
        try registerBlob(sha256: file.sha256, size: file.size)
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
            width, height, duration, pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
          [
            versionID, position, file.path, file.role.rawValue, file.number, file.type, file.size,
            file.sha256, verdict.status == .accepted, file.width, file.height, file.duration, file.pages,
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
  public func submissionReports(exhibition: Exhibition) throws -> [SubmissionReport] {
    try database.query("SELECT key FROM submission WHERE exhibition_id = ?", [exhibition.id])
      .map { try $0.string("key") }.sorted(by: NaturalOrder.precedes)
      .map { try submissionReport(exhibition: exhibition, id: $0) }
  }

  /// The version of a submission of the exhibition that received exactly this zip, if any
  /// (the newest such), with the submission's latest version number.
  public func versionHolding(exhibition: Exhibition, zipSHA256 sha: String) throws -> (
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
  public func submissionReportIfAny(exhibition: Exhibition, id key: String) throws -> SubmissionReport? {
    guard
      try database.queryOne("SELECT 1 AS x FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
        != nil
    else { return nil }
    return try submissionReport(exhibition: exhibition, id: key)
  }

  /// Makes the latest version of the provisional submission `from` (kept apart by `id-conflict`)
  /// a new version of `to`, and records `from` as declined with a note saying where it went.
  @discardableResult
  public func attach(exhibition: Exhibition, provisional from: String, to target: String) throws -> Int {
    try database.transaction {
      func submissionID(_ key: String) throws -> Int {
        guard
          let id = try database.queryOne(
            "SELECT id FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])?.int("id")
        else { throw CatalogError.unknownSubmission(id: key) }
        return id
      }
      let source = try submissionID(from)
      let destination = try submissionID(target)
      guard source != destination else {
        throw CatalogError.invalidSetting("A submission cannot be attached to itself.")
      }
      guard
        let latest = try database.queryOne(
          "SELECT id FROM version WHERE submission_id = ? ORDER BY number DESC LIMIT 1", [source])?.int("id")
      else { throw CatalogError.unknownSubmission(id: from) }
      let number =
        (try database.queryOne("SELECT max(number) AS n FROM version WHERE submission_id = ?", [destination])?
          .int("n") ?? 0) + 1
      let columns = """
        zip_name, zip_sha256, zip_size, status, received_at, has_declarations, title, artists, email, medium,
        statement, alt_text, link, previously_published, prior_venue, under_review, rights_granted,
        authorship_affirmed, ai_use, ai_statement
        """
      try database.run(
        "INSERT INTO version (submission_id, number, \(columns)) SELECT ?, ?, \(columns) FROM version WHERE id = ?",
        [destination, number, latest])
      let version = database.lastInsertRowID
      try database.run(
        """
        INSERT INTO version_file (version_id, position, path, role, number, type, size, sha256, stored, width, height,
          duration, pages)
        SELECT ?, position, path, role, number, type, size, sha256, stored, width, height, duration, pages
        FROM version_file WHERE version_id = ?
        """, [version, latest])
      try database.run(
        """
        INSERT INTO finding (version_id, position, severity, code, message, file)
        SELECT ?, position, severity, code, message, file FROM finding WHERE version_id = ? AND code != 'id-conflict'
        """, [version, latest])
      try database.run(
        "INSERT INTO decision (submission_id, decision, note, decided_at) VALUES (?, 'declined', ?, ?)",
        [source, "attached to \(target) as version \(number)", Clock.now()])
      try record(
        "attach", exhibition: exhibition.id, submission: destination,
        detail: ["from": from, "to": target, "version": number])
      return number
    }
  }

  /// The submission's latest version in full, with its declarations and every version.
  public func submissionReport(exhibition: Exhibition, id key: String) throws -> SubmissionReport {
    guard
      let submission = try database.queryOne(
        "SELECT id FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key]),
      case let submissionID = try submission.int("id"),
      let latest = try database.queryOne(
        "SELECT * FROM version WHERE submission_id = ? ORDER BY number DESC LIMIT 1", [submissionID])
    else { throw CatalogError.unknownSubmission(id: key) }
    let versionID = try latest.int("id")
    let files = try database.query(
      "SELECT * FROM version_file WHERE version_id = ? ORDER BY position", [versionID]
    ).map(Self.receivedFile(from:))
    var problems: [Finding] = []
    var warnings: [Finding] = []
    for row in try database.query("SELECT * FROM finding WHERE version_id = ? ORDER BY position", [versionID]) {
      let finding = Finding(
        code: try row.string("code"), message: try row.string("message"), file: try row.optionalString("file"))
      if try row.string("severity") == "problem" { problems.append(finding) } else { warnings.append(finding) }
    }
    let versions = try database.query(
      "SELECT * FROM version WHERE submission_id = ? ORDER BY number", [submissionID]
    ).map {
      VersionSummary(
        number: try $0.int("number"), zip: try $0.string("zip_name"), sha256: try $0.string("zip_sha256"),
        size: try $0.int("zip_size"), status: try $0.value("status", as: SubmissionStatus.self),
        receivedAt: try $0.string("received_at"))
    }
    let decision = try database.queryOne(
      "SELECT decision, note FROM decision WHERE submission_id = ? ORDER BY id DESC LIMIT 1", [submissionID])
    return SubmissionReport(
      id: key, zip: try latest.string("zip_name"),
      status: try latest.value("status", as: SubmissionStatus.self),
      problems: problems, warnings: warnings, files: files, change: nil, version: try latest.int("number"),
      decision: try decision?.string("decision"), decisionNote: try decision?.optionalString("note"),
      hasDeclarations: try latest.bool("has_declarations"), declarations: try Self.declarations(from: latest),
      versions: versions,
      category: try category(submissionRow: submissionID, medium: try latest.optionalString("medium")))
  }

  /// Records the programme decision for a submission; an earlier decision stays in the history.
  public func decide(exhibition: Exhibition, id key: String, selected: Bool, note: String?) throws {
    try database.transaction {
      guard
        let row = try database.queryOne(
          "SELECT id FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
      else { throw CatalogError.unknownSubmission(id: key) }
      let submissionID = try row.int("id")
      let status = try database.queryOne(
        "SELECT status FROM version WHERE submission_id = ? ORDER BY number DESC LIMIT 1", [submissionID])?
        .string("status")
      if selected && status != SubmissionStatus.accepted.rawValue {
        throw CatalogError.invalidSetting(
          "Submission \"\(key)\" was rejected at ingest, so it cannot be selected; ask the artist to resubmit.")
      }
      let decision = selected ? "selected" : "declined"
      try database.run(
        "INSERT INTO decision (submission_id, decision, note, decided_at) VALUES (?, ?, ?, ?)",
        [submissionID, decision, note, Clock.now()])
      var detail: [String: Any] = ["decision": decision]
      if let note { detail["note"] = note }
      try record("decision", exhibition: exhibition.id, submission: submissionID, detail: detail)
    }
  }

  static func declarations(from row: Row) throws -> Declarations {
    var d = Declarations()
    d.title = try row.optionalString("title")
    d.artists = try row.optionalString("artists")
    d.email = try row.optionalString("email")
    d.medium = try row.optionalString("medium")
    d.statement = try row.optionalString("statement")
    d.altText = try row.optionalString("alt_text")
    d.link = try row.optionalString("link")
    d.previouslyPublished = try row.value("previously_published", as: Answer.self)
    d.priorVenue = try row.optionalString("prior_venue")
    d.underReview = try row.value("under_review", as: Answer.self)
    d.rightsGranted = try row.value("rights_granted", as: Answer.self)
    d.authorshipAffirmed = try row.value("authorship_affirmed", as: Answer.self)
    d.aiUse = try row.value("ai_use", as: AIUse.self)
    d.aiStatement = try row.optionalString("ai_statement")
    return d
  }
}
