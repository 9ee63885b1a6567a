import Basics
import Catalog
import Export
import Foundation
import MediaTools

/// `salon derive`: a node's half of spreading the media work over machines.
enum DeriveCommand: Command {
  static let usage = """
    Usage: salon derive [PLAN | --recipe JSON…] [--shard I/N] --originals DIR -o DIR
                        [--media-time-limit SECONDS] [--pod-is-the-boundary] [--json]

    Makes the derivatives of plan lines (`salon export --plan` writes them) on this machine,
    with the recipes and the sandbox an export uses, without the archive: each line names its
    original by SHA-256, a file of that name in --originals, checked before use. Each result
    goes to a folder named by the line's key in -o, for `salon cache import` at the archive.
    Exit status 1 if any line failed (its code and sentence are printed); the archive's export
    makes those itself.
      PLAN            A plan file (`-` reads the lines from standard input)
      --recipe JSON   One plan line's third column, which holds all it needs (GNU parallel
                      with --colsep '\t' hands them over one by one as {3})
      --shard I/N     Only lines I, I+N, I+2N… (counted from 0), e.g. a Kubernetes Indexed
                      Job's $JOB_COMPLETION_INDEX of N completions
      --originals DIR The originals, named by SHA-256
      -o DIR          Where the derivatives go, one folder per key
      --media-time-limit SECONDS
                      Processor time a confined tool may spend on one file (default 600)
      --pod-is-the-boundary
                      Where this machine cannot make namespaces (a default Kubernetes pod), the
                      organiser declares the pod itself the boundary: tools run with their
                      limits only, and every derivative made so says so to the import, which
                      records it (also SALON_POD_IS_THE_BOUNDARY=1)
      --json          Print the report as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments, valued: ["--recipe", "--shard", "--originals", "-o", "--media-time-limit"],
      flags: ["--pod-is-the-boundary", "--json"])
    guard args.positional.count <= 1 else { throw UsageError("derive takes at most one plan file.") }
    guard let originals = args.value("--originals") else { throw UsageError("derive needs --originals DIR.") }
    guard let output = args.value("-o") else { throw UsageError("derive needs -o DIR for the derivatives.") }
    var lines: [PlannedDerivative] = []
    for recipe in args.values["--recipe"] ?? [] {
      guard let line = PlannedDerivative(recipe: Substring(recipe)) else {
        throw ExportError.output("The --recipe given is not the third column of a plan line.")
      }
      lines.append(line)
    }
    var texts: [Substring] = []
    if let plan = args.positional.first {
      let data: Data
      if plan == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
      } else {
        do {
          // (An empty plan is a shard with nothing left to make.)
          let size = (try? FileManager.default.attributesOfItem(atPath: plan)[.size] as? Int) ?? nil
          data = size == 0 ? Data() : Data(try InputFile.read(plan, limit: 1 << 30))
        } catch {
          throw ExportError.output(InputFile.sentence(error, path: plan, what: "plan"))
        }
      }
      texts += String(decoding: data, as: UTF8.self).split(separator: "\n")
    }
    guard !args.positional.isEmpty || !lines.isEmpty else { throw UsageError("derive needs a plan file or --recipe.") }
    for (index, text) in texts.enumerated() {
      guard let line = PlannedDerivative(line: text) else {
        throw ExportError.output(
          "Line \(index + 1) is not a plan line (SHA-256, key and recipe as `salon export --plan` writes them).")
      }
      lines.append(line)
    }
    if let shard = args.value("--shard") {
      let parts = shard.split(separator: "/").map { Int($0) }
      guard parts.count == 2, let index = parts[0], let count = parts[1], count > 0, (0..<count).contains(index) else {
        throw UsageError("--shard is I/N with 0 ≤ I < N, e.g. 0/4.")
      }
      lines = lines.enumerated().filter { $0.offset % count == index }.map(\.element)
    }
    let pod =
      args.has("--pod-is-the-boundary") || ProcessInfo.processInfo.environment["SALON_POD_IS_THE_BOUNDARY"] == "1"
    if pod {
      printError(
        "This pod is declared the boundary (--pod-is-the-boundary): media tools run without bubblewrap, with their limits only; the import records it."
      )
      // Read once by MediaTools, before any tool runs.
      setenv("SALON_UNCONFINED_MEDIA", "1", 1)
    }
    let boundary: NodeDerivation.Boundary = pod ? .pod : Sandbox.runsUnconfined ? .unconfined : .sandbox
    let seconds = try args.number("--media-time-limit", in: .mediaSeconds) ?? 600
    let progress = TerminalProgress("derivatives made")
    let report = try NodeDerivation.derive(
      lines, originals: URL(fileURLWithPath: originals), into: URL(fileURLWithPath: output),
      limits: SandboxLimits(processorSeconds: seconds), boundary: boundary, isCancelled: { interruption.isCancelled }
    ) { done, total in progress.update(done, of: total) }
    progress.clear()
    if args.has("--json") {
      try writeJSON(report)
    } else {
      print("Made the derivatives of \(report.made) of \(lines.count) plan lines in \(output).")
      for failure in report.failures {
        print(TerminalText.visible("  \(failure.keyID) (\(failure.sha)): \(failure.code): \(failure.message)"))
      }
    }
    if !report.failures.isEmpty { throw Failed() }
  }

  /// `salon export --plan FILE`: the lines and the originals, no site.
  static func writePlan(_ args: Arguments, archive: SalonArchive, settings: ExportSettings, theme: Theme) throws {
    guard let plan = args.value("--plan") else { return }
    // Both are written, so both get an -o's checks: never the archive's catalog, store or tmp.
    let planURL = try archive.checkOutputPath(plan, kind: .file)
    let originals = try archive.checkOutputPath(
      args.value("--originals") ?? planURL.deletingLastPathComponent().appendingPathComponent("originals").path,
      kind: .folder)
    let report = try Exporter(archive: archive, theme: theme, settings: settings).plan(
      to: planURL, originals: originals)
    if standardErrorIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    if args.has("--json") {
      try writeJSON(report)
      return
    }
    print(
      "Planned \(report.planned) derivative\(report.planned == 1 ? "" : "s") in \(report.plan) (\(report.cached) already made; \(report.atHome) PDF or animated WebP left for this machine's export)."
    )
    print(
      "Copied \(report.planned == 0 ? 0 : report.originalBytes) bytes of originals to \(report.originals): they leave the archive for the nodes."
    )
    for f in report.failures {
      print(TerminalText.visible("  \(f.exhibition)/\(f.id) \(f.file): \(f.code.rawValue): \(f.message)"))
    }
  }
}
