import Catalog
import Foundation

extension Jury {
  package func rubric() throws -> [Criterion] { try archive.criteria(exhibition: exhibition.id) }

  /// True once any score exists: from then on the rubric is fixed.
  package func scoringHasBegun() throws -> Bool {
    try archive.scoringHasBegun(exhibition: exhibition.id)
  }

  /// Replaces the rubric, refused once scoring has begun.
  package func setRubric(_ criteria: [Criterion]) throws {
    do { try Criterion.validate(criteria) } catch let error as CatalogError {
      throw JuryError.invalidRubric(error.description)
    }
    try archive.transaction {
      if try scoringHasBegun() { throw JuryError.rubricLocked }
      try archive.replaceCriteria(exhibition: exhibition.id, with: criteria)
      try archive.record(
        "rubric-changed", exhibition: exhibition.id,
        detail: ["criteria": criteria.map { "\($0.key):\($0.weight):\($0.scaleMin)-\($0.scaleMax)" }])
    }
  }
}
