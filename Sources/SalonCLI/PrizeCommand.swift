import Basics
import Catalog
import Foundation
import Jury

enum PrizeCommand: Command {
  static let usage = """
    Usage: salon prize standings [--by raw|normalized|schulze] [--shortlist N] [--json]
           salon prize award ID... [--amount N] [--note TEXT] [--force --note TEXT] [--accept-new-versions]
           salon prize reopen [--note TEXT]
           salon prize mention ID [--note TEXT] [--force --note TEXT]
           salon prize announce [--format md|html|txt] [-o FILE]
           salon prize export-scores [--format csv|history-csv|json] [-o FILE]
           salon prize letters -o DIR
    (each also takes --archive DIR and --exhibition SLUG)

      standings      Raw and per-juror normalised scores side by side with a Schulze ranking of
                     the shortlist (top N by normalised score, default 50), ranks, ties, spread
      award          Record the winners (the prize split equally by default); locks scoring.
                     Only a selected, publishable, scored work can win; --force needs --note
      reopen         Unlock scoring and withdraw the award (recorded)
      mention        An honourable mention
      announce       The public announcement
      export-scores  Every score and comment (csv), every change (history-csv), or both (json);
                     private: it names the jurors
      letters        One private page per submission for its artist: how far the work went and
                     the comments marked --for-artist, with no juror's name; owner-only files
    """

