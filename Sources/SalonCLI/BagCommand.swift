import Foundation
import Packaging

enum BagCommand: Command {
  static let usage = """
    Usage: salon bag -o DIR [--exhibition SLUG] [--site] [--json] [--archive DIR]

    Writes an RFC 8493 BagIt package for long-term preservation: data/ holds every zip as
    received, the catalog's records as JSON (Dublin Core for each work, the declarations with
    their rights statement, the judging results, the event log) and, with --site, the exported
    gallery; with manifests in SHA-256 and SHA-512. Without --exhibition, every exhibition.
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions.union(["-o"]), flags: ["--site", "--json"])
    guard args.positional.isEmpty else { throw UsageError("bag takes only options.") }
    guard let outputPath = args.value("-o") else {
      throw UsageError("bag needs -o DIR, a folder that does not exist yet.")
    }
    let archive = try openArchive(args)
    let output = try archive.checkOutputPath(outputPath, kind: .folder)
    let report = try Bag.write(
      archive: archive, exhibition: args.value("--exhibition"), to: output, includeSite: args.has("--site"))
    if args.has("--json") {
      try writeJSON(report)
    } else {
      print("Wrote the bag \(report.output): \(report.files) files, \(report.bytes) bytes of payload.")
    }
  }
}
