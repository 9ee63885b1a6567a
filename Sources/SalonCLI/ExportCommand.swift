import Catalog
import Export
import Foundation
import Imaging

enum ExportCommand: Command {
  static let usage = """
    Usage: salon export [-o DIR] [--theme DIR] [--prune | --clean] [--json] [--archive DIR]

    Writes the static gallery of every exhibition in the archive (default: ./gallery). A work
    appears when it is selected, its rights are granted and its authorship affirmed; the report
    lists every work left out and why. Re-exporting rewrites only what changed and removes
    nothing: pages an earlier export made and this one does not stay until you pass --prune.
      -o DIR          Where the site goes (a new folder, or one an earlier export made)
      --theme DIR     A theme folder with Templates/ and/or Gallery/ overriding the default
      --prune         Remove the pages and images an earlier export made that this one does not
      --clean         Remove what an earlier export wrote, then export anew
      --json          Print the report as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments, valued: archiveOptions.union(["-o", "--theme"]), flags: ["--clean", "--prune", "--json"])
    guard args.positional.isEmpty else { throw UsageError("export takes only options.") }
    let archive = try openArchive(args)
    let theme = try Theme(override: args.value("--theme").map { URL(fileURLWithPath: $0) })
    let output = try archive.checkOutputPath(args.value("-o") ?? "gallery", kind: .folder)
    let progress = TerminalProgress("")
    let report = try Exporter(archive: archive, theme: theme).export(
      to: output, clean: args.has("--clean"), prune: args.has("--prune")
    ) { stage, done, total in
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
    if report.kept > 0 {
      print(
        "Kept \(report.kept) file\(report.kept == 1 ? "" : "s") an earlier export made that this one no longer does (pages of works no longer shown, or their images); `salon export --prune` removes them."
      )
    }
    if !report.leftOut.isEmpty {
      print("Left out:")
      for item in report.leftOut {
        print(
          TerminalText.visible(
            "  \(item.exhibition)/\(item.id) \(item.title): \(item.reasons.joined(separator: "; "))."))
      }
    }
    if !report.failures.isEmpty {
      print("Could not make images for:")
      for f in report.failures { print(TerminalText.visible("  \(f.exhibition)/\(f.id) \(f.file): \(f.message)")) }
    }
    print(
      "Open \(output.appendingPathComponent("index.html").path) in a browser, or copy the folder to any static host.")
  }
}
