import Catalog
import Foundation

/// One work's line in the standings.
public struct Standing: Codable, Equatable, Sendable {
  public var id: String
  public var title: String
  /// Shared by works with equal scores (1, 1, 3…); nil for a work with no scores.
  public var rank: Int?
  /// Mean over jurors of each juror's weighted mean of the criteria.
  public var raw: Double?
  /// The same, after standardising each juror's scores and mapping them back to the scale.
  public var normalized: Double?
  /// Jurors who scored every criterion.
  public var scores: Int
  public var assigned: Int
  /// Highest minus lowest juror score (raw).
  public var spread: Double?
  /// `missing-scores`, `no-scores`, `disagreement`, `tied`.
  public var flags: [String]
  public var previouslyPublished: Answer
  public var underReview: Answer
}

/// The whole table, with what the organisers need to defend it.
public struct Standings: Codable, Equatable, Sendable {
  public var criteria: [Criterion]
  public var by: String
  public var standings: [Standing]
  /// Whether the leader stays the leader when any single juror is left out.
  public var leaderStable: Bool
  /// Jurors whose absence would change the leader.
  public var leaderDependsOn: [String]
  /// Works sharing the top rank (more than one means a split prize).
  public var tiedForFirst: [String]
}

public enum RankingBasis: String, Sendable { case raw, normalized }

/// The arithmetic of the standings, apart from the catalog, so it can be checked by hand.
public enum StandingsCalculator {
  public struct WorkInput: Sendable {
    public var id: String
    public var title: String
    public var assigned: Int
    public var previouslyPublished: Answer = .unknown
    public var underReview: Answer = .unknown
    public init(id: String, title: String, assigned: Int) {
      self.id = id
      self.title = title
      self.assigned = assigned
    }
  }

  public struct ScoreInput: Sendable {
    public var juror: String
    public var work: String
    public var values: [String: Int]
    public init(juror: String, work: String, values: [String: Int]) {
      self.juror = juror
      self.work = work
      self.values = values
    }
  }

  /// Spread at or above this share of the scale's range is flagged as disagreement.
  public static let disagreementShare = 0.3

  public static func compute(
    criteria: [Criterion], works: [WorkInput], scores: [ScoreInput], by basis: RankingBasis
  ) -> Standings {
    let table = rows(criteria: criteria, works: works, scores: scores, by: basis)
    let leaders = Set(table.filter { $0.rank == 1 }.map(\.id))
    var dependsOn: [String] = []
    for juror in Set(scores.map(\.juror)).sorted() {
      let without = rows(criteria: criteria, works: works, scores: scores.filter { $0.juror != juror }, by: basis)
      if Set(without.filter { $0.rank == 1 }.map(\.id)) != leaders { dependsOn.append(juror) }
    }
    return Standings(
      criteria: criteria, by: basis.rawValue, standings: table, leaderStable: dependsOn.isEmpty,
      leaderDependsOn: dependsOn, tiedForFirst: leaders.count > 1 ? table.filter { $0.rank == 1 }.map(\.id) : [])
  }

  /// A juror's single score for a work: the weighted mean of the criteria, when all are scored.
  static func weighted(_ values: [String: Int], _ criteria: [Criterion]) -> Double? {
    var sum = 0.0
    var weights = 0.0
    for c in criteria {
      guard let v = values[c.key] else { return nil }
      sum += c.weight * Double(v)
      weights += c.weight
    }
    return weights > 0 ? sum / weights : nil
  }

