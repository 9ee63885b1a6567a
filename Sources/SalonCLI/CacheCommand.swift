import Basics
import Catalog
import Export
import Foundation
import MediaTools

/// `salon cache import DIR`: derivatives made elsewhere, checked, into the archive's cache.
enum CacheCommand: Command {
  static let usage = """
    Usage: salon cache import DIR [--media-time-limit SECONDS] [--json] [--archive DIR]

    Takes in the derivatives `salon derive` made on other machines as untrusted input: only a
    folder named by the key of a line this archive planned (`salon export --plan`), holding
    regular files only, exactly those its entry lists, within the size limit; every picture is
    decoded again in the sandbox and stripped of metadata, every web video or sound decoded
    again, before it enters the cache. `salon export` then finds them there. The event log
    records how many came from nodes whose pod was declared the boundary. Exit status 1 if any
    folder was refused (each is listed with a code); the export makes those itself.
      --media-time-limit SECONDS
                      Processor time a confined check may spend on one file (default 600)
      --json          Print the report as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions.union(["--media-time-limit"]), flags: ["--json"])
    guard args.positional.first == "import" else { throw UsageError("cache takes `import DIR`.") }
    guard args.positional.count == 2 else { throw UsageError("cache import takes one folder.") }
    let archive = try openArchive(args)
    let seconds = try args.number("--media-time-limit", in: .mediaSeconds) ?? 600
    let progress = TerminalProgress("folders checked")
    let report = try DerivativeImport.run(
      from: URL(fileURLWithPath: args.positional[1]), archive: archive,
      limits: SandboxLimits(processorSeconds: seconds), isCancelled: { interruption.isCancelled }
    ) { done, total in progress.update(done, of: total) }
    progress.clear()
    if args.has("--json") {
      try writeJSON(report)
    } else {
      print(
        "Imported \(report.imported) derivative\(report.imported == 1 ? "" : "s") into the archive's cache (\(report.alreadyCached) already there, \(report.refused.count) refused)."
      )
      let unconfined = report.boundaries.filter { $0.key != "sandbox" }.values.reduce(0, +)
      if unconfined > 0 {
        print(
          "\(unconfined) of them were made without bubblewrap (pod declared the boundary, or SALON_UNCONFINED_MEDIA=1); the event log records it."
        )
      }
      for refusal in report.refused {
        print(TerminalText.visible("  \(refusal.folder): \(refusal.code): \(refusal.message)"))
      }
    }
    if !report.refused.isEmpty { throw Failed() }
  }
}
