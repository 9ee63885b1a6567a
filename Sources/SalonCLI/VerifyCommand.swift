import Basics
import Catalog
import Foundation

enum VerifyCommand: Command {
  static let usage = """
    Usage: salon verify [--quick] [--json] [--archive DIR]

    Re-hashes every stored file against the catalog, checks that every reference in the catalog
    resolves and that nothing unknown sits in the store. Exit status 1 on any problem.
      --quick    Check sizes only, without re-hashing
      --json     Print the report as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions, flags: ["--quick", "--json"])
    guard args.positional.isEmpty else { throw UsageError("verify takes only options.") }
    let progress = TerminalProgress("stored files checked")
    let report = try openArchive(args, reading: true).verify(quick: args.has("--quick")) {
      progress.update($0, of: $1)
    }
    progress.clear()
    if args.has("--json") {
      try writeJSON(report)
    } else {
      print("Checked \(report.checked) stored files\(report.quick ? " (sizes only)" : "").")
      for item in report.missing {
        print(TerminalText.visible("  MISSING \(item.sha256)\(owners(item))"))
      }
      for item in report.corrupt {
        print(TerminalText.visible("  CORRUPT \(item.sha256): \(item.problem)\(owners(item))"))
      }
      for item in report.orphans { print("  ORPHAN  \(item.sha256): in the store but not in the catalog") }
      for problem in report.catalog { print(TerminalText.visible("  CATALOG \(problem)")) }
      print(report.ok ? "All files match the catalog." : "Problems found: restore the files named above from a backup.")
    }
    if !report.ok { throw Failed() }
  }

  static func owners(_ item: FixityReport.Item) -> String {
    item.submissions.isEmpty ? "" : " (submission \(item.submissions.joined(separator: ", ")))"
  }
}

/// A command that reported its own failure and only needs exit status 1.
struct Failed: Error, CustomStringConvertible {
  var description: String { "" }
}

enum LogCommand: Command {
  static let usage = """
    Usage: salon log [--submission ID] [--json] [--archive DIR] [--exhibition SLUG]

    The event log: every ingest, validation result, decision, score change, conflict, award,
    reopening and export, with its time and actor. It can never be changed or deleted.
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions.union(["--submission"]), flags: ["--json"])
    guard args.positional.isEmpty else { throw UsageError("log takes only options.") }
    let archive = try openArchive(args, reading: true)
    let exhibition = try? archive.exhibition(slug: args.value("--exhibition"))
    if args.value("--exhibition") != nil && exhibition == nil {
      _ = try archive.exhibition(slug: args.value("--exhibition"))
    }
    let events = try archive.events(exhibition: exhibition, submission: args.value("--submission"))
    if args.has("--json") {
      try writeJSON(events)
      return
    }
    for e in events {
      let subject = [e.exhibition, e.submission].compactMap { $0 }.joined(separator: "/")
      print(
        TerminalText.visible("\(e.time)  \(e.actor)  \(e.kind)\(subject.isEmpty ? "" : "  \(subject)")  \(e.detail)"))
    }
  }
}
