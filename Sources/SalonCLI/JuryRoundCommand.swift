import Basics
import Catalog
import Foundation
import Jury

/// `salon jury round …`, `salon jury rounds` and the round's way of scoring (`--vote`, `--rank`):
/// each parses, calls one function of the jury, prints.
enum JuryRoundCommand {
  static let usage = """
    Usage: salon jury round open NAME --kind yes-no|rating|ranking [--advance RULE] [--json]
           salon jury round advance ID... [--reason TEXT]
           salon jury round drop ID... --reason TEXT
           salon jury round close [--json]
           salon jury rounds [--json]
           salon jury score JUROR ID --vote yes|no [--comment TEXT [--for-artist]]  (a yes-no round)
           salon jury score JUROR ID --rank N [--comment TEXT [--for-artist]]       (a ranking round; 1 is best)
    (each also takes --archive DIR and --exhibition SLUG)

      round open     Open a round: the first holds the selected works, a later one the works the
                     previous round advanced; one round is open at a time. RULE: yes:K (at least
                     K yes votes), top:N (the N best; ties at the cut all advance), score:X (a
                     rating round: weighted raw mean at least X). While it is open, assign, sheet,
                     room, score, import and progress act on its works and kind.
      round advance  Advance works of the open (or just closed) round whatever the rule says
      round drop     Drop works of the open (or just closed) round, with the reason; recorded
      round close    Apply the rule and record which works advanced
      rounds         Every round with its works and what it advanced
    """

  /// `jury round ACTION …`
  static func round(_ arguments: [String]) throws {
    guard let action = arguments.first(where: { !$0.hasPrefix("-") }) else {
      throw UsageError("jury round needs an action: open, advance, drop or close.\n\n\(usage)")
    }
    var rest = arguments
    rest.remove(at: rest.firstIndex(of: action)!)
    switch action {
    case "open":
      let args = try Arguments(rest, valued: archiveOptions.union(["--kind", "--advance"]), flags: ["--json"])
      guard args.positional.count == 1 else { throw UsageError("jury round open needs one NAME.") }
      guard let kindText = args.value("--kind"), let kind = RoundKind(rawValue: kindText) else {
        throw UsageError("jury round open needs --kind yes-no, rating or ranking.")
      }
      let jury = try JuryCommand.openJury(args)
      let round = try jury.openRound(name: args.positional[0], kind: kind, rule: args.value("--advance"))
      if args.has("--json") {
        try writeJSON(round)
        return
      }
      print(
        TerminalText.visible(
          "Opened round \"\(round.name)\" (\(round.kind)) with \(round.works.count) work\(round.works.count == 1 ? "" : "s"); `salon jury assign` gives them to the jurors."
        ))
    case "advance", "drop":
      let args = try Arguments(rest, valued: archiveOptions.union(["--reason"]), flags: [])
      guard !args.positional.isEmpty else { throw UsageError("jury round \(action) needs at least one work ID.") }
      let advance = action == "advance"
      if !advance && args.value("--reason") == nil {
        throw UsageError("jury round drop needs --reason TEXT; the reason is recorded with the drop.")
      }
      let name = try JuryCommand.openJury(args).override(
        args.positional, advance: advance, reason: args.value("--reason"))
      print(
        TerminalText.visible(
          "\(advance ? "Advanced" : "Dropped") in round \"\(name)\": \(args.positional.joined(separator: ", ")) (recorded\(args.value("--reason") == nil ? "" : " with the reason"))."
        ))
    case "close":
      let args = try Arguments(rest, valued: archiveOptions, flags: ["--json"])
      guard args.positional.isEmpty else { throw UsageError("jury round close takes only options.") }
      let closing = try JuryCommand.openJury(args).closeRound()
      if args.has("--json") {
        try writeJSON(closing)
        return
      }
      let rule = closing.rule.map { " by \($0)\(closing.method.map { ", compared by \($0)" } ?? "")" } ?? ""
      print(
        TerminalText.visible(
          "Closed round \"\(closing.name)\" (\(closing.kind))\(rule): \(closing.advanced.count) of \(closing.works.count) works advance."
        ))
      if closing.rule == nil { print("It had no advance rule: only works you advanced go on.") }
      if !closing.advanced.isEmpty {
        print(TerminalText.visible("  Advanced: \(closing.advanced.joined(separator: ", "))"))
      }
      if !closing.tiedAtCut.isEmpty {
        print(
          TerminalText.visible(
            "  Works \(closing.tiedAtCut.joined(separator: ", ")) tie at the cut, so all of them advance."))
      }
      for line in closing.overridden { print(TerminalText.visible("  \(line)")) }
    default:
      throw UsageError(
        "Unknown jury round action \"\(action)\"; it is open, advance, drop or close.\(suggestion(for: action, among: ["open", "advance", "drop", "close"]))"
      )
    }
  }

