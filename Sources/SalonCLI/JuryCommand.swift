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
                           [--theme DIR] [--works-per-part N] [--retry-failed] [--json]
           salon jury room --all -o DIR [--zip] [--show-artists] [--gallery DIR] [--theme DIR]
                           [--works-per-part N] [--json]
           salon jury import FILE... [--overwrite-newer] [--json]
           salon jury progress [--json]
           salon jury round open NAME --kind yes-no|rating|ranking [--advance RULE] [--json]
           salon jury round advance ID... [--reason TEXT] | drop ID... --reason TEXT | close [--json]
           salon jury rounds [--json]
           salon jury score JUROR ID --vote yes|no | --rank N [--comment TEXT [--for-artist]]
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
                 A file that failed before is listed, not tried again, until --retry-failed.
                 A juror with more than --works-per-part works (1 to 100000, default \(JuryRoomBuilder.defaultWorksPerPart))
                 gets the room in parts, DIR/part-1 ... (each with its own zip), each a whole room.
                 Descriptions: `salon exhibition room-descriptions`.
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
    case "add": try add(rest)
    case "list": try list(rest)
    case "conflict": try conflict(rest)
    case "conflicts": try conflicts(rest)
    case "remove": try remove(rest)
    case "assign": try assign(rest)
    case "score": try score(rest)
    case "sheet": try sheet(rest)
    case "room": try room(rest)
    case "import": try importSheets(rest)
    case "progress": try progress(rest)
    default:
      let actions: Set<String> = [
        "rubric", "add", "list", "remove", "conflict", "conflicts", "assign", "score", "sheet", "room", "import",
        "progress", "round", "rounds",
      ]
      throw UsageError("Unknown jury action \"\(action)\".\(suggestion(for: action, among: actions))")
    }
  }

  static func openJury(_ args: Arguments, reading: Bool = false) throws -> Jury {
    let archive = try openArchive(args, reading: reading)
    return Jury(archive: archive, exhibition: try archive.exhibition(slug: args.value("--exhibition")))
  }

  static func room(_ rest: [String]) throws {
    let args = try Arguments(
      rest, valued: archiveOptions.union(["-o", "--gallery", "--theme", "--works-per-part"]),
      flags: ["--all", "--zip", "--show-artists", "--json", "--retry-failed"])
    let all = args.has("--all")
    if all {
      guard args.positional.isEmpty else { throw UsageError("jury room --all takes no JUROR.") }
      guard args.value("-o") != nil else { throw UsageError("jury room --all needs -o DIR for the rooms.") }
    } else {
      guard args.positional.count == 1 else { throw UsageError("jury room needs one JUROR, or --all.") }
    }
    let perPart = try args.wholeNumber("--works-per-part", in: .roomWorksPerPart)
    let jury = try openJury(args)
    let jurors = all ? try jury.jurors() : [try jury.juror(args.positional[0])]
    let output = try jury.archive.checkOutputPath(
      args.value("-o") ?? "room-\(Slug.make(jurors[0].id, fallback: "juror"))", kind: .folder)
    var settings = ExportSettings(isCancelled: { interruption.isCancelled })
    settings.retryFailed = args.has("--retry-failed")
    var builder = JuryRoomBuilder(
      jury: jury, theme: try Theme(override: args.value("--theme").map { URL(fileURLWithPath: $0) }),
      settings: settings)
    if let perPart { builder.worksPerPart = perPart }
    let report = try builder.build(
      jurors: jurors, output: output, perJurorFolders: all, showArtists: args.has("--show-artists"),
      zip: args.has("--zip"), gallery: args.value("--gallery").map { URL(fileURLWithPath: $0) })
    if args.has("--json") {
      try writeJSON(report)
      return
    }
    for room in report.rooms {
      let megabytes = String(format: "%.1f", Double(room.bytes) / 1_048_576)
      let part = room.part.map { " (part \($0) of \(room.parts ?? $0))" } ?? ""
      print("Jury room for \(room.juror)\(part): \(room.works) works, \(megabytes) MB in \(room.folder)")
      if let zip = room.zip { print("  To send: \(zip)") }
    }
    print(
      "Media: \(report.derivativesMade) files made, \(report.derivativesReused) reused\(report.gallery.map { " (gallery: \($0))" } ?? "")."
    )
    for failure in report.failures {
      print(
        TerminalText.visible(
          "  ! work \(failure.id), \(failure.file): \(failure.code.rawValue): \(failure.message)"
            + (failure.notRetried == true ? " (failed before; not retried: --retry-failed tries again)" : "")))
    }
    print(
      "Descriptions: \(report.descriptions) (`salon exhibition room-descriptions \(jury.exhibition.slug) shown|after-scoring|left-out`)."
    )
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
/// archive's own, replaced all at once, and the owner's alone (sheets, score exports and
/// announcements speak of unpublished works and scores).
/// The path is checked before `text` is made, so a refused -o is the first thing said.
func writeOutput(to path: String?, archive: SalonArchive, _ text: () throws -> String) throws {
  guard let path, path != "-" else {
    let text = try text()
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    return
  }
  let url = try archive.checkOutputPath(path, kind: .file)
  try OwnerOnly.write(Data(try text().utf8), to: url)
  printError("Wrote \(path).")
}
