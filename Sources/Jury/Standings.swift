import Basics
import Catalog
import Foundation

/// One work's line in the standings.
package struct Standing: Codable, Equatable, Sendable {
  package var id: String
  package var title: String
  /// Shared by works with equal scores (1, 1, 3…); nil for a work with no scores.
  package var rank: Int?
  /// Mean over jurors of each juror's weighted mean of the criteria.
  package var raw: Double?
  /// The same, after standardising each juror's scores and mapping them back to the scale.
  package var normalized: Double?
  /// Jurors who scored every criterion.
  package var scores: Int
  package var assigned: Int
  /// Highest minus lowest juror score (raw).
  package var spread: Double?
  /// `missing-scores`, `no-scores`, `disagreement`, `tied`, `new-version`.
  package var flags: [String]
  package var previouslyPublished: Answer
  package var underReview: Answer
  /// Rank by the Schulze method among the shortlist; nil outside it.
  package var schulzeRank: Int?
  /// The work's latest version, and the earliest version a counted score was given to: when the
  /// second is lower, the scores refer to an earlier version (flag `new-version`).
  package var version: Int?
  package var scoredVersion: Int?
  /// In a ranking round: the mean of the places jurors gave the work (1 is best).
  package var meanRank: Double? = nil
  /// Why the work cannot win as it stands (`undecided`, `declined`, `rights-not-granted`,
  /// `authorship-not-affirmed`), so a ranked work the prize would refuse is marked.
  package var cannotWin: [String] = []
}

/// How a juror scores overall, so a harsh or a lenient juror is visible.
package struct JurorCalibration: Codable, Equatable, Sendable {
  package var juror: String
  /// Mean of the juror's weighted scores.
  package var mean: Double?
  /// Their standard deviation (population).
  package var spread: Double?
  /// How many works the juror scored on every criterion.
  package var count: Int
}

/// The leaders by each method.
package struct MethodWinners: Codable, Equatable, Sendable {
  package var raw: [String]
  package var normalized: [String]
  package var schulze: [String]
}

/// The whole table, with what the organisers need to defend it.
package struct Standings: Codable, Equatable, Sendable {
  package var criteria: [Criterion]
  package var by: String
  package var standings: [Standing]
  /// Whether the leader stays the leader when any single juror is left out.
  package var leaderStable: Bool
  /// Jurors whose absence would change the leader.
  package var leaderDependsOn: [String]
  /// Works sharing the top rank (more than one means a split prize).
  package var tiedForFirst: [String]
  /// The Schulze method is cubic in the number of works, so it ranks only the shortlist: the
  /// works ranked within `shortlistLimit` by normalised score (ties at the edge included, unless
  /// they would carry it past `StandingsCalculator.schulzeLimit` works).
  package var shortlistLimit: Int
  package var shortlistSize: Int
  package var winners: MethodWinners
  /// Whether raw, normalised and Schulze agree on the winner.
  package var methodsAgree: Bool
  package var jurors: [JurorCalibration]
  /// Scores that no longer count: a conflict declared after scoring, or a juror removed.
  package var withdrawn: [WithdrawnScore]
  /// Judged in rounds: the round counted, its kind, and how its works were compared.
  package var round: String? = nil
  package var kind: String? = nil
  package var method: String? = nil
}

package enum RankingBasis: String, CaseIterable, Sendable { case raw, normalized, schulze }

