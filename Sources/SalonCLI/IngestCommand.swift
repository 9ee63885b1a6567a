import Basics
import Catalog
import Foundation
import Ingest
import MediaTools

enum IngestCommand: Command {
  static let usage = """
    Usage: salon ingest PATH... [--form FORM.csv] [--column FIELD=HEADER]... [--delimiter D] [--json]
                        [--archive DIR] [--exhibition SLUG]
           salon ingest ZIP --id ID [--form FORM.csv]

    Checks and archives each zip (PATH is a zip or a folder of zips). Every zip is kept as
    received; a zip that breaks the call's rules is rejected with every reason.
      --form FORM.csv               The submission portal's form export (declarations)
      --column FIELD=HEADER         Read FIELD from the column HEADER (repeatable; FIELD= reads it
                                    from no column). Fields:
                                    \(FormExport.Field.allCases.map(\.rawValue).joined(separator: ", "))
      --delimiter comma|semicolon|tab
                                    What separates the form's fields (default: read from its header line)
      --id ID                       Make the zip the next version of the existing submission ID
                                    (otherwise only the form row naming the zip in its file column does)
      --media-time-limit SECONDS    Processor time a decoder may spend checking one file
                                    (default 60; the clock allows three times that, and
                                    at least 30 s more)
      --json                        Print {"submissions": [...]} as JSON

    A zip already in the archive (the same bytes) is recognised whatever its name, and nothing changes.
    """

