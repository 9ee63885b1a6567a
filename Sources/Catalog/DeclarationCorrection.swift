import SQLite

/// Declarations corrected by two hands: the form export read again, and the organiser's
/// `salon submissions edit`. Neither silently undoes the other.
extension SalonArchive {
  /// What the form export last said for a version: its latest form correction, else the
  /// declarations received with the version (`versionRow`, the version's own columns).
  func lastFormDeclarations(submission: Int, version: Int, versionRow: Row) throws -> Declarations? {
    if let row = try database.queryOne(
      """
      SELECT * FROM declaration_change WHERE submission_id = ? AND version = ? AND source = 'form'
      ORDER BY id DESC LIMIT 1
      """, [submission, version])
    {
      return try row.bool("has_declarations") ? try Self.declarations(from: row) : nil
    }
    return try versionRow.bool("has_declarations") ? try Self.declarations(from: versionRow) : nil
  }

  /// Field by field: `new` where it differs from `base` (what the same source said before),
  /// else `current` (which may hold another hand's correction). No base: `new` whole.
  static func merged(base: Declarations?, current: Declarations, new: Declarations) -> Declarations {
    guard let base else { return new }
    var result = current
    let texts: [WritableKeyPath<Declarations, String?>] = [
      \.title, \.artists, \.email, \.medium, \.statement, \.altText, \.link, \.priorVenue, \.aiStatement,
    ]
    for field in texts where new[keyPath: field] != base[keyPath: field] {
      result[keyPath: field] = new[keyPath: field]
    }
    let answers: [WritableKeyPath<Declarations, Answer>] = [
      \.previouslyPublished, \.underReview, \.rightsGranted, \.authorshipAffirmed,
    ]
    for field in answers where new[keyPath: field] != base[keyPath: field] {
      result[keyPath: field] = new[keyPath: field]
    }
    if new.aiUse != base.aiUse { result.aiUse = new.aiUse }
    return result
  }
}