/// The arithmetic of the standings, apart from the catalog, so it can be checked by hand.
package enum StandingsCalculator {
  package struct WorkInput: Sendable {
    package var id: String
    package var title: String
    package var assigned: Int
    package var previouslyPublished: Answer = .unknown
    package var underReview: Answer = .unknown
    package var version: Int?
    package init(id: String, title: String, assigned: Int) {
      self.id = id
      self.title = title
      self.assigned = assigned
    }
  }

  package struct ScoreInput: Sendable {
    package var juror: String
    package var work: String
    package var values: [String: Int]
    /// The version of the work the score was given to, when known.
    package var version: Int?
    package init(juror: String, work: String, values: [String: Int], version: Int? = nil) {
      self.juror = juror
      self.work = work
      self.values = values
      self.version = version
    }
  }

  /// Spread at or above this share of the scale's range is flagged as disagreement.
  package static let disagreementShare = 0.3

  package static let defaultShortlist = 50

  /// The most works Schulze is given. Its tables hold n² counts and its paths take up to n³ steps,
  /// and the shortlist takes in every work tied at its edge: after a triage of 100,000 works,
  /// some 30,000 share every yes vote and tie for first, which would need two tables of 7 GB.
  package static let schulzeLimit = 1000

  /// Positions (the table in normalised order, `ranks` its competition ranks) of the works ranked
  /// within `shortlist`, with the works tied at the edge; a group of tied works that would carry
  /// the list past `schulzeLimit` is left out whole, as is everything after it.
  static func shortlisted(_ ranks: [Int?], within shortlist: Int) -> [Int] {
    let listed = ranks.indices.filter { (ranks[$0] ?? Int.max) <= shortlist }
    guard listed.count > schulzeLimit else { return listed }
    // A group of rank r holds the places r to r + size - 1.
    let sizes = Dictionary(grouping: listed.compactMap { ranks[$0] }, by: { $0 }).mapValues(\.count)
    let fits = Set(sizes.filter { $0.key - 1 + $0.value <= schulzeLimit }.keys)
    var kept: [Int] = []
    for index in listed {
      guard let rank = ranks[index], fits.contains(rank) else { break }
      kept.append(index)
    }
    return kept
  }

  package static func compute(
    criteria: [Criterion], works: [WorkInput], scores: [ScoreInput], by basis: RankingBasis,
    shortlist: Int = defaultShortlist
  ) -> Standings {
    // Weighed once, and the works' order by id found once: the table is computed again with
    // each juror left out, and comparing ids as a person would is slow.
    let scored = scores.compactMap { s in
      weighted(s.values, criteria).map { Scored(juror: s.juror, work: s.work, value: $0, version: s.version) }
    }
    let byID = works.indices.sorted { NaturalOrder.ascending(works[$0].id, works[$1].id) }
    var idOrder: [String: Int] = [:]
    for (place, index) in byID.enumerated() { idOrder[works[index].id] = place }
    let table = rows(
      criteria: criteria, works: works, scored: scored, by: basis, shortlist: shortlist, idOrder: idOrder)
    let leaders = Set(table.filter { $0.rank == 1 }.map(\.id))
    var dependsOn: [String] = []
    for juror in Set(scores.map(\.juror)).sorted() {
      let others = scored.filter { $0.juror != juror }
      let without: Set<String>
      if basis == .schulze {
        without = Set(
          rows(criteria: criteria, works: works, scored: others, by: basis, shortlist: shortlist, idOrder: idOrder)
            .filter { $0.rank == 1 }.map(\.id))
      } else {
        without = firstPlaced(criteria: criteria, works: works, scored: others, by: basis)
      }
      if without != leaders { dependsOn.append(juror) }
    }
    func top(_ value: (Standing) -> Double?) -> [String] {
      guard let best = table.compactMap(value).max() else { return [] }
      return table.filter { value($0) == best }.map(\.id).sorted {
        $0.localizedStandardCompare($1) == .orderedAscending
      }
    }
    let winners = MethodWinners(
      raw: top(\.raw), normalized: top(\.normalized),
      schulze: table.filter { $0.schulzeRank == 1 }.map(\.id).sorted {
        $0.localizedStandardCompare($1) == .orderedAscending
      })
    return Standings(
      criteria: criteria, by: basis.rawValue, standings: table, leaderStable: dependsOn.isEmpty,
      leaderDependsOn: dependsOn, tiedForFirst: leaders.count > 1 ? table.filter { $0.rank == 1 }.map(\.id) : [],
      shortlistLimit: shortlist, shortlistSize: table.filter { $0.schulzeRank != nil }.count, winners: winners,
      methodsAgree: !winners.raw.isEmpty && winners.raw == winners.normalized && winners.normalized == winners.schulze,
      jurors: calibration(criteria: criteria, scores: scores), withdrawn: [])
  }

  /// Each juror's mean, spread and count of weighted scores, in juror order.
  package static func calibration(criteria: [Criterion], scores: [ScoreInput]) -> [JurorCalibration] {
    var byJuror: [String: [Double]] = [:]
    for s in scores { if let v = weighted(s.values, criteria) { byJuror[s.juror, default: []].append(v) } }
    return Set(scores.map(\.juror)).sorted().map { juror in
      let values = byJuror[juror] ?? []
      return JurorCalibration(
        juror: juror, mean: mean(values).map(round6),
        spread: (deviation(values) ?? (values.isEmpty ? nil : 0)).map(round6),
        count: values.count)
    }
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

  /// A juror's weighted score for a work.
  struct Scored {
    var juror: String
    var work: String
    var value: Double
    var version: Int?
  }

  /// The works `rows` would rank first by raw or normalised score, found without building the
  /// table: the same means, computed from the same values in the same order (so equal scores stay
  /// equal to the last bit), and their maximum. Leaving each juror out in turn costs one pass
  /// over the scores, not a whole table with a shortlist and Schulze: with 50 jurors, standings
  /// computed the table 51 times.
  static func firstPlaced(criteria: [Criterion], works: [WorkInput], scored: [Scored], by basis: RankingBasis)
    -> Set<String>
  {
    precondition(basis != .schulze, "Schulze's first place needs the shortlist: use rows")
    let low = Double(criteria.map(\.scaleMin).min() ?? 1)
    let high = Double(criteria.map(\.scaleMax).max() ?? 10)
    var rawByWork: [String: [(juror: String, value: Double)]] = [:]
    var rawByJuror: [String: [Double]] = [:]
    for s in scored {
      rawByWork[s.work, default: []].append((s.juror, s.value))
      rawByJuror[s.juror, default: []].append(s.value)
    }
    let normaliser = Normaliser(byJuror: rawByJuror, scale: low...high)
    var best: Double?
    var first: Set<String> = []
    for work in works {
      guard let entries = rawByWork[work.id], !entries.isEmpty else { continue }
      let values =
        basis == .raw ? entries.map(\.value) : entries.map { normaliser.normalised($0.value, juror: $0.juror) }
      guard let key = mean(values).map(round6) else { continue }
      if best == nil || key > best! {
        best = key
        first = [work.id]
      } else if key == best {
        first.insert(work.id)
      }
    }
    return first
  }

  /// `idOrder`: each work's place when the ids are sorted as a person would (2 before 10), the
  /// last word between equal scores.
  static func rows(
    criteria: [Criterion], works: [WorkInput], scored: [Scored], by basis: RankingBasis, shortlist: Int,
    idOrder: [String: Int]
  ) -> [Standing] {
    let low = Double(criteria.map(\.scaleMin).min() ?? 1)
    let high = Double(criteria.map(\.scaleMax).max() ?? 10)
    var rawByWork: [String: [(juror: String, value: Double, version: Int?)]] = [:]
    var rawByJuror: [String: [Double]] = [:]
    for s in scored {
      rawByWork[s.work, default: []].append((s.juror, s.value, s.version))
      rawByJuror[s.juror, default: []].append(s.value)
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
      // The earliest version any counted score was given to; unknown when any is unrecorded.
      let versions = entries.map(\.version)
      let scoredVersion = versions.contains(nil) ? nil : versions.compactMap { $0 }.min()
      if let scoredVersion, let latest = work.version, scoredVersion < latest { flags.append("new-version") }
      return Standing(
        id: work.id, title: work.title, rank: nil, raw: mean(raws).map(round6),
        normalized: mean(normalized).map(round6),
        scores: entries.count, assigned: work.assigned, spread: spread.map(round6), flags: flags,
        previouslyPublished: work.previouslyPublished, underReview: work.underReview, schulzeRank: nil,
        version: work.version, scoredVersion: scoredVersion)
    }
    // The keys are read once and positions sorted, rather than the rows themselves.
    func order(_ key: (Standing) -> Double?) {
      let keys = table.map(key)
      let ties = table.map { idOrder[$0.id] ?? Int.max }
      let sorted = table.indices.sorted { a, b in
        switch (keys[a], keys[b]) {
        case let (x?, y?) where x != y: return x > y
        case (_?, nil): return true
        case (nil, _?): return false
        default: return ties[a] < ties[b]
        }
      }
      table = sorted.map { table[$0] }
    }
    // Competition ranking: equal keys share a rank, the next rank skips.
    func ranks(_ key: (Standing) -> Double?) -> [Int?] {
      var result: [Int?] = Array(repeating: nil, count: table.count)
      var previous: Double?
      var previousRank = 0
      for index in table.indices {
        guard let value = key(table[index]) else { continue }
        let rank = value == previous ? previousRank : index + 1
        result[index] = rank
        previous = value
        previousRank = rank
      }
      return result
    }
    // The shortlist: ranked within `shortlist` by normalised score.
    order(\.normalized)
    let normalizedRanks = ranks(\.normalized)
    let listed = shortlisted(normalizedRanks, within: shortlist)
    var ballots: [String: [String: Double]] = [:]
    let listedIDs = Set(listed.map { table[$0].id })
    for (work, entries) in rawByWork where listedIDs.contains(work) {
      for entry in entries { ballots[entry.juror, default: [:]][work] = entry.value }
    }
    let schulze = Schulze.ranks(
      listed.map { table[$0].id }, ballots: ballots.keys.sorted().compactMap { ballots[$0] })
    for index in listed { table[index].schulzeRank = schulze[table[index].id] }
    // By Schulze: the shortlist in Schulze order above the rest in normalised order (any score
    // on a scale is far below 10^12).
    let key: (Standing) -> Double? =
      switch basis {
      case .raw: { $0.raw }
      case .normalized: { $0.normalized }
      case .schulze: { s in s.schulzeRank.map { 1e12 - Double($0) } ?? s.normalized }
      }
    if basis != .normalized { order(key) }
    let final = ranks(key)
    for index in table.indices { table[index].rank = final[index] }
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
  /// Judged in rounds, the last closed round's (see `standingsRound`).
  package func standings(by basis: RankingBasis, shortlist: Int = StandingsCalculator.defaultShortlist) throws
    -> Standings
  {
    try standings(by: basis, round: standingsRound(), shortlist: shortlist)
  }

  func standings(by basis: RankingBasis, round: RoundScope?, shortlist: Int = StandingsCalculator.defaultShortlist)
    throws -> Standings
  {
    let criteria = try round?.criteria ?? rubric()
    var counted = try countedJury(works: nil, round: round)
    let works = counted.works.filter { $0.status == .accepted }
    let jurors = Dictionary(uniqueKeysWithValues: counted.jurors.map { ($0.rowID, $0.id) })
    let assignedCount = Dictionary(grouping: counted.assignments, by: \.work).mapValues(\.count)
    let workByRow = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0) })
    let versions = try archive.latestVersionNumbers(exhibition: exhibition.id)
    let scored = Set(counted.scores.map(\.pair.work))
    let inputs = works.filter { assignedCount[$0.rowID] != nil || scored.contains($0.rowID) }.map {
      work -> StandingsCalculator.WorkInput in
      var input = StandingsCalculator.WorkInput(
        id: work.id, title: work.title, assigned: assignedCount[work.rowID] ?? 0)
      input.previouslyPublished = work.declarations.previouslyPublished
      input.underReview = work.declarations.underReview
      input.version = versions[work.rowID]
      return input
    }
    let scores = counted.scores.compactMap { score -> StandingsCalculator.ScoreInput? in
      guard let juror = jurors[score.pair.juror], let work = workByRow[score.pair.work] else { return nil }
      return StandingsCalculator.ScoreInput(
        juror: juror, work: work.id, values: score.values, version: score.version)
    }
    // Each score is held once from here on.
    counted.scores = []
    counted.works = []
    var standings = RankingCount.standings(
      criteria: criteria, works: inputs, scores: scores, by: basis, shortlist: shortlist, round: round,
      lists: counted.assignments.reduce(into: [:]) { lists, pair in
        jurors[pair.juror].map { lists[$0, default: 0] += 1 }
      })
    standings.withdrawn = counted.withdrawn
    let byID = Dictionary(works.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    for index in standings.standings.indices {
      guard let work = byID[standings.standings[index].id] else { continue }
      standings.standings[index].cannotWin = Self.whyItCannotWin(work)
    }
    return standings
  }
}
