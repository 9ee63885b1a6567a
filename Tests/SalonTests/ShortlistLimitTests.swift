import Catalog
import Testing

@testable import Jury

/// The Schulze shortlist takes in the works tied at its edge, but never past
/// `StandingsCalculator.schulzeLimit`: after a triage most works share every yes vote, and a
/// shortlist of 30,000 tied works needed two tables of 7 GB.
@Suite struct ShortlistLimitTests {
  let vote = [Criterion(key: "vote", label: "Yes or no", weight: 1, scaleMin: 0, scaleMax: 1)]

  /// `tied` works with a yes from each of three jurors, then `rest` works with one yes.
  func triage(tied: Int, rest: Int) -> (
    works: [StandingsCalculator.WorkInput], scores: [StandingsCalculator.ScoreInput]
  ) {
    var works: [StandingsCalculator.WorkInput] = []
    var scores: [StandingsCalculator.ScoreInput] = []
    for n in 1...(tied + rest) {
      works.append(StandingsCalculator.WorkInput(id: "\(n)", title: "Work \(n)", assigned: 3))
      for (place, juror) in ["ann", "ben", "cleo"].enumerated() {
        let yes = n <= tied || place == n % 3
        scores.append(StandingsCalculator.ScoreInput(juror: juror, work: "\(n)", values: ["vote": yes ? 1 : 0]))
      }
    }
    return (works, scores)
  }

  @Test func tiesAtTheEdgeStayWhileTheListIsSmall() {
    let call = triage(tied: 60, rest: 40)
    let s = StandingsCalculator.compute(criteria: vote, works: call.works, scores: call.scores, by: .raw)
    #expect(s.shortlistSize == 60, "the 60 works tied for first are all shortlisted (limit 50)")
    #expect(s.standings.filter { $0.rank == 1 }.count == 60)
  }

  @Test func aTieThatWouldPassTheLimitIsLeftOutWhole() {
    let limit = StandingsCalculator.schulzeLimit
    let call = triage(tied: limit + 1, rest: 30)
    let s = StandingsCalculator.compute(criteria: vote, works: call.works, scores: call.scores, by: .raw)
    #expect(s.shortlistSize == 0)
    #expect(s.standings.allSatisfy { $0.schulzeRank == nil })
    // The ranking itself is untouched: every work with three yes votes is first.
    #expect(s.standings.filter { $0.rank == 1 }.count == limit + 1)
    #expect(s.tiedForFirst.count == limit + 1)
  }

  @Test func theShortlistKeepsTheGroupsThatFitBeforeABigTie() {
    #expect(StandingsCalculator.shortlisted([1, 2, 2, 4, 4, 4], within: 50) == [0, 1, 2, 3, 4, 5])
    let limit = StandingsCalculator.schulzeLimit
    // One leader, then limit tied for second: the leader alone fits.
    let ranks: [Int?] = [1] + Array(repeating: 2, count: limit) + [nil]
    #expect(StandingsCalculator.shortlisted(ranks, within: 50) == [0])
  }
}
