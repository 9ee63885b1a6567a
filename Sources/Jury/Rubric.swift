import Catalog
import Foundation

extension Jury {
  public func rubric() throws -> [Criterion] { try archive.criteria(exhibition: exhibition.id) }

  /// True once any score exists: from then on the rubric is fixed.
  public func scoringHasBegun() throws -> Bool {
    try database.queryOne(
      """
      SELECT 1 AS x FROM score_change c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ? LIMIT 1
      """, [exhibition.id]) != nil
  }

  /// Replaces the rubric, refused once scoring has begun.
  public func setRubric(_ criteria: [Criterion]) throws {
    do { try Criterion.validate(criteria) } catch let error as CatalogError {
      throw JuryError.invalidRubric(error.description)
    }
    try database.transaction {
      if try scoringHasBegun() { throw JuryError.rubricLocked }
      try database.run("DELETE FROM criterion WHERE exhibition_id = ?", [exhibition.id])
      for (position, c) in criteria.enumerated() {
        try database.run(
          "INSERT INTO criterion (exhibition_id, key, label, weight, scale_min, scale_max, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
          [exhibition.id, c.key, c.label, c.weight, c.scaleMin, c.scaleMax, position])
      }
      try archive.record(
        "rubric-changed", exhibition: exhibition.id,
        detail: ["criteria": criteria.map { "\($0.key):\($0.weight):\($0.scaleMin)-\($0.scaleMax)" }])
    }
  }
}