  struct Output: Encodable {
    var submissions: [SubmissionReport]
    /// Files in the folders given that are not zips.
    var skipped: [String]
  }

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments, valued: archiveOptions.union(["--form", "--column", "--delimiter", "--id", "--media-time-limit"]),
      flags: ["--json"])
    guard !args.positional.isEmpty else { throw UsageError("ingest needs at least one zip or folder.") }
    var columns: [String: String] = [:]
    for mapping in args.values["--column"] ?? [] {
      guard let equals = mapping.firstIndex(of: "="), equals != mapping.startIndex else {
        throw UsageError("--column takes FIELD=HEADER, as in --column title=\"Work title\".")
      }
      columns[String(mapping[..<equals])] = String(mapping[mapping.index(after: equals)...])
    }
    // The form is read, and refused if malformed, before anything is ingested.
    var delimiter: CSVReader.Delimiter?
    if let typed = args.value("--delimiter") {
      guard let chosen = CSVReader.Delimiter(typed: typed) else {
        throw UsageError("Option --delimiter is comma, semicolon or tab, not \"\(typed)\".")
      }
      guard args.value("--form") != nil else { throw UsageError("Option --delimiter needs --form.") }
      delimiter = chosen
    }
    var form: FormExport?
    if let formPath = args.value("--form") {
      do {
        form = try FormExport.load(path: formPath, explicitColumns: columns, delimiter: delimiter)
      } catch let problem as FormExport.Problem {
        switch problem {
        case .unknownField, .unknownHeader: throw UsageError(problem.description)
        default: throw problem
        }
      }
    } else if !columns.isEmpty {
      throw UsageError("--column needs --form.")
    }
    let found = try Ingester.find(args.positional)
    let zips = found.zips
    let targetID = args.value("--id")
    if targetID != nil && zips.count != 1 {
      throw UsageError("Option --id attaches one zip to a submission; name exactly one zip.")
    }
    let archive = try openArchive(args)
    let exhibition = try archive.exhibition(slug: args.value("--exhibition"))
    let json = args.has("--json")
    if let form, !json {
      let mapped = FormExport.Field.allCases.compactMap { field in
        form.mapping[field].map { "\(field.rawValue) ← \"\($0)\"" }
      }
      let how = delimiter == nil ? "read from its header line" : "as --delimiter says"
      print("Form export: \(form.delimiter.rawValue)-separated (\(how)).")
      print(TerminalText.visible("Form columns: \(mapped.joined(separator: ", "))."))
      let ignored = form.headers.filter { header in !form.mapping.values.contains(header) && !header.isEmpty }
      if !ignored.isEmpty {
        print(
          "Not used: \(ignored.map { "\"\(TerminalText.visible($0))\"" }.joined(separator: ", ")) (map one with --column FIELD=HEADER)."
        )
      }
    }
    let skipped = found.skipped
    if !found.skipped.isEmpty && !json {
      let names = found.skipped.map { TerminalText.visible(URL(fileURLWithPath: $0).lastPathComponent) }
      let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : "")
      print("Skipped \(names.count) file\(names.count == 1 ? " that is not a zip" : "s that are not zips"): \(shown).")
    }
    for (folder, subfolders) in found.foldersBelow {
      let shown =
        subfolders.prefix(5).map(TerminalText.visible).joined(separator: ", ") + (subfolders.count > 5 ? ", …" : "")
      printError(
        "\(folder) holds no zip itself, but \(subfolders.count) of its subfolders do (\(shown)); ingest them with `salon ingest \(folder)/*/`."
      )
    }
    if zips.isEmpty {
      // Nothing to read is a failure a script can see (exit 1, as for a path that does not
      // exist), with a stable code; --json still says what was skipped.
      if json { try writeJSON(Output(submissions: [], skipped: skipped)) }
      printError(
        "No zip files found in \(args.positional.joined(separator: ", ")) (no-zips-found); nothing was ingested."
      )
      throw Failed()
    }

    var mediaLimits = Ingester.defaultMediaLimits
    if let seconds = try args.number("--media-time-limit", in: .mediaSeconds) {
      mediaLimits = SandboxLimits(
        processorSeconds: seconds, memoryBytes: mediaLimits.memoryBytes, fileBytes: mediaLimits.fileBytes)
    }
    let ingester = Ingester(
      archive: archive, exhibition: exhibition, form: form, cancellation: interruption, mediaLimits: mediaLimits)
    let progress = TerminalProgress("", enabled: standardErrorIsTerminal && zips.count > 1)
    // Only --json keeps every report; the summary needs counts, so memory stays flat for a big call.
    var reports: [SubmissionReport] = []
    var counts = (all: 0, accepted: 0, warned: 0, rejected: 0, unchanged: 0, corrected: 0)
    var failures: [String] = []
    // Zips are recorded in batches; each is reported once its batch is in the archive.
    try ingester.ingest(
      zipsAt: zips, asVersionOf: targetID,
      starting: { index, zip in
        progress.update(
          index + 1, of: zips.count, detail: String(URL(fileURLWithPath: zip).lastPathComponent.prefix(60)),
          always: true)
      },
      each: { zip, result in
        let report: SubmissionReport
        switch result {
        case .success(let done): report = done
        case .failure(let error as CatalogError) where targetID != nil: throw error
        case .failure(let error):
          // One zip that cannot be read at all (permissions, a vanished file) never stops the batch.
          progress.clear()
          printError("\(URL(fileURLWithPath: zip).lastPathComponent): \(FileProblem.plainSentence(for: error))")
          failures.append(zip)
          return
        }
        counts.all += 1
        if report.status == .rejected {
          counts.rejected += 1
        } else if report.warnings.isEmpty {
          counts.accepted += 1
        } else {
          counts.warned += 1
        }
        if report.change == RecordOutcome.unchanged.rawValue { counts.unchanged += 1 }
        if report.change == RecordOutcome.declarationsCorrected.rawValue { counts.corrected += 1 }
        if json { reports.append(report) }
        if !json {
          progress.clear()
          printSummary(report)
        }
      })
    progress.clear()
    if json {
      try writeJSON(Output(submissions: reports, skipped: skipped))
      if !failures.isEmpty { throw Failed() }
      return
    }
    var line =
      "\(counts.all) zip\(counts.all == 1 ? "" : "s"): \(counts.accepted) accepted, \(counts.warned) accepted with warnings, \(counts.rejected) rejected"
    if counts.unchanged > 0 { line += " (\(counts.unchanged) already in the archive, unchanged)" }
    if counts.corrected > 0 {
      line +=
        "; \(counts.corrected) already in the archive had \(counts.corrected == 1 ? "its" : "their") declarations corrected, without a new version"
    }
    print(line + ".")
    printCategories(ingester.categoriesByMedium)
    if !failures.isEmpty {
      print(
        "\(failures.count) file\(failures.count == 1 ? "" : "s") could not be read at all and \(failures.count == 1 ? "was" : "were") not ingested (see above)."
      )
      throw Failed()
    }
  }

  static func printSummary(_ report: SubmissionReport) {
    let change: String
    switch report.change {
    case RecordOutcome.unchanged.rawValue:
      change = " (already in the archive as version \(report.version ?? 1); nothing changed)"
    case RecordOutcome.newVersion.rawValue: change = " (new version \(report.version ?? 0))"
    case RecordOutcome.declarationsCorrected.rawValue:
      change = " (declarations corrected on version \(report.version ?? 1); no new version)"
    default: change = ""
    }
    let mark = report.status == .accepted ? "accepted" : "REJECTED"
    print("\(TerminalText.visible(report.id)) [\(TerminalText.visible(report.zip))]: \(mark)\(change)")
    for line in ReportGrouping.lines(report.problems) {
      print("  ✗ \(TerminalText.visible(ReportGrouping.text(line)))")
    }
    for line in ReportGrouping.lines(report.warnings) {
      print("  ! \(TerminalText.visible(ReportGrouping.text(line)))")
    }
  }

  /// How the form's free-text media became the call's categories, for the organiser to check.
  static func printCategories(_ mapping: [String: WorkCategory]) {
    guard !mapping.isEmpty else { return }
    print("Categories from the form's medium (change one with `salon submissions category ID CATEGORY`):")
    for medium in mapping.keys.sorted(by: NaturalOrder.precedes) {
      print("  \"\(TerminalText.visible(medium))\" → \(mapping[medium]!.label)")
    }
  }
}
