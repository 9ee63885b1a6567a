import Catalog
import Testing

@testable import Jury

/// The standings arithmetic against examples worked by hand.
@Suite struct StandingsTests {
  let twoCriteria = Criterion.defaults
  func work(_ id: String, assigned: Int = 2) -> StandingsCalculator.WorkInput {
    StandingsCalculator.WorkInput(id: id, title: id, assigned: assigned)
  }
  func score(_ juror: String, _ work: String, _ merit: Int, _ relevance: Int) -> StandingsCalculator.ScoreInput {
    .init(juror: juror, work: work, values: ["merit": merit, "relevance": relevance])
  }

  /// Leaving a juror out finds the first place without building the table; on calls made to
  /// tie often (few jurors, a narrow band of scores), it must name exactly the works the whole
  /// table ranks first, by raw and by normalised score, with every juror left out in turn.
  @Test func theLeaveOneOutShortcutRanksFirstWhatTheWholeTableDoes() {
    var random = SeededRandom(seed: 7)
    var compared = 0
    var ties = 0
    for _ in 0..<60 {
      let works = (1...Int.random(in: 2...25, using: &random)).map { work("w\($0)") }
      let jurors = (1...Int.random(in: 2...6, using: &random)).map { "j\($0)" }
      var scores: [StandingsCalculator.ScoreInput] = []
      for w in works {
        for j in jurors where Int.random(in: 0..<3, using: &random) > 0 {
          scores.append(score(j, w.id, Int.random(in: 6...8, using: &random), Int.random(in: 6...8, using: &random)))
        }
      }
      let scored = scores.compactMap { s in
        StandingsCalculator.weighted(s.values, twoCriteria).map {
          StandingsCalculator.Scored(juror: s.juror, work: s.work, value: $0, version: nil)
        }
      }
      let idOrder = Dictionary(uniqueKeysWithValues: works.enumerated().map { ($1.id, $0) })
      for basis in [RankingBasis.raw, .normalized] {
        for left in [nil] + jurors {
          let others = scored.filter { $0.juror != left }
          let table = StandingsCalculator.rows(
            criteria: twoCriteria, works: works, scored: others, by: basis, shortlist: 50, idOrder: idOrder)
          let expected = Set(table.filter { $0.rank == 1 }.map(\.id))
          let found = StandingsCalculator.firstPlaced(criteria: twoCriteria, works: works, scored: others, by: basis)
          #expect(found == expected, "\(basis) without \(left ?? "nobody"): \(found) vs \(expected)")
          compared += 1
          if expected.count > 1 { ties += 1 }
        }
      }
    }
    #expect(compared > 300)
    #expect(ties > 20, "the inputs must tie often for the comparison to mean something: \(ties)")
  }

  /// A scores X (8,6)→7, Y (5,5)→5, Z (9,9)→9; B scores X (7,7)→7, Y (6,4)→5, Z (6,8)→7.
  var example: [StandingsCalculator.ScoreInput] {
    [
      score("A", "X", 8, 6), score("A", "Y", 5, 5), score("A", "Z", 9, 9),
      score("B", "X", 7, 7), score("B", "Y", 6, 4), score("B", "Z", 6, 8),
    ]
  }

  @Test func rawScoresAreTheMeanOfEachJurorsWeightedMean() {
    let s = StandingsCalculator.compute(
      criteria: twoCriteria, works: ["X", "Y", "Z"].map { work($0) }, scores: example, by: .raw)
    #expect(s.standings.map(\.id) == ["Z", "X", "Y"])
    #expect(s.standings.map(\.raw) == [8, 7, 5])
    #expect(s.standings.map(\.rank) == [1, 2, 3])
    #expect(s.standings.map(\.spread) == [2, 0, 0])
  }

  /// By hand: A's scores have mean 7 and deviation 1.633, B's mean 6.333 and deviation 0.943;
  /// all six have mean 6.667 and deviation 1.374. Standardised and mapped back, then averaged:
  /// X = (6.667 + 7.638) / 2 = 7.153, Y = (4.983 + 4.723) / 2 = 4.853, Z = (8.350 + 7.638) / 2 = 7.994.
  @Test func normalisedScoresStandardiseEachJurorAndMapBackToTheScale() {
    let s = StandingsCalculator.compute(
      criteria: twoCriteria, works: ["X", "Y", "Z"].map { work($0) }, scores: example, by: .normalized)
    let byID = Dictionary(uniqueKeysWithValues: s.standings.map { ($0.id, $0.normalized!) })
    #expect(abs(byID["X"]! - 7.153) < 0.001)
    #expect(abs(byID["Y"]! - 4.853) < 0.001)
    #expect(abs(byID["Z"]! - 7.994) < 0.001)
  }

