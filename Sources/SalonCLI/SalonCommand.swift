// swift-format-ignore-file: OrderedImports
// Glibc first, as @preconcurrency: Swift 6 cannot prove C's `stdout` safe, and only the main
// thread touches it.
@preconcurrency import Glibc
import Basics
import Catalog
import Export
import Foundation
import MediaTools
import Synchronization

/// The `salon` command line: dispatches to one subcommand, maps errors to exit statuses
/// (0 success, 1 failure, 64 bad usage).
package enum SalonCommand {
  package static func exitAfterRunning(_ commandLine: [String]) -> Never {
    // Salon's own image decoder, started by Salon in the media sandbox: before anything else, so
    // it sets up no signal handling and reads no archive (its parent kills it on Ctrl-C).
    if commandLine.count > 1, commandLine[1] == ImageWorker.command {
      exit(MediaWorkerCommand.run(Array(commandLine.dropFirst(2))))
    }
    // Made before the handlers exist: a signal handler must not be the first to touch a global.
    _ = interruption
    signal(SIGINT) { _ in interruption.cancel() }
    signal(SIGTERM) { _ in interruption.cancel() }
    // A parent may have blocked these (the mask survives exec); Ctrl-C must still reach us.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
    setvbuf(stdout, nil, _IOFBF, 1 << 16)
    var status = run(Array(commandLine.dropFirst()))
    // A report that never reached its reader is a failure, not a success.
    if fflush(stdout) != 0 || ferror(stdout) != 0 {
      writeToStandardError("Salon could not write its output (the file or pipe it goes to is full or closed).\n")
      status = status == 0 ? 1 : status
    }
    exit(status)
  }

  static let overview = """
    salon: runs a call for creative work, from submitted zips to a judged, archived exhibition.

    Usage: salon [--archive DIR] [--exhibition SLUG] COMMAND [OPTIONS]

    Commands:
      init                          Create the archive, or add the next edition of the exhibition
      ingest PATH...                Check and archive submission zips (files or folders of zips)
      submissions list              List the submissions and their status
      submissions show ID           Show one submission: files, problems, declarations, versions
      submissions decide ID selected|declined
                                    Record the programme decision
      submissions category ID CATEGORY
                                    Choose the gallery category of a work
      submissions edit ID --FIELD VALUE...
                                    Correct a declaration without a new version
      submissions merge ID --into ID
                                    Make a submission ingest kept apart a new version of another
      exhibition list|rename|hide|show|remove|default
                                    Manage the exhibitions (undo a mistaken init)
      settings [site-title|site-description TEXT]
                                    The archive's settings: the gallery's title and description
      jury rubric|add|list|conflict|assign|score|sheet|import|progress
                                    Set up the jury and collect scores
      prize standings|award|reopen|mention|announce|export-scores
                                    Standings, the award and its announcement
      export [-o DIR]               Write the static gallery of every exhibition
      derive PLAN --originals DIR -o DIR
                                    Make a plan's derivatives on another machine
      cache import DIR              Take derivatives made elsewhere into the archive, checked
      verify [--quick]              Check every stored file against the catalog
      log [--submission ID]         The event log (append-only)
      bag -o DIR [--site]           A BagIt package for preservation
      demo [-o DIR]                 A complete sample call, from zips to the gallery

    Every command works on the archive in the current folder (or the nearest folder above it that
    holds one) or in --archive DIR, on the default exhibition or the one named by --exhibition
    SLUG; these options go before or after the command. Commands that report take --json.
    Run `salon COMMAND --help` for a command's options, `salon --version` for the version.
    """

  /// Salon's version, as `salon --version` prints it.
  package static let version = "0.9.0"

  static let commands = [
    "init", "ingest", "submissions", "exhibition", "settings", "jury", "prize", "export", "derive", "cache", "verify",
    "log", "bag", "demo", "help",
  ]

  /// Options any command takes, so they may come before the command as with git.
  static let globalValued: Set<String> = ["--archive", "--exhibition"]
  static let globalFlags: Set<String> = ["--json"]

  /// Global options anywhere after the command move to its end, so a command's action is never
  /// mistaken for the value of `--archive` (`salon prize --archive DIR standings`).
  static func movingGlobalOptionsLast(_ arguments: [String]) -> [String] {
    var kept: [String] = []
    var globals: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
      if argument == "--" {
        kept += arguments[index...]
        break
      } else if globalValued.contains(name) {
        globals.append(argument)
        if !argument.contains("="), index + 1 < arguments.count {
          globals.append(arguments[index + 1])
          index += 1
        }
      } else if globalFlags.contains(name) {
        globals.append(argument)
      } else {
        kept.append(argument)
      }
      index += 1
    }
    return kept + globals
  }

  package static func run(_ arguments: [String]) -> Int32 {
    // Global options before the command move after it, where every command reads them.
    var leading: [String] = []
    var index = 0
    while index < arguments.count, arguments[index].hasPrefix("-"), arguments[index] != "-" {
      let argument = arguments[index]
      let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
      if ["--help", "-h"].contains(argument) {
        print(overview)
        return 0
      }
      if argument == "--version" {
        print("salon \(version)")
        return 0
      }
      if globalValued.contains(name) {
        leading.append(argument)
        if !argument.contains("=") {
          guard index + 1 < arguments.count else {
            printError("Option \(name) needs a value.\nSee `salon --help`.")
            return 64
          }
          leading.append(arguments[index + 1])
          index += 1
        }
      } else if globalFlags.contains(name) {
        leading.append(argument)
      } else {
        let hint = suggestion(for: name, among: globalValued.union(globalFlags).union(["--help", "--version"]))
        printError("Unknown option \(argument) before the command.\(hint)\nSee `salon --help`.")
        return 64
      }
      index += 1
    }
    guard index < arguments.count else {
      print(overview)
      return 64
    }
    let command = arguments[index]
    let rest = movingGlobalOptionsLast(Array(arguments[(index + 1)...])) + leading
    let handler: Command.Type
    switch command {
    case "help":
      print(overview)
      return 0
    case "init": handler = InitCommand.self
    case "ingest": handler = IngestCommand.self
    case "submissions": handler = SubmissionsCommand.self
    case "jury": handler = JuryCommand.self
    case "prize": handler = PrizeCommand.self
    case "export": handler = ExportCommand.self
    case "derive": handler = DeriveCommand.self
    case "cache": handler = CacheCommand.self
    case "verify": handler = VerifyCommand.self
    case "log": handler = LogCommand.self
    case "bag": handler = BagCommand.self
    case "demo": handler = DemoCommand.self
    case "exhibition": handler = ExhibitionCommand.self
    case "settings": handler = SettingsCommand.self
    default:
      printError(
        "Unknown command \"\(command)\".\(suggestion(for: command, among: Set(commands)))\nSee `salon --help`.")
      return 64
    }
    if rest.contains("--help") || rest.contains("-h") {
      print(handler.usage)
      return 0
    }
    do {
      try handler.run(rest)
      return 0
    } catch let error as UsageError {
      // The sentence first and alone, then the one usage line it concerns: the whole usage
      // text buried the sentence under twenty lines.
      let line = usageLine(handler.usage, command: command, arguments: rest)
      printError("\(capitalised(error.message))\n\(line)\nSee `salon \(command) --help`.")
      return 64
    } catch is Failed {
      return 1
    } catch is Interrupted {
      printError("Interrupted; nothing half-done was recorded.")
      return 130
    } catch ExportError.interrupted {
      printError(ExportError.interrupted.description)
      return 130
    } catch {
      printError(FileProblem.plainSentence(for: error))
      return 1
    }
  }
}

