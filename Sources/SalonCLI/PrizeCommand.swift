import Catalog
import Foundation
import Jury

enum PrizeCommand: Command {
  static let usage = """
    Usage: salon prize standings [--by raw|normalized] [--json]
           salon prize award ID... [--amount N] [--note TEXT] [--force]
           salon prize reopen [--note TEXT]
           salon prize mention ID [--note TEXT]
           salon prize announce [--format md|html|txt] [-o FILE]
           salon prize export-scores [--format csv|history-csv|json] [-o FILE]
    (each also takes --archive DIR and --exhibition SLUG)

      standings      Raw and per-juror normalised scores side by side, ranks, ties, spread
      award          Record the winners (the prize split equally by default); locks scoring
      reopen         Unlock scoring and withdraw the award (recorded)
      mention        An honourable mention
      announce       The public announcement
      export-scores  Every score and comment (csv), every change (history-csv), or both (json);
                     private: it names the jurors
    """

  static func run(_ arguments: [String]) throws {
    guard let action = arguments.first(where: { !$0.hasPrefix("-") }) else {
      throw UsageError("prize needs an action: standings, award, reopen, mention, announce or export-scores.")
    }
    var rest = arguments
    rest.remove(at: rest.firstIndex(of: action)!)
    switch action {
    case "standings":
      let args = try Arguments(rest, valued: archiveOptions.union(["--by"]), flags: ["--json"])
      guard let basis = RankingBasis(rawValue: args.value("--by") ?? "normalized") else {
        throw UsageError("--by is raw or normalized.")
      }
      let jury = try JuryCommand.openJury(args, reading: true)
      let standings = try jury.standings(by: basis)
      if args.has("--json") {
        try writeJSON(standings)
      } else {
        printStandings(standings, jury: jury)
      }
    case "award":
      let args = try Arguments(rest, valued: archiveOptions.union(["--amount", "--note"]), flags: ["--force"])
      guard !args.positional.isEmpty else { throw UsageError("prize award needs at least one submission ID.") }
      let jury = try JuryCommand.openJury(args)
      let tied = try jury.standings(by: .normalized).tiedForFirst
      if tied.count > 1 && Set(tied) != Set(args.positional) {
        print(
          "Note: works \(tied.joined(separator: ", ")) share rank 1; `salon prize award \(tied.joined(separator: " "))` would split the prize between them."
        )
      }
      let state = try jury.award(
        args.positional, amount: try args.number("--amount", in: .prize), note: args.value("--note"),
        force: args.has("--force"))
      for w in state.winners {
        print(
          "Awarded \(money(w.amount)) \(state.currency) to \(TerminalText.visible(w.id)) \(TerminalText.visible(w.title))."
        )
      }
      if state.forced { print("Recorded that the award was made with scores missing (--force).") }
      print("Scoring is now locked; `salon prize announce` writes the announcement.")
    case "reopen":
      let args = try Arguments(rest, valued: archiveOptions.union(["--note"]), flags: [])
      try JuryCommand.openJury(args).reopen(note: args.value("--note"))
      print("Reopened: the award is withdrawn and scoring is unlocked.")
    case "mention":
      let args = try Arguments(rest, valued: archiveOptions.union(["--note"]), flags: [])
      guard args.positional.count == 1 else { throw UsageError("prize mention needs one submission ID.") }
      try JuryCommand.openJury(args).mention(args.positional[0], note: args.value("--note"))
      print("Recorded an honourable mention for \(args.positional[0]).")
    case "announce":
      let args = try Arguments(rest, valued: archiveOptions.union(["--format", "-o"]), flags: [])
      guard let format = AnnouncementFormat(rawValue: args.value("--format") ?? "md") else {
        throw UsageError("--format is md, html or txt.")
      }
      let jury = try JuryCommand.openJury(args)
      try writeOutput(to: args.value("-o"), archive: jury.archive) { try jury.announcement(format: format) }
    case "export-scores":
      let args = try Arguments(rest, valued: archiveOptions.union(["--format", "-o"]), flags: [])
      guard let format = Jury.ScoreExportFormat(rawValue: args.value("--format") ?? "csv") else {
        throw UsageError("--format is csv, history-csv or json.")
      }
      let jury = try JuryCommand.openJury(args)
      try writeOutput(to: args.value("-o"), archive: jury.archive) { try jury.exportScores(format: format) }
    default:
      throw UsageError("Unknown prize action \"\(action)\".")
    }
  }

  static func printStandings(_ s: Standings, jury: Jury) {
    func number(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
    print(
      "Standings of \(jury.exhibition.title), ranked by \(s.by) score (--by \(s.by == "raw" ? "normalized" : "raw") to rank by the other):"
    )
    print("RANK  ID          RAW    NORM   SCORES  SPREAD  PRIOR  ELSEWHERE  TITLE")
    for line in s.standings {
      let columns = [
        (line.rank.map(String.init) ?? "-").padding(toLength: 4, withPad: " ", startingAt: 0),
        TerminalText.visible(String(line.id.prefix(10))).padding(toLength: 10, withPad: " ", startingAt: 0),
        number(line.raw).padding(toLength: 5, withPad: " ", startingAt: 0),
        number(line.normalized).padding(toLength: 5, withPad: " ", startingAt: 0),
        "\(line.scores)/\(line.assigned)".padding(toLength: 6, withPad: " ", startingAt: 0),
        number(line.spread).padding(toLength: 6, withPad: " ", startingAt: 0),
        line.previouslyPublished.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0),
        line.underReview.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
        TerminalText.visible(line.title) + (line.flags.isEmpty ? "" : "  [\(line.flags.joined(separator: ", "))]"),
      ]
      print(columns.joined(separator: "  "))
    }
    print("PRIOR: previously published; ELSEWHERE: under review elsewhere (the call prioritises original work).")
    if s.leaderStable {
      print("The leader stays the leader whichever single juror is left out.")
    } else {
      print(
        "The leader changes when \(s.leaderDependsOn.joined(separator: " or ")) is left out: look closely before awarding."
      )
    }
    if !s.tiedForFirst.isEmpty {
      let share = jury.equalShare(among: s.tiedForFirst.count)
      print(
        "Works \(s.tiedForFirst.joined(separator: ", ")) share rank 1: `salon prize award \(s.tiedForFirst.joined(separator: " "))` splits the prize, \(money(share)) \(jury.exhibition.prizeCurrency) each."
      )
    }
    if s.standings.contains(where: { $0.flags.contains("missing-scores") || $0.flags.contains("no-scores") }) {
      print("Some works are missing scores; `salon jury progress` shows who still has to score.")
    }
  }
}
