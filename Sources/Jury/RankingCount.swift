import Basics
import Catalog
import Foundation

/// The standings of a ranking round: each juror places their works 1 (best) to L. Counted by
/// Schulze over each juror's ranking (a pair no juror ranked both of is no preference), with
/// Borda beside it, normalised by the length of each juror's list so a juror given more works
/// does not weigh more: place r of L is worth (L − r) / (L − 1), from 1 for the first to 0 for
/// the last; and the mean place.
package enum RankingCount {
  package static let method =
    "Schulze over each juror's ranking; raw and normalised are Borda points normalised by list length (1 first, 0 last)"

  /// The standings of `round` (nil: no rounds) by its kind: a ranking as here, a rating or a
  /// yes-no round (whose vote is a criterion from 0 to 1) by `StandingsCalculator`.
  static func standings(
    criteria: [Criterion], works: [StandingsCalculator.WorkInput], scores: [StandingsCalculator.ScoreInput],
    by basis: RankingBasis, shortlist: Int, round: RoundScope?, lists: [String: Int]
  ) -> Standings {
    var standings =
      round?.record.kind == .ranking
      ? compute(works: works, scores: scores, lists: lists, by: basis)
      : StandingsCalculator.compute(criteria: criteria, works: works, scores: scores, by: basis, shortlist: shortlist)
    if let round {
      standings.round = round.record.name
      standings.kind = round.record.kind.rawValue
      if round.record.kind == .yesNo { standings.method = "share of yes votes (raw)" }
    }
    return standings
  }

  /// `scores` hold each juror's `rank`; `lists` how many works each juror ranks.
  package static func compute(
    works: [StandingsCalculator.WorkInput], scores: [StandingsCalculator.ScoreInput], lists: [String: Int],
    by basis: RankingBasis
  ) -> Standings {
    let ranked = scores.compactMap { s in s.values["rank"].map { (juror: s.juror, work: s.work, rank: $0) } }
    let table = rows(works: works, ranked: ranked, lists: lists, by: basis)
    let leaders = Set(table.filter { $0.rank == 1 }.map(\.id))
    var dependsOn: [String] = []
    for juror in Set(ranked.map(\.juror)).sorted() {
      let without = rows(works: works, ranked: ranked.filter { $0.juror != juror }, lists: lists, by: basis)
      if Set(without.filter { $0.rank == 1 }.map(\.id)) != leaders { dependsOn.append(juror) }
    }
    func top(_ value: (Standing) -> Double?) -> [String] {
      guard let best = table.compactMap(value).max() else { return [] }
      return table.filter { value($0) == best }.map(\.id).sorted(by: NaturalOrder.ascending)
    }
    let winners = MethodWinners(
      raw: top(\.raw), normalized: top(\.normalized),
      schulze: table.filter { $0.schulzeRank == 1 }.map(\.id).sorted(by: NaturalOrder.ascending))
    let criterion = Criterion(
      key: "rank", label: "Rank (1 is best)", weight: 1, scaleMin: 1, scaleMax: max(works.count, 1))
    return Standings(
      criteria: [criterion], by: basis.rawValue, standings: table, leaderStable: dependsOn.isEmpty,
      leaderDependsOn: dependsOn, tiedForFirst: leaders.count > 1 ? table.filter { $0.rank == 1 }.map(\.id) : [],
      shortlistLimit: works.count, shortlistSize: table.filter { $0.schulzeRank != nil }.count, winners: winners,
      methodsAgree: !winners.raw.isEmpty && winners.raw == winners.schulze, jurors: [], withdrawn: [],
      method: method)
  }

  /// Borda points for place `rank` in a list of `length`.
  package static func points(rank: Int, length: Int) -> Double {
    length > 1 ? Double(max(length - rank, 0)) / Double(length - 1) : 1
  }

  static func rows(
    works: [StandingsCalculator.WorkInput], ranked: [(juror: String, work: String, rank: Int)], lists: [String: Int],
    by basis: RankingBasis
  ) -> [Standing] {
    var byWork: [String: [(juror: String, rank: Int)]] = [:]
    var ballots: [String: [String: Double]] = [:]
    for entry in ranked {
      byWork[entry.work, default: []].append((entry.juror, entry.rank))
      // Higher is preferred on a ballot: the place, negated.
      ballots[entry.juror, default: [:]][entry.work] = -Double(entry.rank)
    }
    let ids = works.map(\.id)
    let schulze = Schulze.ranks(ids, ballots: ballots.keys.sorted().compactMap { ballots[$0] })
    var table: [Standing] = works.map { work in
      let entries = byWork[work.id] ?? []
      let points = entries.map {
        Self.points(rank: $0.rank, length: max(lists[$0.juror] ?? 0, $0.rank))
      }
      var flags: [String] = []
      if entries.isEmpty {
        flags.append("no-scores")
      } else if entries.count < work.assigned {
        flags.append("missing-scores")
      }
      let borda = StandingsCalculator.mean(points).map(StandingsCalculator.round6)
      return Standing(
        id: work.id, title: work.title, rank: nil, raw: borda, normalized: borda, scores: entries.count,
        assigned: work.assigned,
        spread: points.isEmpty ? nil : StandingsCalculator.round6(points.max()! - points.min()!),
        flags: flags, previouslyPublished: work.previouslyPublished, underReview: work.underReview,
        schulzeRank: entries.isEmpty ? nil : schulze[work.id], version: work.version, scoredVersion: nil,
        meanRank: StandingsCalculator.mean(entries.map { Double($0.rank) }).map(StandingsCalculator.round6))
    }
    // Schulze first, Borda between equals; or Borda alone. Unranked works last, by id.
    func key(_ s: Standing) -> (Double, Double)? {
      guard let borda = s.raw else { return nil }
      return basis == .schulze ? (-Double(s.schulzeRank ?? Int.max), borda) : (borda, 0)
    }
    table.sort { a, b in
      switch (key(a), key(b)) {
      case let (x?, y?) where x != y: return x > y
      case (_?, nil): return true
      case (nil, _?): return false
      default: return NaturalOrder.ascending(a.id, b.id)
      }
    }
    // Competition ranks: equal keys share a rank. Under Schulze, equal Schulze ranks tie only
    // when Borda ties too.
    var previous: (Double, Double)?
    var previousRank = 0
    for index in table.indices {
      guard let k = key(table[index]) else { continue }
      let rank = previous.map { $0 == k } == true ? previousRank : index + 1
      table[index].rank = rank
      previous = k
      previousRank = rank
    }
    let counts = Dictionary(grouping: table.compactMap(\.rank), by: { $0 }).mapValues(\.count)
    for index in table.indices where (table[index].rank.flatMap { counts[$0] } ?? 0) > 1 {
      table[index].flags.append("tied")
    }
    return table
  }
}
