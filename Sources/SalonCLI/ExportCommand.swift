import Catalog
import Export
import Foundation
import Imaging

enum ExportCommand: Command {
  static let usage = """
    Usage: salon export [-o DIR] [--theme DIR] [--clean] [--json] [--archive DIR]

    Writes the static gallery of every exhibition in the archive (default: ./gallery). A work
    appears when it is selected, its rights are granted and its authorship affirmed; the report
    lists every work left out and why. Re-exporting rewrites only what changed.
      -o DIR          Where the site goes (a new folder, or one an earlier export made)
      --theme DIR     A theme folder with Templates/ and/or Gallery/ overriding the default
      --clean         Remove what an earlier export wrote, then export anew
      --json          Print the report as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions.union(["-o", "--theme"]), flags: ["--clean", "--json"])
    guard args.positional.isEmpty else { throw UsageError("export takes only options.") }
    let archive = try openArchive(args)
    let theme = try Theme(override: args.value("--theme").map { URL(fileURLWithPath: $0) })
    let output = URL(fileURLWithPath: args.value("-o") ?? "gallery").standardizedFileURL
    let progress = TerminalProgress("")
    let report = try Exporter(archive: archive, theme: theme).export(to: output, clean: args.has("--clean")) {
      stage, done, total in
      progress.label = stage == "images" ? "works: making images" : "pages written"
      progress.update(done, of: total, always: done == 0)
    }
    progress.clear()
    if args.has("--json") {
      try writeJSON(report)
      return
    }
    print(
      "Exported \(report.works) works in \(report.exhibitions.count) exhibition\(report.exhibitions.count == 1 ? "" : "s") to \(report.output)"
    )
    print(
      "  \(report.pages) pages: \(report.written) files written, \(report.unchanged) unchanged, \(report.removed) removed; \(report.derivativesMade) images made, \(report.derivativesReused) reused."
    )
    if !report.leftOut.isEmpty {
      print("Left out:")
      for item in report.leftOut {
        print("  \(item.exhibition)/\(item.id) \(item.title): \(item.reasons.joined(separator: "; ")).")
      }
    }
    if !report.failures.isEmpty {
      print("Could not make images for:")
      for f in report.failures { print("  \(f.exhibition)/\(f.id) \(f.file): \(f.message)") }
    }
    print(
      "Open \(output.appendingPathComponent("index.html").path) in a browser, or copy the folder to any static host.")
  }
}
