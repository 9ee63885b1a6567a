import Foundation

/// What the jury commands refuse, each in one sentence for the organiser.
package enum JuryError: Error, Equatable, CustomStringConvertible {
  case unknownJuror(String)
  case jurorExists(String)
  case rubricLocked
  case invalidRubric(String)
  case scoringLocked
  case notAssigned(juror: String, work: String)
  case inConflict(juror: String, work: String)
  case invalidScore(String)
  case sheetRefused([String])
  case sheetUnreadable(String)
  case staleSheet(name: String, works: [String])
  case prize(String)
  /// A refusal about judging in rounds.
  case round(String)

  package var description: String {
    switch self {
    case .unknownJuror(let name): return "There is no juror \"\(name)\"; `salon jury list` shows them."
    case .jurorExists(let name): return "A juror called \"\(name)\" already exists."
    case .rubricLocked:
      return "Scoring has begun, so the rubric can no longer change (it would make earlier scores mean something else)."
    case .invalidRubric(let message): return message
    case .scoringLocked:
      return
        "The prize has been awarded, so scoring is locked; `salon prize reopen` unlocks it (and withdraws the award)."
    case .notAssigned(let juror, let work): return "Work \(work) is not assigned to \(juror)."
    case .inConflict(let juror, let work):
      return "\(juror) has a conflict of interest with work \(work), so cannot score it."
    case .invalidScore(let message): return message
    case .sheetRefused(let problems):
      return "The sheet was refused and nothing was applied:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    case .sheetUnreadable(let message): return message
    case .staleSheet(let name, let works):
      let list = works.count == 1 ? "work \(works[0])" : "works \(works.joined(separator: ", "))"
      return
        "\(name) was issued before the scores of \(list) last changed, so importing it would put older values back; nothing was applied. Send the juror a fresh sheet (`salon jury sheet JUROR`), or import with --overwrite-newer to replace the newer scores (recorded)."
    case .prize(let message): return message
    case .round(let message): return message
    }
  }
}
