import Basics
import Catalog
import Foundation
import Jury

/// `salon jury add|list|remove|conflict|conflicts`: who judges, and who may not judge what.
extension JuryCommand {
  /// Adds a juror and says which conflicts were found at once.
  static func add(_ rest: [String]) throws {
    let args = try Arguments(rest, valued: archiveOptions.union(["--email"]), flags: ["--json"])
    guard args.positional.count == 1 else { throw UsageError("jury add needs one NAME (quote names with spaces).") }
    let jury = try openJury(args)
    let juror = try jury.addJuror(name: args.positional[0], email: args.value("--email"))
    let conflicts = try jury.conflicts().filter { $0.juror == juror.id && $0.automatic }
    if args.has("--json") {
      try writeJSON(juror)
    } else {
      print("Added juror \(juror.name) (id \(juror.id)).")
      for c in conflicts { print(TerminalText.visible("  Conflict with work \(c.submission): \(c.reason).")) }
    }
  }

  /// Every juror with their progress and conflicts.
  static func list(_ rest: [String]) throws {
    let args = try Arguments(rest, valued: archiveOptions, flags: ["--json"])
    let jury = try openJury(args)
    let jurors = try jury.jurors()
    let conflicts = try jury.conflicts()
    let progress = try jury.progress()
    if args.has("--json") {
      try writeJSON(
        jurors.map { j in
          let p = progress.jurors.first { $0.id == j.id }
          return JurorLine(
            id: j.id, name: j.name, email: j.email, assigned: p?.assigned ?? 0, scored: p?.scored ?? 0,
            conflicts: conflicts.filter { $0.juror == j.id })
        })
      return
    }
    if jurors.isEmpty { print("No jurors yet; add them with `salon jury add NAME --email EMAIL`.") }
    for j in jurors {
      let p = progress.jurors.first { $0.id == j.id }
      print("\(j.id): \(j.name)\(j.email.map { " <\($0)>" } ?? ""), \(p?.scored ?? 0) of \(p?.assigned ?? 0) scored")
      for c in conflicts where c.juror == j.id {
        print(
          TerminalText.visible(
            "  conflict with \(c.submission): \(c.reason)\(c.automatic ? " (found automatically)" : "")"))
      }
    }
  }

  /// Records a declared conflict and which scores stop counting.
  static func conflict(_ rest: [String]) throws {
    let args = try Arguments(rest, valued: archiveOptions.union(["--reason"]), flags: [])
    guard args.positional.count == 2 else { throw UsageError("jury conflict needs a JUROR and a SUBMISSION.") }
    let jury = try openJury(args)
    let declared = try jury.declareConflict(
      juror: args.positional[0], submission: args.positional[1], reason: args.value("--reason"))
    print(TerminalText.visible("Recorded: \(declared.juror.name) has a conflict with work \(declared.submission)."))
    if !declared.withdrawn.isEmpty {
      let values = declared.withdrawn.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      print(
        TerminalText.visible(
          "Their scores for work \(declared.submission) (\(values.joined(separator: ", "))) no longer count in the standings; the history keeps them."
        )
      )
    }
  }

  /// Every conflict, declared or found, with near misses marked "check".
  static func conflicts(_ rest: [String]) throws {
    let args = try Arguments(rest, valued: archiveOptions, flags: ["--json"])
    guard args.positional.isEmpty else { throw UsageError("jury conflicts takes only options.") }
    let conflicts = try openJury(args, reading: true).conflicts(checks: true)
    if args.has("--json") {
      try writeJSON(conflicts)
      return
    }
    if conflicts.isEmpty { print("No conflicts: no juror matches an artist or contact, and none was declared.") }
    for c in conflicts { print(TerminalText.visible("\(c.juror) – work \(c.submission): \(c.kind): \(c.reason)")) }
  }

  /// Removes a juror; their scores leave the standings, the history keeps them.
  static func remove(_ rest: [String]) throws {
    let args = try Arguments(rest, valued: archiveOptions.union(["--reason"]), flags: [])
    guard args.positional.count == 1 else { throw UsageError("jury remove needs one JUROR.") }
    let removed = try openJury(args).removeJuror(args.positional[0], reason: args.value("--reason"))
    print(TerminalText.visible("Removed juror \(removed.juror.name) (id \(removed.juror.id))."))
    if removed.withdrawnAssignments > 0 {
      print(
        "  \(removed.withdrawnAssignments) unscored assignments withdrawn; `salon jury assign` gives them to others.")
    }
    if !removed.withdrawnWorks.isEmpty {
      print(
        TerminalText.visible(
          "  Note: their scores for \(removed.withdrawnWorks.count) work\(removed.withdrawnWorks.count == 1 ? "" : "s") (\(removed.withdrawnWorks.joined(separator: ", "))) leave the standings; the history keeps them."
        )
      )
    }
  }
}

/// One juror in `salon jury list --json`.
private struct JurorLine: Encodable {
  var id, name: String
  var email: String?
  var assigned, scored: Int
  var conflicts: [Conflict]
}
