import Catalog
import Foundation
import Ingest

/// The `salon` command line: dispatches to one subcommand, maps errors to exit statuses
/// (0 success, 1 failure, 64 bad usage).
public enum SalonCommand {
  public static func exitAfterRunning(_ commandLine: [String]) -> Never {
    signal(SIGINT) { _ in interruptRequested = 1 }
    signal(SIGTERM) { _ in interruptRequested = 1 }
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

    Usage: salon COMMAND [OPTIONS]

    Commands:
      init                          Create the archive, or add the next edition of the exhibition
      ingest PATH...                Check and archive submission zips (files or folders of zips)
      submissions list              List the submissions and their status
      submissions show ID           Show one submission: files, problems, declarations, versions
      submissions decide ID selected|declined
                                    Record the programme decision
      jury rubric|add|list|conflict|assign|score|sheet|import|progress
                                    Set up the jury and collect scores
      prize standings|award|reopen|mention|announce|export-scores
                                    Standings, the award and its announcement
      export [-o DIR]               Write the static gallery of every exhibition
      verify [--quick]              Check every stored file against the catalog
      log [--submission ID]         The event log (append-only)
      bag -o DIR [--site]           A BagIt package for preservation
      demo [-o DIR]                 A complete sample call, from zips to the gallery

    Every command works on the archive in the current folder or in --archive DIR, on the newest
    exhibition or the one named by --exhibition SLUG. Commands that report take --json.
    Run `salon COMMAND --help` for a command's options.
    """

  public static func run(_ arguments: [String]) -> Int32 {
    guard let command = arguments.first else {
      print(overview)
      return 64
    }
    let rest = Array(arguments.dropFirst())
    let handler: Command.Type
    switch command {
    case "--help", "-h", "help":
      print(overview)
      return 0
    case "init": handler = InitCommand.self
    case "ingest": handler = IngestCommand.self
    case "submissions": handler = SubmissionsCommand.self
    case "jury": handler = JuryCommand.self
    case "prize": handler = PrizeCommand.self
    case "export": handler = ExportCommand.self
    case "verify": handler = VerifyCommand.self
    case "log": handler = LogCommand.self
    case "bag": handler = BagCommand.self
    case "demo": handler = DemoCommand.self
    default:
      printError("Unknown command \"\(command)\".\n\n\(overview)")
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
      printError("\(error.message)\n\n\(handler.usage)")
      return 64
    } catch is Failed {
      return 1
    } catch is Interrupted {
      printError("Interrupted; nothing half-done was recorded.")
      return 130
    } catch {
      printError(FileProblem.plainSentence(for: error))
      return 1
    }
  }
}

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
  var bytes = Array(text.utf8)[...]
  while !bytes.isEmpty {
    let n = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else { return }
    bytes = bytes.dropFirst(n)
  }
}

/// Options every archive command takes.
let archiveOptions: Set<String> = ["--archive", "--exhibition"]

/// Opens the archive; a command that only reads (`reading`) also opens one it may not write.
func openArchive(_ arguments: Arguments, create: Bool = false, reading: Bool = false) throws -> SalonArchive {
  try SalonArchive.open(at: arguments.value("--archive") ?? ".", create: create, readOnlyIfNeeded: reading)
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
final class TerminalProgress {
  var label: String
  let enabled: Bool
  private var lastDraw: UInt64 = 0

  init(_ label: String, enabled: Bool = standardErrorIsTerminal) {
    self.label = label
    self.enabled = enabled
  }

  /// Shows `[done/total] label detail`; redrawn at most ten times a second unless `always`.
  func update(_ done: Int, of total: Int, detail: String = "", always: Bool = false) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    guard always || done == total || now - lastDraw > 100_000_000 else { return }
    lastDraw = now
    let text = ["[\(done)/\(total)]", label, detail].filter { !$0.isEmpty }.joined(separator: " ")
    // Names come from zips and forms: shown with their control characters made visible.
    writeToStandardError("\r\u{1B}[K\(TerminalText.visible(String(text.prefix(100))))")
  }

  /// Erases the line, before other output or at the end.
  func clear() {
    if enabled { writeToStandardError("\r\u{1B}[K") }
  }
}
