import Catalog
import Foundation

/// Who has scored what.
public struct JuryProgress: Codable, Equatable, Sendable {
  public struct JurorLine: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var assigned: Int
    public var scored: Int
  }
  public struct WorkLine: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var assigned: Int
    public var scores: Int
  }
  public var jurors: [JurorLine]
  public var works: [WorkLine]
  public var locked: Bool
}

extension Jury {
  public func progress() throws -> JuryProgress {
    let criteria = try rubric()
    let pairs = try assignmentPairs()
    let complete = Set(
      try currentScores().filter { score in criteria.allSatisfy { score.values[$0.key] != nil } }
        .map(\.pair))
    // Grouped once, so each juror and each work is a lookup rather than a pass over every pair.
    let byJuror = Dictionary(grouping: pairs, by: \.juror)
    let byWork = Dictionary(grouping: pairs, by: \.work)
    let jurorLines = try jurors().map { juror in
      let mine = byJuror[juror.rowID] ?? []
      return JuryProgress.JurorLine(
        id: juror.id, name: juror.name, assigned: mine.count,
        scored: mine.filter { complete.contains($0) }.count)
    }
    let workLines = try archive.works(exhibition: exhibition).compactMap { work -> JuryProgress.WorkLine? in
      guard let theirs = byWork[work.rowID], !theirs.isEmpty else { return nil }
      return JuryProgress.WorkLine(
        id: work.id, title: work.title, assigned: theirs.count,
        scores: theirs.filter { complete.contains($0) }.count)
    }
    return JuryProgress(jurors: jurorLines, works: workLines, locked: try scoringLocked())
  }
}
