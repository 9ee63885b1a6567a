import Basics
import Catalog
import Foundation

/// What the artist of one submission is told: how far the work went, and the comments jurors
/// marked for them, with no juror's name.
package struct ArtistLetter: Equatable, Sendable {
  package var id: String
  package var title: String
  package var outcome: String
  package var comments: [String]
}

extension Jury {
  /// One letter per submission, in id order.
  package func artistLetters() throws -> [ArtistLetter] {
    let works = try archive.works(exhibition: exhibition).sorted { NaturalOrder.ascending($0.id, $1.id) }
    let comments = try archive.artistComments(exhibition: exhibition.id)
    let prize = try archive.prizeState(exhibition: exhibition, works: works)
    let winners = Set(prize.winners.map(\.id))
    let mentioned = Set(prize.mentions.map(\.id))
    let rounds = try roundRecords()
    let held = try rounds.map { Set(try archive.roundWorks(round: $0.rowID)) }
    let outcomes = try rounds.map { try archive.roundOutcomes(round: $0.rowID) }
    return works.map { work in
      var outcome: String
      if work.status != .accepted {
        outcome = "Your submission could not be accepted: it did not meet the call's requirements."
      } else if let last = held.lastIndex(where: { $0.contains(work.rowID) }) {
        let round = rounds[last]
        outcome = "Your work reached round \(last + 1) of \(rounds.count), \"\(round.name)\""
        if round.isOpen {
          outcome += ", which the jury is judging now."
        } else if last < rounds.count - 1 {
          outcome += ", and went no further."
        } else {
          outcome += outcomes[last][work.rowID]?.advanced == true ? ", and advanced from it." : "."
        }
      } else if !rounds.isEmpty || work.decision == "declined" {
        outcome = "Your work was not selected for the jury's rounds."
      } else {
        outcome = work.isSelected ? "Your work was selected." : "The jury has not decided on your work yet."
      }
      if winners.contains(work.id) { outcome += " It was awarded the prize." }
      if mentioned.contains(work.id) { outcome += " It received an honourable mention." }
      return ArtistLetter(id: work.id, title: work.title, outcome: outcome, comments: comments[work.rowID] ?? [])
    }
  }

  /// A letter as a small self-contained page; everything from the submission and the jurors is
  /// escaped.
  package func letterPage(_ letter: ArtistLetter) -> String {
    let comments =
      letter.comments.isEmpty
      ? "<p>The jury left no comments for you.</p>"
      : "<h2>From the jury</h2>\n<ul>\n"
        + letter.comments.map { "<li>\(HTMLText.escape($0))</li>" }.joined(separator: "\n") + "\n</ul>"
    let start = HTMLText.pageStart(
      title: "\(exhibition.title): \(letter.title)", csp: "default-src 'none'",
      head: ["<meta name=\"robots\" content=\"noindex\">"])
    return """
      \(start)
      <h1>\(HTMLText.escape(letter.title))</h1>
      <p>\(HTMLText.escape("Submission \(letter.id) to \(exhibition.title)."))</p>
      <p>\(HTMLText.escape(letter.outcome))</p>
      \(comments)
      </body>
      </html>

      """
  }
}
