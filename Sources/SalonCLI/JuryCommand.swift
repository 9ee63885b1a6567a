import Basics
import Catalog
import Export
import Foundation
import Jury
import JuryRoom

enum JuryCommand: Command {
  static let usage = """
    Usage: salon jury rubric [--criterion KEY:LABEL:WEIGHT:MIN-MAX]... [--json]
           salon jury add NAME [--email EMAIL]
           salon jury list [--json]
           salon jury remove JUROR [--reason TEXT]
           salon jury conflict JUROR SUBMISSION [--reason TEXT]
           salon jury conflicts [--json]
           salon jury assign [--per-work K] [--seed N] [--json]
           salon jury score JUROR SUBMISSION --CRITERION N... [--comment TEXT]
           salon jury sheet JUROR [--format csv|html] [-o FILE] [--show-artists]
           salon jury room JUROR [-o DIR] [--zip] [--show-artists] [--gallery DIR]
                           [--theme DIR] [--json]
           salon jury room --all -o DIR [--zip] [--show-artists] [--gallery DIR] [--theme DIR] [--json]
           salon jury import FILE... [--overwrite-newer] [--json]
           salon jury progress [--json]
    (each also takes --archive DIR and --exhibition SLUG)

      rubric     Show the criteria; with --criterion, replace them (until the first score)
      add        Add a juror; a juror whose name or email matches an artist is in conflict
      remove     Remove a juror; their scores leave the standings, the history keeps them
      conflict   Declare a conflict of interest; scores already given to the work stop counting
      conflicts  Every conflict, declared or found, with its reason; near misses marked "check"
      assign     Give each accepted work to K jurors without a conflict (default: all of them)
      score      Score one work from the command line, one flag per criterion (e.g. --merit 7)
      sheet      Write a juror's scoring sheet: CSV, or an offline HTML page (the light version)
      room       Build a juror's jury room: a folder they open offline with every assigned work
                 in full and the scoring form (default -o room-JUROR; --all: one folder each in
                 DIR); --zip also writes DIR.zip to send. Media comes from the latest export
                 (or --gallery DIR) when it has it. Artist names only with --show-artists.
      import     Read filled sheets back; a sheet with any bad row, or issued before newer
                 scores, is refused whole (--overwrite-newer replaces them, recorded)
      progress   Scored of assigned, per juror (with mean and spread) and per work
    JUROR is a juror's id, name or email.
    """