  static func run(_ arguments: [String]) throws {
    guard let action = arguments.first(where: { !$0.hasPrefix("-") }) else {
      throw UsageError("prize needs an action: standings, award, reopen, mention, announce or export-scores.")
    }
    var rest = arguments
    rest.remove(at: rest.firstIndex(of: action)!)
    switch action {
    case "letters": try PrizeLettersCommand.run(rest)
    case "standings":
      let args = try Arguments(rest, valued: archiveOptions.union(["--by", "--shortlist"]), flags: ["--json"])
      guard args.value("--by").map({ RankingBasis(rawValue: $0) != nil }) ?? true else {
        throw UsageError("--by is raw, normalized or schulze.")
      }
      let shortlist = try args.int("--shortlist") ?? StandingsCalculator.defaultShortlist
      guard (1...1000).contains(shortlist) else {
        throw UsageError("--shortlist is a whole number from 1 to 1000 (Schulze is cubic in the number of works).")
      }
      let jury = try JuryCommand.openJury(args, reading: true)
      // A ranking round is counted by Schulze unless told otherwise.
      let basis = try args.value("--by").flatMap(RankingBasis.init(rawValue:)) ?? jury.defaultBasis()
      let standings = try jury.standings(by: basis, shortlist: shortlist)
      if args.has("--json") {
        try writeJSON(standings)
      } else {
        printStandings(standings, jury: jury)
      }
    case "award":
      let args = try Arguments(
        rest, valued: archiveOptions.union(["--amount", "--note"]), flags: ["--force", "--accept-new-versions"])
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
        force: args.has("--force"), acceptNewVersions: args.has("--accept-new-versions"))
      for w in state.winners {
        print(
          "Awarded \(money(w.amount)) \(state.currency) to \(TerminalText.visible(w.id)) \(TerminalText.visible(w.title))."
        )
      }
      if state.forced { print("Recorded that the award overrides Salon's checks (--force), with your note.") }
      print("Scoring is now locked; `salon prize announce` writes the announcement.")
    case "reopen":
      let args = try Arguments(rest, valued: archiveOptions.union(["--note"]), flags: [])
      try JuryCommand.openJury(args).reopen(note: args.value("--note"))
      print("Reopened: the award is withdrawn and scoring is unlocked.")
    case "mention":
      let args = try Arguments(rest, valued: archiveOptions.union(["--note"]), flags: ["--force"])
      guard args.positional.count == 1 else { throw UsageError("prize mention needs one submission ID.") }
      try JuryCommand.openJury(args).mention(args.positional[0], note: args.value("--note"), force: args.has("--force"))
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
      let actions: Set<String> = ["standings", "award", "reopen", "mention", "announce", "export-scores", "letters"]
      throw UsageError("Unknown prize action \"\(action)\".\(suggestion(for: action, among: actions))")
    }
  }

  static func printStandings(_ s: Standings, jury: Jury) {
    func number(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
    let others = RankingBasis.allCases.map(\.rawValue).filter { $0 != s.by }.joined(separator: " or ")
    print("Standings of \(jury.exhibition.title), ranked by \(s.by) (--by \(others) to rank by another method):")
    if let round = s.round, let kind = s.kind {
      print(TerminalText.visible("Round \"\(round)\" (\(kind))\(s.method.map { ": \($0)" } ?? "")."))
    }
    print("RANK  ID          RAW    NORM   SCHULZE  SCORES  SPREAD  PRIOR  ELSEWHERE  TITLE")
    for line in s.standings {
      let schulze: String = line.schulzeRank.map { String($0) } ?? "-"
      let columns: [String] = [
        (line.rank.map(String.init) ?? "-").padding(toLength: 4, withPad: " ", startingAt: 0),
        TerminalText.visible(String(line.id.prefix(10))).padding(toLength: 10, withPad: " ", startingAt: 0),
        number(line.raw).padding(toLength: 5, withPad: " ", startingAt: 0),
        number(line.normalized).padding(toLength: 5, withPad: " ", startingAt: 0),
        schulze.padding(toLength: 7, withPad: " ", startingAt: 0),
        "\(line.scores)/\(line.assigned)".padding(toLength: 6, withPad: " ", startingAt: 0),
        number(line.spread).padding(toLength: 6, withPad: " ", startingAt: 0),
        line.previouslyPublished.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0),
        line.underReview.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
        TerminalText.visible(line.title) + (line.flags.isEmpty ? "" : "  [\(line.flags.joined(separator: ", "))]")
          + (line.cannotWin.isEmpty ? "" : "  (cannot win yet: \(line.cannotWin.joined(separator: ", ")))"),
      ]
      print(columns.joined(separator: "  "))
    }
    print("PRIOR: previously published; ELSEWHERE: under review elsewhere (the call prioritises original work).")
    // The legend names only the marks the table shows.
    let marks = Set(s.standings.flatMap(\.cannotWin))
    let meanings = [
      ("undecided", "not selected yet (`salon submissions decide ID selected`)"),
      ("declined", "declined for the programme"),
      ("rights-not-granted", "no grant of rights to publish, so the gallery leaves it out"),
      ("authorship-not-affirmed", "authorship not affirmed, so the gallery leaves it out"),
    ].filter { marks.contains($0.0) }
    if !meanings.isEmpty {
      let correct =
        marks.contains("rights-not-granted") || marks.contains("authorship-not-affirmed")
        ? " (when the artist confirms, `salon submissions edit ID --rights-granted yes`)" : ""
      print(
        "CANNOT WIN YET (`prize award` refuses these without --force): \(meanings.map { "\($0.0): \($0.1)" }.joined(separator: "; "))\(correct)."
      )
    }
    if s.shortlistSize == 0 && s.standings.contains(where: { $0.normalized != nil }) {
      print(
        "SCHULZE ranks nothing here: more than \(StandingsCalculator.schulzeLimit) works tie at the top by normalised score, too many for a method cubic in the number of works; a ranking round over fewer works settles it."
      )
    } else {
      print(
        "SCHULZE ranks only the shortlist, the \(s.shortlistSize) works within the top \(s.shortlistLimit) by normalised score (--shortlist N): the method is cubic in the number of works."
      )
    }
    let w = s.winners
    if s.methodsAgree {
      print(TerminalText.visible("Raw, normalised and Schulze agree on the winner: \(w.raw.joined(separator: ", "))."))
    } else if !w.raw.isEmpty {
      print(
        TerminalText.visible(
          "The methods do not agree on the winner: raw \(w.raw.joined(separator: ", ")), normalised \(w.normalized.joined(separator: ", ")), Schulze \(w.schulze.isEmpty ? "-" : w.schulze.joined(separator: ", "))."
        )
      )
    }
    for line in s.standings where line.flags.contains("new-version") {
      print(
        TerminalText.visible(
          "Work \(line.id) was scored on version \(line.scoredVersion ?? 0), but version \(line.version ?? 0) has arrived since; re-score it, or award it with --accept-new-versions."
        )
      )
    }
    if !s.withdrawn.isEmpty {
      let conflicts = s.withdrawn.filter { $0.reason == "conflict" }
      let removed = Set(s.withdrawn.filter { $0.reason == "juror-removed" }.map(\.juror)).sorted()
      if !conflicts.isEmpty {
        print(
          TerminalText.visible(
            "Not counted (conflict declared after scoring): \(conflicts.map { "\($0.juror) on \($0.submission)" }.joined(separator: ", "))."
          )
        )
      }
      if !removed.isEmpty { print("Not counted (juror removed): every score by \(removed.joined(separator: ", ")).") }
    }
    if !s.jurors.isEmpty {
      print(
        "Jurors (mean, spread, count): "
          + s.jurors.map { "\($0.juror) \(number($0.mean)), \(number($0.spread)), \($0.count)" }.joined(separator: "; ")
      )
    }
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
