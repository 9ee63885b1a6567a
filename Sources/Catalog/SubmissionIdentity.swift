import Basics
import Foundation
import SQLite

/// The catalog's side of the identity rule (README, "How Salon decides which submission a zip
/// belongs to"): a declaration corrected without a new version, a decision that belongs to one
/// version, and the organiser's merge of a submission kept apart into another.
extension SalonArchive {
  /// Whether the exhibition has a submission `key`: one indexed read, no report.
  package func hasSubmission(exhibition: Exhibition, id key: String) throws -> Bool {
    try database.queryOne("SELECT 1 AS x FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
      != nil
  }

  /// The declaration columns of a version row, as `declarations(from:prefix:)` reads them.
  static let declarationColumns = [
    "has_declarations", "title", "artists", "email", "medium", "statement", "alt_text", "link",
    "previously_published", "prior_venue", "under_review", "rights_granted", "authorship_affirmed", "ai_use",
    "ai_statement",
  ]

  /// The latest declaration change of the version aliased `v`, its columns prefixed `dc_`
  /// (`dc_id` is null when the declarations are still those received with the version).
  static let correctionColumns =
    "dc.id AS dc_id, " + declarationColumns.map { "dc.\($0) AS dc_\($0)" }.joined(separator: ", ")

  static func correctionJoin(_ v: String) -> String {
    """
    LEFT JOIN declaration_change dc ON dc.id = (SELECT max(id) FROM declaration_change
      WHERE submission_id = \(v).submission_id AND version = \(v).number)
    """
  }

  /// The id of the decision that stands for the version aliased `v`: a decision is for the
  /// version it was made on, so a new version is undecided until the organiser decides again.
  static func currentDecisionID(_ v: String) -> String {
    "(SELECT max(id) FROM decision WHERE submission_id = \(v).submission_id AND version = \(v).number)"
  }

  /// A version row's declarations as they stand: the latest correction, else those received.
  static func currentDeclarations(from row: Row) throws -> (has: Bool, declarations: Declarations) {
    if try row.optionalInt("dc_id") != nil {
      return (try row.bool("dc_has_declarations"), try declarations(from: row, prefix: "dc_"))
    }
    return (try row.bool("has_declarations"), try declarations(from: row))
  }

  /// Records declarations that replace those of submission `key`'s latest version without a new
  /// version (a form re-imported with the same zip): the version received stays as it was,
  /// scores and the decision stand, and the log says which fields changed. Returns the fields
  /// changed, none when the declarations are already these.
  @discardableResult
  package func correctDeclarations(
    exhibition: Exhibition, key: String, declarations given: Declarations, source: String, note: String? = nil
  ) throws -> [String] {
    try database.transaction {
      guard
        let row = try database.queryOne(
          """
          SELECT v.*, \(Self.correctionColumns) FROM submission s JOIN version v ON v.submission_id = s.id
          \(Self.correctionJoin("v"))
          WHERE s.exhibition_id = ? AND s.key = ? ORDER BY v.number DESC LIMIT 1
          """, [exhibition.id, key])
      else { throw CatalogError.unknownSubmission(id: key) }
      let (had, before) = try Self.currentDeclarations(from: row)
      let number = try row.int("number")
      let submission = try row.int("submission_id")
      var d = given
      if source == "form", had {
        // The form changes only what it says differently from the last time it was read: an
        // answer the organiser corrected stays theirs when the same export is read again.
        let base = try lastFormDeclarations(submission: submission, version: number, versionRow: row)
        d = Self.merged(base: base, current: before, new: given)
      }
      let changed = Self.changedFields(from: had ? before : nil, to: d)
      guard !changed.isEmpty else { return [] }
      try insertDeclarationChange(submission: submission, version: number, d, source: source)
      // Field names only: the values may be private (the contact email).
      var detail: [String: Any] = ["version": number, "source": source, "changed": changed]
      if let note { detail["note"] = note }
      try record("declarations", exhibition: exhibition.id, submission: submission, detail: detail)
      return changed
    }
  }

  func insertDeclarationChange(submission: Int, version: Int, _ d: Declarations, source: String) throws {
    try database.run(
      """
      INSERT INTO declaration_change (submission_id, version, source, time,
        \(Self.declarationColumns.joined(separator: ", ")))
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        submission, version, source, Clock.now(), true, d.title, d.artists, d.email, d.medium, d.statement,
        d.altText, d.link, d.previouslyPublished.rawValue, d.priorVenue, d.underReview.rawValue,
        d.rightsGranted.rawValue, d.authorshipAffirmed.rawValue, d.aiUse.rawValue, d.aiStatement,
      ])
  }

  /// The current declarations of a submission's latest version, nil when it has none.
  func latestDeclarations(submission: Int) throws -> Declarations? {
    guard
      let row = try database.queryOne(
        """
        SELECT v.*, \(Self.correctionColumns) FROM version v \(Self.correctionJoin("v"))
        WHERE v.submission_id = ? ORDER BY v.number DESC LIMIT 1
        """, [submission])
    else { return nil }
    let (has, declarations) = try Self.currentDeclarations(from: row)
    return has ? declarations : nil
  }

  /// The declaration fields that differ, by the names the form's `--column` takes.
  static func changedFields(from old: Declarations?, to new: Declarations) -> [String] {
    let o = old ?? Declarations()
    let pairs: [(String, Bool)] = [
      ("title", o.title != new.title), ("artists", o.artists != new.artists), ("email", o.email != new.email),
      ("medium", o.medium != new.medium), ("statement", o.statement != new.statement),
      ("altText", o.altText != new.altText), ("link", o.link != new.link),
      ("previouslyPublished", o.previouslyPublished != new.previouslyPublished),
      ("priorVenue", o.priorVenue != new.priorVenue), ("underReview", o.underReview != new.underReview),
      ("rightsGranted", o.rightsGranted != new.rightsGranted),
      ("authorshipAffirmed", o.authorshipAffirmed != new.authorshipAffirmed), ("aiUse", o.aiUse != new.aiUse),
      ("aiStatement", o.aiStatement != new.aiStatement),
    ]
    let changed = pairs.filter(\.1).map(\.0)
    // A submission that had no declarations gains them even when every answer is blank.
    return old == nil && changed.isEmpty ? ["declarations"] : changed
  }

  /// Makes the latest version of submission `from` (one kept apart by the identity rule) the
  /// next version of `into`, with its files, findings and current declarations; `from` is
  /// recorded as declined, saying where it went, and `into` waits for a new decision, as any
  /// new version does. Recorded in the log as `merge`.
  @discardableResult
  package func merge(exhibition: Exhibition, _ from: String, into target: String) throws -> Int {
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
        throw CatalogError.invalidSetting("Submission \(from) cannot be merged into itself.")
      }
      guard
        let latest = try database.queryOne(
          "SELECT id, number FROM version WHERE submission_id = ? ORDER BY number DESC LIMIT 1", [source])
      else { throw CatalogError.unknownSubmission(id: from) }
      let latestID = try latest.int("id")
      let sourceNumber = try latest.int("number")
      let number =
        (try database.queryOne("SELECT max(number) AS n FROM version WHERE submission_id = ?", [destination])?
          .int("n") ?? 0) + 1
      // As with `ingest --id`: a zip that came without declarations keeps those of the work it joins.
      let kept =
        try latestDeclarations(submission: source) == nil ? try latestDeclarations(submission: destination) : nil
      let columns =
        "zip_name, zip_sha256, zip_size, status, received_at, " + Self.declarationColumns.joined(separator: ", ")
      try database.run(
        "INSERT INTO version (submission_id, number, \(columns)) SELECT ?, ?, \(columns) FROM version WHERE id = ?",
        [destination, number, latestID])
      let version = database.lastInsertRowID
      try database.run(
        """
        INSERT INTO version_file (version_id, position, path, role, number, type, size, sha256, stored, width, height,
          duration, pages, container, codecs, frames, facts)
        SELECT ?, position, path, role, number, type, size, sha256, stored, width, height, duration, pages,
          container, codecs, frames, facts
        FROM version_file WHERE version_id = ?
        """, [version, latestID])
      try database.run(
        "INSERT INTO provenance (version_id, finding, declared, files) SELECT ?, finding, declared, files FROM provenance WHERE version_id = ?",
        [version, latestID])
      // The findings that said why it was kept apart are settled by this merge, and one that
      // said it had no declarations is not true of a version that keeps the work's.
      try database.run(
        """
        INSERT INTO finding (version_id, position, severity, code, message, file)
        SELECT ?, position, severity, code, message, file FROM finding WHERE version_id = ?
          AND code NOT IN ('id-conflict', 'form-row-disagrees', 'artists-differ', ?)
        """, [version, latestID, kept == nil ? "id-conflict" : "no-declarations"])
      let declarationCopy = Self.declarationColumns.joined(separator: ", ")
      try database.run(
        """
        INSERT INTO declaration_change (submission_id, version, source, time, \(declarationCopy))
        SELECT ?, ?, source, time, \(declarationCopy) FROM declaration_change
        WHERE id = (SELECT max(id) FROM declaration_change WHERE submission_id = ? AND version = ?)
        """, [destination, number, source, sourceNumber])
      if let kept { try insertDeclarationChange(submission: destination, version: number, kept, source: "merge") }
      try database.run(
        "INSERT INTO decision (submission_id, decision, note, decided_at, version) VALUES (?, 'declined', ?, ?, ?)",
        [source, "merged into \(target) as version \(number)", Clock.now(), sourceNumber])
      try record(
        "merge", exhibition: exhibition.id, submission: destination,
        detail: ["from": from, "into": target, "version": number])
      return number
    }
  }
}