/// The one line of a command's usage text for what was typed (`jury score` → `Usage: salon jury
/// score JUROR …`; `export --plan` → `Usage: salon export --plan FILE …`), its wrapped
/// continuation joined on; the first line when no line names the action.
func usageLine(_ usage: String, command: String, arguments: [String]) -> String {
  var entries: [String] = []
  for line in usage.split(separator: "\n", omittingEmptySubsequences: false) {
    let text = line.trimmingCharacters(in: .whitespaces)
    if text.isEmpty { break }
    let body = text.hasPrefix("Usage:") ? text.dropFirst(6).trimmingCharacters(in: .whitespaces) : text
    if body.hasPrefix("salon \(command)") {
      entries.append(body)
    } else if !entries.isEmpty, !body.hasPrefix("(") {
      entries[entries.count - 1] += " " + body
    }
  }
  func actionOf(_ entry: String) -> String {
    entry.split(separator: " ").dropFirst(2).first.map(String.init) ?? ""
  }
  // The action typed; else a line led by an option that was typed (`export --plan`); else the
  // action the word typed is a small slip from (`scroe` → `score`).
  let action = arguments.first { !$0.hasPrefix("-") }
  let chosen =
    action.flatMap { typed in entries.first { actionOf($0) == typed } }
    ?? entries.first { actionOf($0).hasPrefix("-") && arguments.contains(actionOf($0)) }
    ?? action.flatMap { typed in
      entries.filter { editDistance(typed, actionOf($0)) <= max(1, min(3, actionOf($0).count / 3)) }
        .min { editDistance(typed, actionOf($0)) < editDistance(typed, actionOf($1)) }
    }
  return "Usage: " + (chosen ?? entries.first ?? "salon \(command)")
}

/// Cancelled by Ctrl-C (SIGINT) or SIGTERM; commands pass it to the long work they start.
let interruption = Cancellation()

/// One subcommand: its usage text and what it does.
protocol Command {
  static var usage: String { get }
  static func run(_ arguments: [String]) throws
}

/// Prints one message for the organiser on standard error, text from submissions made visible.
func printError(_ message: String) {
  fflush(stdout)
  let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map {
    TerminalText.visible(String($0))
  }
  writeToStandardError(lines.joined(separator: "\n") + "\n")
}

/// Writes to standard error as well as it can: if it cannot be written (closed, full), the
/// message is lost but Salon goes on.
func writeToStandardError(_ text: String) {
  _ = Array(text.utf8).withUnsafeBytes { writeAll(2, $0) }
}

