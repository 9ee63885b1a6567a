import Basics
import Catalog
import Foundation

/// `salon submissions withhold`: one file of a work kept out of the public gallery (a technical
/// rider), recorded with who and why, and let back in with `--undo`.
extension SubmissionsCommand {
  static let withholdUsage = """
           salon submissions withhold ID FILE --reason TEXT
           salon submissions withhold ID FILE --undo [--reason TEXT]
           salon submissions withheld [--json]
    """

  static let withholdHelp = """
      withhold  Leave one file of a work (by its path as `show` lists it, or its file name) out of
                the public gallery from the next export on; the work stays published, the jury
                room still shows the file. --undo publishes it again; both are in the log
      withheld  The files left out of the gallery, with who left them out and why
    """

  static func withhold(_ args: Arguments, archive: SalonArchive, exhibition: Exhibition) throws {
    guard args.positional.count == 3 else {
      throw UsageError("submissions withhold needs a submission ID and one of its files.")
    }
    let undo = args.has("--undo")
    let reason = args.value("--reason")
    if !undo, reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true {
      throw UsageError("submissions withhold needs --reason TEXT: the log keeps why the file is left out.")
    }
    let (id, name) = (args.positional[1], args.positional[2])
    let path = try archive.withholdFile(
      exhibition: exhibition, submission: id, file: name, withheld: !undo, reason: reason)
    let shown = "\(TerminalText.visible(path)) of submission \(TerminalText.visible(id))"
    print(
      undo
        ? "Recorded: \(shown) is published again from the next `salon export`."
        : "Recorded: \(shown) is left out of the gallery from the next `salon export`; undo with `salon submissions withhold \(TerminalText.visible(id)) \(TerminalText.visible(name)) --undo`."
    )
  }

  static func listWithheld(_ args: Arguments, archive: SalonArchive, exhibition: Exhibition) throws {
    guard args.positional.count == 1 else { throw UsageError("submissions withheld takes no arguments.") }
    let files = try archive.withheldFiles(exhibition: exhibition)
    if args.has("--json") {
      try writeJSON(files)
      return
    }
    if files.isEmpty {
      print("No file of \(TerminalText.visible(exhibition.title)) is left out of the gallery.")
      return
    }
    for f in files {
      let why = f.reason.map { ": \(TerminalText.visible($0))" } ?? ""
      print(
        "\(TerminalText.visible(f.submission))  \(TerminalText.visible(f.path))  (by \(TerminalText.visible(f.actor)), \(f.time))\(why)"
      )
    }
  }
}
