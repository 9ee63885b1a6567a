import Basics
import Catalog
import Export
import Foundation
import Jury

/// `salon jury assign|sheet|import|progress`: who scores what, and the scores coming back.
extension JuryCommand {
  /// Balanced assignment of the accepted works.
  static func assign(_ rest: [String]) throws {
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
  }

  /// A juror's scoring sheet, CSV or offline HTML.
  static func sheet(_ rest: [String]) throws {
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
  }

  /// Filled sheets read back, each refused whole on any bad row.
  static func importSheets(_ rest: [String]) throws {
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
      try writeJSON(
        results.map {
          ImportedSheetLine(
            juror: $0.juror, rows: $0.rows, scored: $0.scored, changes: $0.changes, overwritten: $0.overwritten)
        })
    }
  }

  /// Scored of assigned, per juror and per work.
  static func progress(_ rest: [String]) throws {
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
  }
}

/// One imported sheet in `salon jury import --json`.
private struct ImportedSheetLine: Encodable {
  var juror: String
  var rows, scored, changes: Int
  var overwritten: [String]
}