/// A usage message as a sentence: "jury sheet needs…" → "Jury sheet needs…", "--by is…" → "Option --by is…".
/// (Only for usage messages: a failure may start with a file name, whose case matters.)
func capitalised(_ message: String) -> String {
  if message.hasPrefix("--") { return "Option " + message }
  guard let first = message.first, first.isLowercase else { return message }
  return first.uppercased() + message.dropFirst()
}

/// " Did you mean `--merit`?" when `typed` is a small slip from one of `known`, else "".
func suggestion(for typed: String, among known: Set<String>) -> String {
  let scored = known.map { ($0, editDistance(typed.lowercased(), $0.lowercased())) }
    .filter { candidate, distance in distance <= max(1, min(3, candidate.count / 3)) }
    .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
  guard let best = scored.first else { return "" }
  return " Did you mean `\(best.0)`?"
}

/// Edit distance counting a swap of two neighbours as one slip ("lsit" → "list"), for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.prefix(100))
  let b = Array(b.prefix(100))
  guard !a.isEmpty else { return b.count }
  guard !b.isEmpty else { return a.count }
  var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in 0...a.count { d[i][0] = i }
  for j in 0...b.count { d[0][j] = j }
  for i in 1...a.count {
    for j in 1...b.count {
      d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
    }
  }
  return d[a.count][b.count]
}

/// Options every archive command takes.
let archiveOptions: Set<String> = ["--archive", "--exhibition"]

/// The archive named by --archive, else the one in the current folder or the nearest above it
/// (as git finds its repository). `create` makes one in the current folder when there is none; a
/// command that only reads (`reading`) also opens one it may not write.
func openArchive(_ arguments: Arguments, create: Bool = false, reading: Bool = false) throws -> SalonArchive {
  let archive = try findArchive(arguments, create: create, reading: reading)
  if archive.madePrivate > 0 {
    printError(
      "The archive at \(archive.root.path) was open to other users; Salon made \(archive.madePrivate) of its files and folders yours alone, as it holds the secret that signs jurors' sheets, artists' emails and unpublished works."
    )
  }
  return archive
}

private func findArchive(_ arguments: Arguments, create: Bool, reading: Bool) throws -> SalonArchive {
  if let path = arguments.value("--archive") {
    if !create && !SalonArchive.exists(at: path) {
      throw CatalogError.noArchiveFound(
        path: URL(fileURLWithPath: path).standardizedFileURL.path, upward: false,
        below: SalonArchive.archivesBelow(path))
    }
    return try SalonArchive.open(at: path, create: create, readOnlyIfNeeded: reading)
  }
  let here = FileManager.default.currentDirectoryPath
  if let found = SalonArchive.locate(from: here) {
    return try SalonArchive.open(at: found, readOnlyIfNeeded: reading)
  }
  guard create else {
    throw CatalogError.noArchiveFound(path: here, upward: true, below: SalonArchive.archivesBelow(here))
  }
  return try SalonArchive.open(at: here, create: true)
}

func writeJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  let data = try encoder.encode(value)
  print(String(decoding: data, as: UTF8.self))
}

/// Prints a JSON array element by element as `produce` emits them, so a long list is never held
/// whole in memory.
func writeJSONArray<T: Encodable>(_ produce: ((T) throws -> Void) throws -> Void) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  var first = true
  print("[", terminator: "")
  try produce { element in
    let text = String(decoding: try encoder.encode(element), as: UTF8.self)
    // Indented one level, as the encoder would inside an array.
    print((first ? "\n  " : ",\n  ") + text.replacingOccurrences(of: "\n", with: "\n  "), terminator: "")
    first = false
  }
  print(first ? "]" : "\n]")
}

/// True when standard error is a terminal, where progress lines belong.
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// A progress line on standard error, redrawn in place; silent unless standard error is a
/// terminal, so pipes and logs stay clean.
/// Parallel callers (verify's workers) may report at once: the label and the time of the last
/// drawing are kept under one lock.
final class TerminalProgress: Sendable {
  private struct State {
    var label: String
    var lastDraw: UInt64 = 0
  }
  private let state: Mutex<State>
  let enabled: Bool

  init(_ label: String, enabled: Bool = standardErrorIsTerminal) {
    self.state = Mutex(State(label: label))
    self.enabled = enabled
  }

  var label: String {
    get { state.withLock { $0.label } }
    set { state.withLock { $0.label = newValue } }
  }

  /// Shows `[done/total] label detail`; redrawn at most ten times a second unless `always`.
  func update(_ done: Int, of total: Int, detail: String = "", always: Bool = false) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    let label: String? = state.withLock {
      guard always || done == total || now - $0.lastDraw > 100_000_000 else { return nil }
      $0.lastDraw = now
      return $0.label
    }
    guard let label else { return }
    let text = ["[\(done)/\(total)]", label, detail].filter { !$0.isEmpty }.joined(separator: " ")
    // Names come from zips and forms: shown with their control characters made visible.
    writeToStandardError("\r\u{1B}[K\(TerminalText.visible(String(text.prefix(100))))")
  }

  /// Erases the line, before other output or at the end.
  func clear() {
    if enabled { writeToStandardError("\r\u{1B}[K") }
  }
}
