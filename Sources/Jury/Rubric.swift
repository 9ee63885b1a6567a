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
    guard !criteria.isEmpty else { throw JuryError.invalidRubric("The rubric needs at least one criterion.") }
    var keys = Set<String>()
    for c in criteria {
      guard !c.key.isEmpty, c.key.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
        c.key.first!.isLetter
      else {
        throw JuryError.invalidRubric(
          "A criterion key is a short lowercase word (letters, digits, hyphens) starting with a letter, not \"\(c.key)\"."
        )
      }
      guard keys.insert(c.key).inserted else {
        throw JuryError.invalidRubric("The criterion \"\(c.key)\" appears twice.")
      }
      guard c.weight > 0, c.weight.isFinite else {
        throw JuryError.invalidRubric("The weight of \"\(c.key)\" must be above zero.")
      }
      guard c.scaleMax > c.scaleMin else {
        throw JuryError.invalidRubric("The scale of \"\(c.key)\" must run from a lower to a higher whole number.")
      }
      guard !["comment", "juror", "code", "submission", "title", "medium"].contains(c.key) else {
        throw JuryError.invalidRubric("\"\(c.key)\" is reserved for the scoring sheet; choose another key.")
      }
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
