import Basics
import Foundation
import MediaTools
import SQLite

/// A submission as the later stages see it: its latest version's status, declarations and files.
package struct Work: Equatable, Sendable {
  /// The catalog's row id (internal).
  package var rowID: Int
  /// The submission's id as organisers and artists know it.
  package var id: String
  package var status: SubmissionStatus
  package var decision: String?
  package var declarations: Declarations
  package var hasDeclarations: Bool
  package var files: [ReceivedFile]
  /// The call's category, for the gallery's filters.
  package var category: WorkCategory = .other

  package var title: String { declarations.title ?? "Untitled (\(id))" }
  package var isSelected: Bool { decision == "selected" }
}

extension SalonArchive {
  /// Every submission of the exhibition by its latest version, ordered by id.
  package func works(exhibition: Exhibition) throws -> [Work] {
    // Rows are read one at a time (never all held at once): a call of 100,000 works would hold
    // a dictionary per row, several hundred megabytes, for a moment.
    var filesByVersion: [Int: [ReceivedFile]] = [:]
    try database.forEachRow(
      """
      SELECT f.* FROM version_file f JOIN version v ON v.id = f.version_id JOIN submission s ON s.id = v.submission_id
      WHERE s.exhibition_id = ? ORDER BY f.version_id, f.position
      """, [exhibition.id]
    ) { row in
      filesByVersion[try row.int("version_id"), default: []].append(try Self.receivedFile(from: row))
    }
    var works: [Work] = []
    try database.forEachRow(
      """
      SELECT s.id AS submission_row, s.key AS submission_key, v.*, v.id AS version_row, \(Self.correctionColumns),
        (SELECT decision FROM decision d WHERE d.id = \(Self.currentDecisionID("v"))) AS decision,
        (SELECT category FROM category_choice c WHERE c.submission_id = s.id ORDER BY c.id DESC LIMIT 1) AS category
      FROM submission s
      JOIN version v ON v.submission_id = s.id
        AND v.number = (SELECT max(number) FROM version WHERE submission_id = s.id)
      \(Self.correctionJoin("v"))
      WHERE s.exhibition_id = ?
      ORDER BY s.key COLLATE NOCASE
      """, [exhibition.id]
    ) { row in
      let (hasDeclarations, declarations) = try Self.currentDeclarations(from: row)
      let version = try row.int("version_row")
      works.append(
        Work(
          rowID: try row.int("submission_row"), id: try row.string("submission_key"),
          status: try row.value("status", as: SubmissionStatus.self), decision: try row.optionalString("decision"),
          declarations: declarations, hasDeclarations: hasDeclarations,
          files: filesByVersion.removeValue(forKey: version) ?? [],
          category: try row.optionalString("category").flatMap(WorkCategory.init(rawValue:))
            ?? WorkCategory.inferred(fromMedium: declarations.medium) ?? .other))
    }
    works.sort { NaturalOrder.precedes($0.id, $1.id) }
    return works
  }

  /// The catalog row of submission `key`, or an error naming it.
  package func submissionRowID(exhibition: Exhibition, key: String) throws -> Int {
    guard
      let row = try database.queryOne(
        "SELECT id FROM submission WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
    else { throw CatalogError.unknownSubmission(id: key) }
    return try row.int("id")
  }

  /// - Parameter withFacts: decode what ingest learnt (`RecordedFacts`), which only the media
  ///   builders use; the reports leave it out.
  static func receivedFile(from row: Row, withFacts: Bool = true) throws -> ReceivedFile {
    var file = ReceivedFile(
      path: try row.string("path"), role: try row.value("role", as: FileRole.self),
      type: try row.string("type"), size: try row.int("size"), sha256: try row.string("sha256"))
    file.number = try row.optionalInt("number")
    file.width = try row.optionalInt("width")
    file.height = try row.optionalInt("height")
    file.duration = try row.optionalDouble("duration")
    file.pages = try row.optionalInt("pages")
    file.container = try row.optionalString("container")
    file.codecs = try row.optionalString("codecs")
    file.frames = try row.optionalInt("frames")
    if withFacts {
      // Unreadable facts (a hand-edited catalog) are no facts: the file is read again.
      file.facts = RecordedFacts(json: (try? row.optionalString("facts")) ?? nil)
    }
    return file
  }
}

extension String {
  /// Nil for an empty string, so `text.nonEmpty ?? "Not given"` reads as the page says it.
  package var nonEmpty: String? { isEmpty ? nil : self }
}