  /// `jury rounds`
  static func rounds(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions, flags: ["--json"])
    guard args.positional.isEmpty else { throw UsageError("jury rounds takes only options.") }
    let rounds = try JuryCommand.openJury(args, reading: true).summaries()
    if args.has("--json") {
      struct Rounds: Encodable { var rounds: [RoundSummary] }
      try writeJSON(Rounds(rounds: rounds))
      return
    }
    if rounds.isEmpty { print("No rounds: the jury judges in one pass (`salon jury round open NAME --kind KIND`).") }
    for (index, round) in rounds.enumerated() {
      print(
        TerminalText.visible(
          "\(index + 1). \(round.name) (\(round.kind), \(round.status)): \(round.works.count) works, \(round.advanced.count) advanced"
        ))
    }
  }

  /// True when `jury score` is given a vote or a rank rather than the rubric's flags.
  static func isRoundScore(_ arguments: [String]) -> Bool {
    arguments.contains { $0 == "--vote" || $0 == "--rank" || $0.hasPrefix("--vote=") || $0.hasPrefix("--rank=") }
  }

  /// `jury score JUROR ID --vote yes|no` or `--rank N`.
  static func score(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments, valued: archiveOptions.union(["--vote", "--rank", "--comment"]), flags: ["--for-artist"])
    guard args.positional.count == 2 else { throw UsageError("jury score needs a JUROR and a SUBMISSION.") }
    var values: [String: Int] = [:]
    if let vote = args.value("--vote") {
      switch vote.lowercased() {
      case "yes": values["vote"] = 1
      case "no": values["vote"] = 0
      default: throw UsageError("--vote is yes or no, not \"\(vote)\".")
      }
    }
    if let rank = args.value("--rank") {
      guard values.isEmpty else { throw UsageError("Give --vote or --rank, not both.") }
      guard let n = Int(rank) else { throw UsageError("--rank takes a whole number (1 is best), not \"\(rank)\".") }
      values["rank"] = n
    }
    let jury = try JuryCommand.openJury(args)
    let juror = try jury.juror(args.positional[0])
    let changes = try jury.score(
      ScoreEntry(
        juror: juror.id, submission: args.positional[1], values: values, comment: args.value("--comment"),
        forArtist: args.has("--for-artist")))
    print(
      TerminalText.visible(
        changes == 0
          ? "Nothing changed: this is already the \(values["vote"] != nil ? "vote" : "rank")."
          : "Recorded \(juror.name)'s \(values["vote"] != nil ? "vote" : "rank") for work \(args.positional[1])."))
  }

  /// The round `jury progress` shows, and each juror's distribution beside the panel's.
  static func printRound(_ progress: JuryProgress) {
    guard let round = progress.round, let kind = progress.kind else { return }
    print(TerminalText.visible("Round \"\(round)\" (\(kind))."))
    func shown(_ d: [String: Int]) -> String {
      d.sorted { NaturalOrder.ascending($0.key, $1.key) }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }
    let jurors = progress.jurors.filter { $0.distribution != nil }
    guard !jurors.isEmpty else { return }
    print("Distribution of what each juror gave:")
    for j in jurors { print(TerminalText.visible("  \(j.id): \(shown(j.distribution ?? [:]))")) }
    if let panel = progress.panel {
      print("  The panel: \(shown(panel))")
    } else {
      print(
        "  The panel's figures appear once the round is closed or when at least \(JuryProgress.panelMinimumOthers) other jurors make them up."
      )
    }
  }
}