  static func run(_ arguments: [String]) throws {
    guard let action = arguments.first(where: { !$0.hasPrefix("-") }) else {
      throw UsageError(
        "jury needs an action: rubric, add, list, remove, conflict, conflicts, assign, score, sheet, room, import or progress."
      )
    }
    var rest = arguments
    rest.remove(at: rest.firstIndex(of: action)!)
    switch action {
    case "round", "rounds": try action == "round" ? JuryRoundCommand.round(rest) : JuryRoundCommand.rounds(rest)
    case "score" where JuryRoundCommand.isRoundScore(rest): try JuryRoundCommand.score(rest)
    case "rubric": try rubric(rest)
    case "add":
      let args = try Arguments(rest, valued: archiveOptions.union(["--email"]), flags: ["--json"])
      guard args.positional.count == 1 else { throw UsageError("jury add needs one NAME (quote names with spaces).") }
      let jury = try openJury(args)
      let juror = try jury.addJuror(name: args.positional[0], email: args.value("--email"))
      let conflicts = try jury.conflicts().filter { $0.juror == juror.id && $0.automatic }
      if args.has("--json") {
        try writeJSON(juror)
      } else {
        print("Added juror \(juror.name) (id \(juror.id)).")
        for c in conflicts { print(TerminalText.visible("  Conflict with work \(c.submission): \(c.reason).")) }
      }
    case "list":
      let args = try Arguments(rest, valued: archiveOptions, flags: ["--json"])
      let jury = try openJury(args)
      let jurors = try jury.jurors()
      let conflicts = try jury.conflicts()
      let progress = try jury.progress()
      if args.has("--json") {
        struct Line: Encodable {
          var id, name: String
          var email: String?
          var assigned, scored: Int
          var conflicts: [Conflict]
        }
        try writeJSON(
          jurors.map { j in
            let p = progress.jurors.first { $0.id == j.id }
            return Line(
              id: j.id, name: j.name, email: j.email, assigned: p?.assigned ?? 0, scored: p?.scored ?? 0,
              conflicts: conflicts.filter { $0.juror == j.id })
          })
        return
      }
      if jurors.isEmpty { print("No jurors yet; add them with `salon jury add NAME --email EMAIL`.") }
      for j in jurors {
        let p = progress.jurors.first { $0.id == j.id }
        print("\(j.id): \(j.name)\(j.email.map { " <\($0)>" } ?? ""), \(p?.scored ?? 0) of \(p?.assigned ?? 0) scored")
        for c in conflicts where c.juror == j.id {
          print(
            TerminalText.visible(
              "  conflict with \(c.submission): \(c.reason)\(c.automatic ? " (found automatically)" : "")"))
        }
      }
    case "conflict":
      let args = try Arguments(rest, valued: archiveOptions.union(["--reason"]), flags: [])
      guard args.positional.count == 2 else { throw UsageError("jury conflict needs a JUROR and a SUBMISSION.") }
      let jury = try openJury(args)
      let declared = try jury.declareConflict(
        juror: args.positional[0], submission: args.positional[1], reason: args.value("--reason"))
      print(TerminalText.visible("Recorded: \(declared.juror.name) has a conflict with work \(declared.submission)."))
      if !declared.withdrawn.isEmpty {
        let values = declared.withdrawn.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        print(
          TerminalText.visible(
            "Their scores for work \(declared.submission) (\(values.joined(separator: ", "))) no longer count in the standings; the history keeps them."
          )
        )
      }
    case "conflicts":
      let args = try Arguments(rest, valued: archiveOptions, flags: ["--json"])
      guard args.positional.isEmpty else { throw UsageError("jury conflicts takes only options.") }
      let conflicts = try openJury(args, reading: true).conflicts(checks: true)
      if args.has("--json") {
        try writeJSON(conflicts)
        return
      }
      if conflicts.isEmpty { print("No conflicts: no juror matches an artist or contact, and none was declared.") }
      for c in conflicts { print(TerminalText.visible("\(c.juror) – work \(c.submission): \(c.kind): \(c.reason)")) }
    case "remove":
      let args = try Arguments(rest, valued: archiveOptions.union(["--reason"]), flags: [])
      guard args.positional.count == 1 else { throw UsageError("jury remove needs one JUROR.") }
      let removed = try openJury(args).removeJuror(args.positional[0], reason: args.value("--reason"))
      print(TerminalText.visible("Removed juror \(removed.juror.name) (id \(removed.juror.id))."))
      if removed.withdrawnAssignments > 0 {
        print(
          "  \(removed.withdrawnAssignments) unscored assignments withdrawn; `salon jury assign` gives them to others.")
      }
      if !removed.withdrawnWorks.isEmpty {
        print(
          TerminalText.visible(
            "  Note: their scores for \(removed.withdrawnWorks.count) work\(removed.withdrawnWorks.count == 1 ? "" : "s") (\(removed.withdrawnWorks.joined(separator: ", "))) leave the standings; the history keeps them."
          )
        )
      }
    case "assign":
      let args = try Arguments(rest, valued: archiveOptions.union(["--per-work", "--seed"]), flags: ["--json"])
      guard args.positional.isEmpty else { throw UsageError("jury assign takes only options.") }
      let jury = try openJury(args)
      let report = try jury.assign(
        perWork: try args.wholeNumber("--per-work", in: .jurorsPerWork), seed: try args.int("--seed") ?? 1)
      if args.has("--json") {
        try writeJSON(report)
        return
      }
      print("Assigned: \(report.added) new, \(report.kept) kept, \(report.removed) withdrawn (seed \(report.seed)).")
      for (juror, load) in report.loads.sorted(by: { NaturalOrder.precedes($0.key, $1.key) }) {
        print("  \(juror): \(load) works")
      }
      // A large call's shortfall is one line; --json lists every work.
      if report.shortfalls.count == 1 {
        print(TerminalText.visible("  ! \(report.shortfalls[0])"))
      } else if let first = report.shortfalls.first {
        print(
          TerminalText.visible(
            "  ! \(report.shortfalls.count) works have fewer jurors than asked (first: \(first)); `salon jury assign --json` lists each."
          ))
      }
    case "score": try score(rest)
    case "sheet":
      let args = try Arguments(rest, valued: archiveOptions.union(["--format", "-o"]), flags: ["--show-artists"])
      guard args.positional.count == 1 else { throw UsageError("jury sheet needs one JUROR.") }
      let format = args.value("--format") ?? "csv"
      guard ["csv", "html"].contains(format) else { throw UsageError("--format is csv or html.") }
      let jury = try openJury(args)
      let juror = try jury.juror(args.positional[0])
      try writeOutput(to: args.value("-o"), archive: jury.archive) {
        format == "csv"
          ? try jury.csvSheet(for: juror)
          : try jury.htmlSheet(
            for: juror, showArtists: args.has("--show-artists"),
            preview: {
              SheetPreview.dataURI(for: $0, archive: jury.archive, isCancelled: { interruption.isCancelled })
            })
      }
    case "room": try room(rest)
    case "import":
      let args = try Arguments(rest, valued: archiveOptions, flags: ["--json", "--overwrite-newer"])
      guard !args.positional.isEmpty else { throw UsageError("jury import needs at least one sheet file.") }
      let jury = try openJury(args)
      var results: [Jury.ImportResult] = []
      for path in args.positional {
        let data: Data
        do { data = try InputFile.read(path) } catch {
          throw CatalogError.storage(InputFile.sentence(error, path: path, what: "the sheet"))
        }
        let result = try jury.importSheet(
          data, name: URL(fileURLWithPath: path).lastPathComponent, overwriteNewer: args.has("--overwrite-newer"))
        results.append(result)
        if !args.has("--json") {
          print(
            "Imported \(path) for \(result.juror): \(result.scored) of \(result.rows) works scored, \(result.changes) values changed."
          )
          if !result.overwritten.isEmpty {
            print(
              TerminalText.visible(
                "  Replaced newer scores of works \(result.overwritten.joined(separator: ", ")) (--overwrite-newer, recorded)."
              )
            )
          }
        }
      }
      if args.has("--json") {
        struct Line: Encodable {
          var juror: String
          var rows, scored, changes: Int
          var overwritten: [String]
        }
        try writeJSON(
          results.map {
            Line(juror: $0.juror, rows: $0.rows, scored: $0.scored, changes: $0.changes, overwritten: $0.overwritten)
          })
      }
    case "progress":
      let args = try Arguments(rest, valued: archiveOptions, flags: ["--json"])
      let progress = try openJury(args, reading: true).progress()
      if args.has("--json") {
        try writeJSON(progress)
        return
      }
      if progress.locked { print("Scoring is locked: the prize has been awarded.") }
      JuryRoundCommand.printRound(progress)
      print("Jurors:")
      func number(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
      for j in progress.jurors {
        print(
          "  \(j.id): \(j.scored) of \(j.assigned) scored; mean \(number(j.mean)), spread \(number(j.spread)) over \(j.count)"
        )
      }
      print("Works:")
      for w in progress.works {
        print(
          "  \(TerminalText.visible(w.id)) \(TerminalText.visible(w.title)): \(w.scores) of \(w.assigned) scores\(w.scores < w.assigned ? "  (missing)" : "")"
        )
      }
    default:
      throw UsageError("Unknown jury action \"\(action)\".")
    }
  }

  static func openJury(_ args: Arguments, reading: Bool = false) throws -> Jury {
    let archive = try openArchive(args, reading: reading)
    return Jury(archive: archive, exhibition: try archive.exhibition(slug: args.value("--exhibition")))
  }

  static func room(_ rest: [String]) throws {
    let args = try Arguments(
      rest, valued: archiveOptions.union(["-o", "--gallery", "--theme"]),
      flags: ["--all", "--zip", "--show-artists", "--json"])
    let all = args.has("--all")
    if all {
      guard args.positional.isEmpty else { throw UsageError("jury room --all takes no JUROR.") }
      guard args.value("-o") != nil else { throw UsageError("jury room --all needs -o DIR for the rooms.") }
    } else {
      guard args.positional.count == 1 else { throw UsageError("jury room needs one JUROR, or --all.") }
    }
    let jury = try openJury(args)
    let jurors = all ? try jury.jurors() : [try jury.juror(args.positional[0])]
    let output = try jury.archive.checkOutputPath(
      args.value("-o") ?? "room-\(Slug.make(jurors[0].id, fallback: "juror"))", kind: .folder)
    var builder = JuryRoomBuilder(
      jury: jury, theme: try Theme(override: args.value("--theme").map { URL(fileURLWithPath: $0) }),
      settings: ExportSettings(isCancelled: { interruption.isCancelled }))
    let report = try builder.build(
      jurors: jurors, output: output, perJurorFolders: all, showArtists: args.has("--show-artists"),
      zip: args.has("--zip"), gallery: args.value("--gallery").map { URL(fileURLWithPath: $0) })
    if args.has("--json") {
      try writeJSON(report)
      return
    }
    for room in report.rooms {
      let megabytes = String(format: "%.1f", Double(room.bytes) / 1_048_576)
      print("Jury room for \(room.juror): \(room.works) works, \(megabytes) MB in \(room.folder)")
      if let zip = room.zip { print("  To send: \(zip)") }
    }
    print(
      "Media: \(report.derivativesMade) files made, \(report.derivativesReused) reused\(report.gallery.map { " (gallery: \($0))" } ?? "")."
    )
    for failure in report.failures {
      print(
        TerminalText.visible("  ! work \(failure.id), \(failure.file): \(failure.code.rawValue): \(failure.message)"))
    }
    print("The juror opens index.html in the folder; their browser keeps what they type until they save the sheet.")
  }

  static func rubric(_ rest: [String]) throws {
    let args = try Arguments(rest, valued: archiveOptions.union(["--criterion"]), flags: ["--json"])
    guard args.positional.isEmpty else { throw UsageError("jury rubric takes only options.") }
    let jury = try openJury(args)
    if let specs = args.values["--criterion"] {
      let criteria = try specs.map(parseCriterion)
      try jury.setRubric(criteria)
    }
    let criteria = try jury.rubric()
    if args.has("--json") {
      try writeJSON(criteria)
      return
    }
    let locked = try jury.scoringHasBegun()
    print("Rubric of \(jury.exhibition.title)\(locked ? " (fixed: scoring has begun)" : ""):")
    let total = criteria.map(\.weight).reduce(0, +)
    for c in criteria {
      // Weights are in range, but a share is printed only when it is a real number.
      let share = c.weight / total * 100
      let percent = share.isFinite ? " (\(Int(share.rounded()))%)" : ""
      print("  \(c.key): \(c.label), \(c.scaleMin) to \(c.scaleMax), weight \(money(c.weight))\(percent)")
    }
  }

  /// "merit:Artistic merit:2:1-10" → a criterion; weight and scale may be left out.
  static func parseCriterion(_ spec: String) throws -> Criterion {
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard (2...4).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else {
      throw UsageError("--criterion takes KEY:LABEL[:WEIGHT[:MIN-MAX]], as in merit:Artistic merit:1:1-10.")
    }
    var criterion = Criterion(key: parts[0], label: parts[1])
    if parts.count > 2 {
      guard let weight = SettingRange.weight.parse(parts[2]) else {
        throw UsageError("The weight in \"\(spec)\" must be \(SettingRange.weight.phrase).")
      }
      criterion.weight = weight
    }
    if parts.count > 3 {
      let range = parts[3].split(separator: "-").map { SettingRange.scaleBound.parse(String($0)) }
      guard range.count == 2, let low = range[0], let high = range[1] else {
        throw UsageError(
          "The scale in \"\(spec)\" is MIN-MAX with whole numbers from 0 to \(Int(SettingRange.scaleBound.highest)), as in 1-10."
        )
      }
      criterion.scaleMin = Int(low)
      criterion.scaleMax = Int(high)
    }
    return criterion
  }

  static func score(_ rest: [String]) throws {
    // The rubric decides which flags exist, so read --archive/--exhibition first.
    let pre = try Arguments(
      rest.enumerated().filter { i, a in
        archiveOptions.contains(a) || (i > 0 && archiveOptions.contains(rest[i - 1]))
          || archiveOptions.contains(where: { a.hasPrefix($0 + "=") })
      }.map(\.element), valued: archiveOptions, flags: [])
    let jury = try openJury(pre)
    let criteria = try jury.rubric()
    let args = try Arguments(
      rest, valued: archiveOptions.union(["--comment"]).union(criteria.map { "--\($0.key)" }), flags: ["--for-artist"])
    guard args.positional.count == 2 else { throw UsageError("jury score needs a JUROR and a SUBMISSION.") }
    var values: [String: Int] = [:]
    for c in criteria {
      if let v = args.value("--\(c.key)") {
        guard let n = Int(v) else { throw UsageError("--\(c.key) takes a whole number, not \"\(v)\".") }
        values[c.key] = n
      }
    }
    guard !values.isEmpty || args.value("--comment") != nil else {
      throw UsageError("Give a score for each criterion: \(criteria.map { "--\($0.key) N" }.joined(separator: " ")).")
    }
    let juror = try jury.juror(args.positional[0])
    let entry = ScoreEntry(
      juror: juror.id, submission: args.positional[1], values: values, comment: args.value("--comment"),
      forArtist: args.has("--for-artist"))
    let changes = try jury.score(entry)
    print(
      changes == 0
        ? "Nothing changed: these are already the scores."
        : "Recorded \(juror.name)'s scores for work \(args.positional[1]).")
  }
}

/// Writes command output to standard output, or to the file `-o` names: never one of the
/// archive's own, and replaced all at once.
/// The path is checked before `text` is made, so a refused -o is the first thing said.
func writeOutput(to path: String?, archive: SalonArchive, _ text: () throws -> String) throws {
  guard let path, path != "-" else {
    let text = try text()
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    return
  }
  let url = try archive.checkOutputPath(path, kind: .file)
  try AtomicFile.write(Data(try text().utf8), to: url)
  printError("Wrote \(path).")
}
