import Foundation
import SQLite

/// One entry of the append-only event log.
package struct LoggedEvent: Codable, Equatable, Sendable {
  package var id: Int
  package var time: String
  package var actor: String
  package var kind: String
  package var exhibition: String?
  package var submission: String?
  /// The event's details as recorded (JSON object).
  package var detail: String
}

extension SalonArchive {
  /// The event log, oldest first; optionally only one submission's events.
  package func events(exhibition: Exhibition? = nil, submission: String? = nil) throws -> [LoggedEvent] {
    var sql = """
      SELECT ev.*, e.slug AS exhibition_slug, s.key AS submission_key FROM event ev
        LEFT JOIN exhibition e ON e.id = ev.exhibition_id LEFT JOIN submission s ON s.id = ev.submission_id
      """
    var arguments: [any SQLBindable] = []
    var conditions: [String] = []
    if let exhibition {
      conditions.append("(ev.exhibition_id = ? OR ev.exhibition_id IS NULL)")
      arguments.append(exhibition.id)
    }
    if let submission {
      guard let exhibition else { throw CatalogError.noExhibition }
      conditions.append("ev.submission_id = ?")
      arguments.append(try submissionRowID(exhibition: exhibition, key: submission))
    }
    if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
    sql += " ORDER BY ev.id"
    return try database.query(sql, arguments).map {
      LoggedEvent(
        id: try $0.int("id"), time: try $0.string("time"), actor: try $0.string("actor"), kind: try $0.string("kind"),
        exhibition: try $0.optionalString("exhibition_slug"), submission: try $0.optionalString("submission_key"),
        detail: try $0.string("detail"))
    }
  }
}