  static func rows(criteria: [Criterion], works: [WorkInput], scores: [ScoreInput], by basis: RankingBasis)
    -> [Standing]
  {
    let low = Double(criteria.map(\.scaleMin).min() ?? 1)
    let high = Double(criteria.map(\.scaleMax).max() ?? 10)
    var rawByWork: [String: [(juror: String, value: Double)]] = [:]
    var rawByJuror: [String: [Double]] = [:]
    for s in scores {
      guard let value = weighted(s.values, criteria) else { continue }
      rawByWork[s.work, default: []].append((s.juror, value))
      rawByJuror[s.juror, default: []].append(value)
    }
    let normaliser = Normaliser(byJuror: rawByJuror, scale: low...high)

    var table: [Standing] = works.map { work in
      let entries = rawByWork[work.id] ?? []
      let raws = entries.map(\.value)
      let normalized = entries.map { normaliser.normalised($0.value, juror: $0.juror) }
      var flags: [String] = []
      if entries.isEmpty {
        flags.append("no-scores")
      } else if entries.count < work.assigned {
        flags.append("missing-scores")
      }
      let spread = raws.isEmpty ? nil : (raws.max()! - raws.min()!)
      if let spread, spread >= disagreementShare * (high - low) { flags.append("disagreement") }
      return Standing(
        id: work.id, title: work.title, rank: nil, raw: mean(raws).map(round6),
        normalized: mean(normalized).map(round6),
        scores: entries.count, assigned: work.assigned, spread: spread.map(round6), flags: flags,
        previouslyPublished: work.previouslyPublished, underReview: work.underReview)
    }
    func key(_ s: Standing) -> Double? { basis == .raw ? s.raw : s.normalized }
    table.sort { a, b in
      switch (key(a), key(b)) {
      case let (x?, y?) where x != y: return x > y
      case (_?, nil): return true
      case (nil, _?): return false
      default: return a.id.localizedStandardCompare(b.id) == .orderedAscending
      }
    }
    // Competition ranking: equal scores share a rank, the next rank skips.
    var previous: Double?
    var previousRank = 0
    for index in table.indices {
      guard let value = key(table[index]) else { continue }
      let rank = value == previous ? previousRank : index + 1
      table[index].rank = rank
      previous = value
      previousRank = rank
    }
    let counts = Dictionary(grouping: table.compactMap(\.rank), by: { $0 }).mapValues(\.count)
    for index in table.indices where (table[index].rank.flatMap { counts[$0] } ?? 0) > 1 {
      table[index].flags.append("tied")
    }
    return table
  }

  /// Standardises each juror's scores against that juror's own and maps them back onto the
  /// pooled mean and deviation of everyone's, within the scale: a lenient and a strict juror
  /// then count alike. A juror whose scores do not vary gets the pooled mean.
  struct Normaliser<Juror: Hashable> {
    let poolMean: Double
    let poolDeviation: Double
    let scale: ClosedRange<Double>
    let jurors: [Juror: (mean: Double, deviation: Double)]

    init(byJuror scores: [Juror: [Double]], scale: ClosedRange<Double>) {
      let all = scores.values.flatMap { $0 }
      let poolMean = mean(all) ?? (scale.lowerBound + scale.upperBound) / 2
      self.poolMean = poolMean
      poolDeviation = deviation(all) ?? 0
      self.scale = scale
      jurors = scores.mapValues { (mean($0) ?? poolMean, deviation($0) ?? 0) }
    }

    func normalised(_ value: Double, juror: Juror) -> Double {
      guard let own = jurors[juror], own.deviation > 0 else { return poolMean }
      let z = (value - own.mean) / own.deviation
      return min(scale.upperBound, max(scale.lowerBound, poolMean + z * poolDeviation))
    }
  }

  static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }

  /// Population standard deviation; nil for fewer than two values.
  static func deviation(_ values: [Double]) -> Double? {
    guard values.count > 1, let m = mean(values) else { return nil }
    return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
  }

  /// Six decimals: enough for any scale, and equal scores compare equal.
  static func round6(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}

extension Jury {
  public func standings(by basis: RankingBasis) throws -> Standings {
    let criteria = try rubric()
    let works = try archive.works(exhibition: exhibition).filter { $0.status == .accepted }
    let jurors = Dictionary(uniqueKeysWithValues: try jurors().map { ($0.rowID, $0.id) })
    let pairs = try assignmentPairs()
    let assignedCount = Dictionary(grouping: pairs, by: \.work).mapValues(\.count)
    let workByRow = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0) })
    let inputs = works.filter { assignedCount[$0.rowID] != nil }.map { work -> StandingsCalculator.WorkInput in
      var input = StandingsCalculator.WorkInput(
        id: work.id, title: work.title, assigned: assignedCount[work.rowID] ?? 0)
      input.previouslyPublished = work.declarations.previouslyPublished
      input.underReview = work.declarations.underReview
      return input
    }
    let scores = try currentScores().compactMap { score -> StandingsCalculator.ScoreInput? in
      guard let juror = jurors[score.pair.juror], let work = workByRow[score.pair.work] else { return nil }
      return StandingsCalculator.ScoreInput(juror: juror, work: work.id, values: score.values)
    }
    return StandingsCalculator.compute(criteria: criteria, works: inputs, scores: scores, by: basis)
  }
}
