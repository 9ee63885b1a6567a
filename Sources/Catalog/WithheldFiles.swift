import Foundation
import SQLite

/// A file of a work the organiser keeps out of the public gallery (a technical rider sent among
/// the supplementary files): the work is still published, without that file. Kept by the file's
/// bytes, so a new version carrying the same file keeps it out too; the jury room still shows it.
package struct WithheldFile: Codable, Equatable, Sendable {
  package var submission: String
  package var path: String
  package var sha256: String
  package var reason: String?
  package var time: String
  package var actor: String
}

extension SalonArchive {
  /// The file of the submission's latest version named `name`: its path as `submissions show`
  /// lists it, or only its file name when that names one file.
  func latestFile(exhibition: Exhibition, submission key: String, named name: String) throws -> ReceivedFile {
    guard let work = try works(exhibition: exhibition).first(where: { $0.id == key }) else {
      throw CatalogError.unknownSubmission(id: key)
    }
    if let exact = work.files.first(where: { $0.path == name }) { return exact }
    let byName = work.files.filter { ($0.path as NSString).lastPathComponent == name }
    if byName.count == 1 { return byName[0] }
    let listed = work.files.map(\.path).joined(separator: ", ")
    throw CatalogError.invalidSetting(
      byName.isEmpty
        ? "Submission \(key) has no file \"\(name)\" (file-not-in-work); its files are: \(listed)."
        : "More than one file of submission \(key) is called \"\(name)\" (file-name-ambiguous); give its path: \(listed)."
    )
  }

  /// Keeps the file out of the gallery from the next export on (`withheld`), or lets it back in.
  /// Returns the file's path; recorded in the event log with who and why.
  @discardableResult
  package func withholdFile(
    exhibition: Exhibition, submission key: String, file name: String, withheld: Bool, reason: String?
  ) throws -> String {
    let submission = try submissionRowID(exhibition: exhibition, key: key)
    let file = try latestFile(exhibition: exhibition, submission: key, named: name)
    let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
    return try database.transaction {
      let isWithheld = try withheldSHA256s(exhibition: exhibition)[submission]?.contains(file.sha256) ?? false
      guard isWithheld != withheld else {
        throw CatalogError.invalidSetting(
          withheld
            ? "The file \(file.path) of submission \(key) is already left out of the gallery (already-withheld)."
            : "The file \(file.path) of submission \(key) is not left out of the gallery (not-withheld).")
      }
      try database.run(
        """
        INSERT INTO withheld_file (submission_id, sha256, path, withheld, reason, time, actor)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """, [submission, file.sha256, file.path, withheld ? 1 : 0, reason, Clock.now(), Actor.current])
      var detail: [String: Any] = ["file": file.path, "sha256": file.sha256]
      if let reason { detail["reason"] = reason }
      try record(
        withheld ? "file-withheld" : "file-released", exhibition: exhibition.id, submission: submission,
        detail: detail)
      return file.path
    }
  }

  /// For each submission (by catalog row), the stored files it keeps out of the gallery now.
  package func withheldSHA256s(exhibition: Exhibition) throws -> [Int: Set<String>] {
    var result: [Int: Set<String>] = [:]
    try database.forEachRow(
      """
      SELECT w.submission_id, w.sha256 FROM withheld_file w JOIN submission s ON s.id = w.submission_id
      WHERE s.exhibition_id = ? AND w.withheld = 1
        AND w.id = (SELECT max(id) FROM withheld_file l WHERE l.submission_id = w.submission_id AND l.sha256 = w.sha256)
      """, [exhibition.id]
    ) { row in
      result[try row.int("submission_id"), default: []].insert(try row.string("sha256"))
    }
    return result
  }

  /// The files left out of the gallery now, with who left them out and why, by submission.
  package func withheldFiles(exhibition: Exhibition) throws -> [WithheldFile] {
    try database.query(
      """
      SELECT s.key, w.* FROM withheld_file w JOIN submission s ON s.id = w.submission_id
      WHERE s.exhibition_id = ? AND w.withheld = 1
        AND w.id = (SELECT max(id) FROM withheld_file l WHERE l.submission_id = w.submission_id AND l.sha256 = w.sha256)
      ORDER BY s.key, w.path
      """, [exhibition.id]
    ).map {
      WithheldFile(
        submission: try $0.string("key"), path: try $0.string("path"), sha256: try $0.string("sha256"),
        reason: try $0.optionalString("reason"), time: try $0.string("time"), actor: try $0.string("actor"))
    }
  }
}
