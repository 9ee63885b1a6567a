import Basics
import Catalog
import Foundation
import Hashing
import MediaTools
import Synchronization

/// `salon derive`: another machine makes the derivatives of plan lines, with the same recipes
/// and the same sandbox as an export at home, but without the archive: each line names its
/// original by SHA-256 (a file of that name in the originals folder, checked against it) and
/// carries the settings. Each result goes to `<into>/<KEY-ID>/`: the files under their own names,
/// `entry.json` (what they are) and `derived.json` (the key, the tools, the boundary).
package enum NodeDerivation {
  /// How the tools were confined: `sandbox` (bubblewrap, as at home), `pod` (the organiser
  /// declared the container itself the boundary, where namespaces cannot be made), `unconfined`
  /// (`SALON_UNCONFINED_MEDIA=1` without that declaration).
  package enum Boundary: String, Codable, Sendable { case sandbox, pod, unconfined }

  package struct Made: Codable, Equatable, Sendable {
    package var key: String
    package var tools: String
    package var boundary: Boundary
  }

  package struct Failure: Codable, Equatable, Sendable {
    package var keyID: String
    package var sha: String
    package var code: String
    package var message: String
  }

  package struct Report: Codable, Sendable {
    package var made: Int = 0
    package var failures: [Failure] = []
    package var boundary: Boundary
    package var tools: String
  }

  static let derivedName = "derived.json"

  /// Makes the derivatives of `lines` into `into` (in parallel, one tool per core).
  package static func derive(
    _ lines: [PlannedDerivative], originals: URL, into: URL, limits: SandboxLimits, boundary: Boundary,
    isCancelled: @escaping @Sendable () -> Bool, progress: @Sendable (Int, Int) -> Void
  ) throws -> Report {
    // Other derives may share the folder (GNU parallel runs several in one work folder), so no
    // `.partial-` folder is swept here: the import never takes one.
    try OwnerOnly.makeFolder(into.path)
    let found = Mutex(Report(boundary: boundary, tools: ToolVersions.current))
    DispatchQueue.concurrentPerform(iterations: lines.count) { index in
      let line = lines[index]
      if isCancelled() { return }
      var failure: Failure?
      do {
        try derive(line, originals: originals, into: into, limits: limits, boundary: boundary, isCancelled: isCancelled)
      } catch {
        let (code, message) = describe(error)
        failure = Failure(keyID: line.keyID, sha: line.sha, code: code, message: message)
      }
      let count = found.withLock { report in
        if let failure { report.failures.append(failure) } else { report.made += 1 }
        return report.made + report.failures.count
      }
      progress(count, lines.count)
    }
    if isCancelled() { throw ExportError.interrupted }
    var report = found.withLock { $0 }
    report.failures.sort { $0.keyID < $1.keyID }
    return report
  }

  /// Why a line failed, as a code and a sentence.
  static func describe(_ error: Error) -> (String, String) {
    if let refusal = error as? DeriveRefusal { return (refusal.code, refusal.message) }
    let failure = ExportReport.Failure(exhibition: "", id: "", file: "", error: error)
    return (failure.code.rawValue, failure.message)
  }

  package struct DeriveRefusal: Error, CustomStringConvertible {
    package var code: String
    package var message: String
    package var description: String { message }
  }

  static func derive(
    _ line: PlannedDerivative, originals: URL, into: URL, limits: SandboxLimits, boundary: Boundary,
    isCancelled: @escaping @Sendable () -> Bool
  ) throws {
    let original = originals.appendingPathComponent(line.sha)
    guard MediaBuilder.isRegularFile(original.path) else {
      throw DeriveRefusal(
        code: "original-missing",
        message: "The original \(line.sha) is not a file in \(originals.path); send it with the plan line.")
    }
    // The file the node was given must be the one the archive planned for.
    guard SHA256Hasher.hash(fileAt: original) == line.sha else {
      throw DeriveRefusal(
        code: "original-mismatch",
        message: "The file \(original.path) is not the original \(line.sha) (its SHA-256 differs); send it again.")
    }
    var settings = ExportSettings(
      videoMaxSide: line.videoMaxSide, pdfPages: line.pdfPages, pdfDPI: line.pdfDPI, mediaLimits: limits,
      isCancelled: isCancelled)
    settings.retryFailed = true
    let scratch = try PrivateFolder(in: into.path, prefix: AtomicFile.partialPrefix + "derive-")
    let scratchURL = URL(fileURLWithPath: scratch.path)
    var builder = MediaBuilder(
      archive: nil, output: scratchURL, site: try SiteFolder(scratchURL), previous: Exporter.Manifest(),
      settings: settings)
    builder.originals = originals
    builder.usesCache = false
    let key = builder.cacheKey(line.job(originals: originals))
    guard key == line.key else {
      throw DeriveRefusal(
        code: "tools-differ",
        message:
          "This machine's tools (\(ToolVersions.current)) or Salon are not the archive's, so what it made would have another key (plan: \(line.key)); install the same versions, or let the archive make this one."
      )
    }
    let sandbox = Sandbox(limits: limits, isCancelled: isCancelled)
    let (media, _) = try builder.make(line.job(originals: originals), sandbox: sandbox)
    let partial = try PrivateFolder(in: into.path, prefix: AtomicFile.partialPrefix + "entry-")
    for file in Set(media.files) {
      guard SiteFolder.isSafe(file), MediaBuilder.isRegularFile(scratch.path + "/" + file),
        rename(scratch.path + "/" + file, partial.file(DerivativeCache.fileName(file))) == 0
      else { throw ExportError.output("Salon could not keep \(file) in \(partial.path).") }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try OwnerOnly.write(try encoder.encode(media), to: URL(fileURLWithPath: partial.file(DerivativeCache.entryName)))
    try OwnerOnly.write(
      try encoder.encode(Made(key: key, tools: ToolVersions.current, boundary: boundary)),
      to: URL(fileURLWithPath: partial.file(derivedName)))
    let final = into.appendingPathComponent(line.keyID).path
    // A folder of this key from an earlier run is replaced whole.
    if FileManager.default.fileExists(atPath: final) { try? FileManager.default.removeItem(atPath: final) }
    guard rename(partial.path, final) == 0 else {
      throw ExportError.output("Salon could not write \(final): \(String(cString: strerror(errno))).")
    }
  }
}