  /// Leaving A out, B alone ranks X and Z equal (7 and 7): the leader depends on A.
  @Test func reportsWhetherTheLeaderSurvivesLeavingOutAnyJuror() {
    let s = StandingsCalculator.compute(
      criteria: twoCriteria, works: ["X", "Y", "Z"].map { work($0) }, scores: example, by: .raw)
    #expect(s.leaderStable == false)
    #expect(s.leaderDependsOn == ["A"])
  }

  /// A lenient juror gives W1 9 and W2 8; a harsh one gives W3 5 and W4 3. Raw ranking favours
  /// the lenient juror's works; normalised, each juror's best work is worth the same.
  @Test func aHarshAndALenientJurorCountAlikeOnceNormalised() {
    let merit = [Criterion(key: "merit", label: "Merit")]
    let works = ["W1", "W2", "W3", "W4"].map { work($0, assigned: 1) }
    let scores: [StandingsCalculator.ScoreInput] = [
      .init(juror: "lenient", work: "W1", values: ["merit": 9]),
      .init(juror: "lenient", work: "W2", values: ["merit": 8]),
      .init(juror: "harsh", work: "W3", values: ["merit": 5]), .init(juror: "harsh", work: "W4", values: ["merit": 3]),
    ]
    let raw = StandingsCalculator.compute(criteria: merit, works: works, scores: scores, by: .raw)
    #expect(raw.standings.map(\.id) == ["W1", "W2", "W3", "W4"])
    let normalized = StandingsCalculator.compute(criteria: merit, works: works, scores: scores, by: .normalized)
    // Pool: mean 6.25, deviation 2.385; each juror's best has z = +1 → 8.635.
    #expect(normalized.standings.prefix(2).map(\.rank) == [1, 1])
    #expect(Set(normalized.tiedForFirst) == ["W1", "W3"])
    #expect(abs(normalized.standings[0].normalized! - 8.635) < 0.001)
    #expect(normalized.standings[0].flags.contains("tied"))
  }

  @Test func equalScoresShareARankAndTheNextRankIsSkipped() {
    let scores = [score("A", "P", 6, 6), score("A", "Q", 8, 8), score("A", "R", 8, 8), score("A", "S", 5, 5)]
    let s = StandingsCalculator.compute(
      criteria: twoCriteria, works: ["P", "Q", "R", "S"].map { work($0, assigned: 1) }, scores: scores, by: .raw)
    #expect(s.standings.map(\.id) == ["Q", "R", "P", "S"])
    #expect(s.standings.map(\.rank) == [1, 1, 3, 4])
    #expect(s.tiedForFirst == ["Q", "R"])
  }

  @Test func weightsCountAndIncompleteScoresAreLeftOut() {
    let weighted = [Criterion(key: "merit", label: "M", weight: 2), Criterion(key: "relevance", label: "R", weight: 1)]
    let scores = [score("A", "X", 9, 3), .init(juror: "B", work: "X", values: ["merit": 2])]
    let s = StandingsCalculator.compute(criteria: weighted, works: [work("X")], scores: scores, by: .raw)
    #expect(s.standings[0].raw == 7, "(2 × 9 + 1 × 3) / 3; B scored only one criterion")
    #expect(s.standings[0].scores == 1)
    #expect(s.standings[0].flags.contains("missing-scores"))
  }

  @Test func strongDisagreementIsFlagged() {
    let scores = [score("A", "X", 9, 9), score("B", "X", 3, 3)]
    let s = StandingsCalculator.compute(criteria: twoCriteria, works: [work("X")], scores: scores, by: .raw)
    #expect(s.standings[0].spread == 6)
    #expect(s.standings[0].flags.contains("disagreement"))
  }

  @Test func worksWithoutScoresAreMarkedAndUnranked() {
    let s = StandingsCalculator.compute(
      criteria: twoCriteria, works: [work("X"), work("Y")], scores: [score("A", "X", 5, 5)], by: .raw)
    #expect(s.standings.last?.id == "Y")
    #expect(s.standings.last?.rank == nil)
    #expect(s.standings.last?.flags == ["no-scores"])
  }
}
