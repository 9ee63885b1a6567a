import Basics
import Catalog
import Foundation
import Ingest

enum SubmissionsCommand: Command {
  static let usage = """
    Usage: salon submissions list [--provenance FINDING] [--json]
           salon submissions show ID [--json]
           salon submissions decide ID... selected|declined [--note TEXT]
           salon submissions decide --all-accepted [--note TEXT]
           salon submissions decide --csv FILE [--note TEXT]
           salon submissions merge ID --into ID
           salon submissions category ID CATEGORY
           salon submissions edit ID --FIELD VALUE... [--note TEXT]
    \(withholdUsage)
    (each also takes --archive DIR and --exhibition SLUG)

      list      Every submission with its status, latest version and decision; --provenance keeps
                those whose files' provenance is \(ProvenanceFinding.allCases.map(\.rawValue).joined(separator: ", "))
      show      One submission: status, problems, warnings, files, declarations, versions
      decide    Record the programme decision; earlier decisions stay in the history.
                --all-accepted selects every accepted submission not yet decided; --csv reads
                lines of id,decision[,note] and records all of them or, on a bad line, none
      merge     Make a submission kept apart by ingest (id-conflict, e.g. 7-conflict-1) the next
                version of another; the first is recorded as declined, and the merge in the log
      category  Choose the work's category for the gallery's filters, whatever its medium says:
                \(WorkCategory.allCases.map(\.rawValue).joined(separator: ", "))
      edit      Correct the latest version's declarations without a new version (scores and the
                decision stand; recorded as yours in the log): --title, --artists, --email,
                --medium, --statement, --alt-text, --link, --prior-venue, --ai-statement (text;
                "" clears), --previously-published, --under-review, --rights-granted,
                --authorship-affirmed (yes|no|unknown), --ai-use none|assisted|generated|unknown
    \(withholdHelp)
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments,
      valued: archiveOptions.union(["--note", "--csv", "--into", "--provenance", "--reason"]).union(editOptions),
      flags: ["--json", "--all-accepted", "--undo"])
    // `attach FROM ID` is the earlier spelling of `merge FROM --into ID`.
    let actions: Set<String> = [
      "list", "show", "decide", "merge", "attach", "category", "edit", "withhold", "withheld",
    ]
    guard let action = args.positional.first else {
      throw UsageError("Submissions needs list, show, decide, merge, category, edit, withhold or withheld.")
    }
    guard actions.contains(action) else {
      throw UsageError(
        "Unknown action \"\(action)\"; use list, show, decide, merge, category, edit, withhold or withheld.\(suggestion(for: action, among: actions))"
      )
    }
    if action != "edit", let option = editOptions.intersection(args.values.keys).sorted().first {
      throw UsageError("Unknown option \(option) (only submissions edit takes it).")
    }
    // list and show only read, so they work on an archive Salon may not write.
    let archive = try openArchive(args, reading: ["list", "show", "withheld"].contains(action))
    let exhibition = try archive.exhibition(slug: args.value("--exhibition"))
    switch action {
    case "list":
      guard args.positional.count == 1 else { throw UsageError("submissions list takes no arguments.") }
      let provenance = try provenanceFilter(args)
      let kept = { (report: SubmissionReport) in provenance == nil || report.provenance?.finding == provenance }
      if args.has("--json") {
        try writeJSONArray { (emit: (SubmissionReport) throws -> Void) in
          try archive.forEachSubmissionReport(exhibition: exhibition) { if kept($0) { try emit($0) } }
        }
        return
      }
      try printList(archive: archive, exhibition: exhibition, provenance: provenance, kept: kept)
    case "show":
      guard args.positional.count == 2 else { throw UsageError("submissions show needs one submission ID.") }
      let report = try archive.submissionReport(exhibition: exhibition, id: args.positional[1])
      if args.has("--json") {
        try writeJSON(report)
      } else {
        printReport(report)
      }
    case "decide":
      try decide(args, archive: archive, exhibition: exhibition)
    case "merge", "attach":
      let target = action == "merge" ? args.value("--into") : args.positional.count == 3 ? args.positional[2] : nil
      guard let target, args.positional.count == (action == "merge" ? 2 : 3) else {
        throw UsageError("submissions merge needs one ID and --into the ID it is a new version of.")
      }
      let from = args.positional[1]
      let number = try archive.merge(exhibition: exhibition, from, into: target)
      print(
        "Merged: \(TerminalText.visible(from)) is now version \(number) of submission \(TerminalText.visible(target)), which waits for your decision; \(TerminalText.visible(from)) is recorded as declined."
      )
    case "edit":
      try edit(args, archive: archive, exhibition: exhibition)
    case "category":
      guard args.positional.count == 3 else { throw UsageError("Submissions category needs an ID and a category.") }
      guard let category = WorkCategory(typed: args.positional[2]) else {
        throw UsageError(
          "The category \"\(args.positional[2])\" is not one of the call's: \(WorkCategory.allCases.map(\.rawValue).joined(separator: ", ")).\(suggestion(for: args.positional[2], among: Set(WorkCategory.allCases.map(\.rawValue))))"
        )
      }
      try archive.chooseCategory(exhibition: exhibition, id: args.positional[1], category: category)
      print("Recorded: submission \(args.positional[1]) is in the category \(category.label); later versions keep it.")
    case "withhold":
      try withhold(args, archive: archive, exhibition: exhibition)
    case "withheld":
      try listWithheld(args, archive: archive, exhibition: exhibition)
    default:
      break
    }
  }

  static func decide(_ args: Arguments, archive: SalonArchive, exhibition: Exhibition) throws {
    let note = args.value("--note")
    let progress = TerminalProgress("decisions recorded")
    defer { progress.clear() }
    let outcome: DecisionOutcome
    if let csv = args.value("--csv") {
      guard args.positional.count == 1, !args.has("--all-accepted") else {
        throw UsageError("submissions decide --csv FILE takes no ids and no --all-accepted.")
      }
      outcome = try archive.decide(
        exhibition: exhibition, csvAt: csv, note: note, progress: { progress.update($0, of: $1) })
    } else if args.has("--all-accepted") {
      guard args.positional.count == 1 else { throw UsageError("submissions decide --all-accepted takes no ids.") }
      outcome = try archive.selectAllAccepted(
        exhibition: exhibition, note: note, progress: { progress.update($0, of: $1) })
    } else {
      guard args.positional.count >= 3, let decision = args.positional.last,
        ["selected", "declined"].contains(decision)
      else {
        if args.positional.count >= 3, let typed = args.positional.last {
          let hint = suggestion(for: typed, among: ["selected", "declined"])
          if !hint.isEmpty {
            throw UsageError("The decision is selected or declined, not \"\(typed)\".\(hint)")
          }
        }
        throw UsageError(
          "submissions decide needs one or more IDs and either selected or declined (or --all-accepted, or --csv FILE)."
        )
      }
      let requests = args.positional.dropFirst().dropLast().map {
        DecisionRequest(id: $0, selected: decision == "selected", note: note)
      }
      outcome = try archive.decide(exhibition: exhibition, Array(requests), progress: { progress.update($0, of: $1) })
    }
    progress.clear()
    let all = outcome.selected.map { ($0, "selected") } + outcome.declined.map { ($0, "declined") }
    if all.count == 1, let (id, decision) = all.first {
      print("Recorded: submission \(TerminalText.visible(id)) is \(decision).")
    } else {
      print(
        "Recorded: \(outcome.selected.count) selected, \(outcome.declined.count) declined\(outcome.alreadyDecided > 0 ? "; \(outcome.alreadyDecided) accepted submission\(outcome.alreadyDecided == 1 ? " was" : "s were") already decided and left as \(outcome.alreadyDecided == 1 ? "it was" : "they were")" : "")."
      )
    }
    // Selecting is not publishing: say which selected works the gallery will still leave out.
    let shown = 20
    for item in outcome.unpublishable.prefix(shown) {
      print(
        "  ! Submission \(TerminalText.visible(item.id)) is selected, but the export will leave it out: \(item.reasons.joined(separator: "; "))."
      )
    }
    if outcome.unpublishable.count > shown {
      print(
        "  ! … and \(outcome.unpublishable.count - shown) more selected submissions the export will leave out (see `salon export`)."
      )
    }
  }

  /// The text form of `submissions list`, streamed a page of reports at a time like the JSON
  /// form: holding every report of a call of 100,000 cost memory and copying for nothing. The ID
  /// column's width comes from the ids alone, before the first row.
  static func printList(
    archive: SalonArchive, exhibition: Exhibition, provenance: ProvenanceFinding?,
    kept: (SubmissionReport) -> Bool
  ) throws {
    let keys = try archive.submissionKeys(exhibition: exhibition)
    let width = min(24, keys.map { TerminalText.visible($0).count }.max() ?? 2)
    var listed = 0
    var accepted = 0
    try archive.forEachSubmissionReport(exhibition: exhibition) { r in
      guard kept(r) else { return }
      if listed == 0 {
        print("\("ID".padding(toLength: width, withPad: " ", startingAt: 0))  STATUS    WARN  VER  DECISION  TITLE")
      }
      listed += 1
      if r.status == .accepted { accepted += 1 }
      let columns = [
        TerminalText.visible(r.id).padding(toLength: width, withPad: " ", startingAt: 0),
        r.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
        String(r.warnings.count).padding(toLength: 4, withPad: " ", startingAt: 0),
        String(r.version ?? 1).padding(toLength: 3, withPad: " ", startingAt: 0),
        (r.decision ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0),
        r.declarations?.title.map(TerminalText.visible) ?? "(no title declared)",
      ]
      print(columns.joined(separator: "  "))
    }
    if let provenance, listed == 0 {
      print("No submission's provenance is \(provenance.rawValue) in \(exhibition.title).")
    } else if listed == 0 {
      print("No submissions yet in \(exhibition.title). Add some with `salon ingest`.")
    } else {
      print("\(listed) submissions: \(accepted) accepted, \(listed - accepted) rejected.")
    }
  }

  /// `--provenance FINDING`, checked against the findings Salon records.
  static func provenanceFilter(_ args: Arguments) throws -> ProvenanceFinding? {
    guard let text = args.value("--provenance") else { return nil }
    guard let finding = ProvenanceFinding(rawValue: text.lowercased()) else {
      let names = Set(ProvenanceFinding.allCases.map(\.rawValue))
      throw UsageError(
        "--provenance takes one of \(ProvenanceFinding.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\".\(suggestion(for: text, among: names))"
      )
    }
    return finding
  }

  static func printReport(_ r: SubmissionReport) {
    print(
      "Submission \(TerminalText.visible(r.id)): \(r.status.rawValue), version \(r.version ?? 1) from \(TerminalText.visible(r.zip))"
    )
    if let decision = r.decision {
      print("Decision: \(decision)\(r.decisionNote.map { " (\(TerminalText.visible($0)))" } ?? "")")
    }
    if let category = r.category { print("Category: \(category.label)") }
    if !r.problems.isEmpty {
      print("\nProblems:")
      for line in ReportGrouping.lines(r.problems) { print("  ✗ \(TerminalText.visible(ReportGrouping.text(line)))") }
    }
    if !r.warnings.isEmpty {
      print("\nWarnings:")
      for line in ReportGrouping.lines(r.warnings) { print("  ! \(TerminalText.visible(ReportGrouping.text(line)))") }
    }
    if !r.files.isEmpty {
      print("\nFiles:")
      for f in r.files {
        var properties: [String] = []
        if let w = f.width, let h = f.height { properties.append("\(w)×\(h)") }
        if let d = f.duration { properties.append(String(format: "%.1f s", d)) }
        if let p = f.pages { properties.append("\(p) page\(p == 1 ? "" : "s")") }
        let role = f.role == .supplementary ? "supplementary \(f.number ?? 0)" : f.role.rawValue
        print(
          "  \(TerminalText.visible(f.path))\n    \(role), \(f.type), \(f.size) bytes\(properties.isEmpty ? "" : ", " + properties.joined(separator: ", "))\n    sha256 \(f.sha256)"
        )
      }
    }
    print("\nDeclarations:")
    if r.hasDeclarations != true { print("  (none: no row of the form export matched)") }
    if let d = r.declarations {
      let lines: [(String, String?)] = [
        ("Title", d.title), ("Artists", d.artists), ("Contact (private)", d.email), ("Medium", d.medium),
        ("Statement", d.statement), ("Alt text", d.altText), ("Link", d.link),
        ("Previously published", d.previouslyPublished.rawValue), ("Where", d.priorVenue),
        ("Under review elsewhere", d.underReview.rawValue), ("Rights granted", d.rightsGranted.rawValue),
        ("Authorship affirmed", d.authorshipAffirmed.rawValue), ("AI use", d.aiUse.rawValue),
        ("AI statement", d.aiStatement),
      ]
      for (label, value) in lines { if let value { print("  \(label): \(TerminalText.visible(value))") } }
    }
    if let provenance = r.provenance {
      print("\nProvenance: \(provenance.finding.rawValue) (\(provenance.finding.label.lowercased()))")
      for file in provenance.files {
        print("  \(TerminalText.visible(file.path)): \(file.finding.rawValue), C2PA \(file.c2pa)")
        for item in file.evidence { print("    \(item.source): \(TerminalText.visible(item.value))") }
      }
    }
    if let versions = r.versions {
      print("\nVersions:")
      for v in versions {
        print(
          "  \(v.number). \(TerminalText.visible(v.zip)), \(v.status.rawValue), received \(v.receivedAt), sha256 \(v.sha256)"
        )
      }
    }
  }
}
