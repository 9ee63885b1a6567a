import Basics
import Catalog
import Foundation
import Hashing
import MediaTools
import Synchronization

/// One derivative the archive's cache lacks, as `salon export --plan` writes it for another
/// machine: everything `salon derive` needs without the archive (the original's SHA-256, which
/// names its file; its type and the facts ingest recorded; the recipe's settings) and the key
/// the result must have. A plan line is three tab-separated columns, so GNU parallel can name the
/// file to send and the folder to bring back: `SHA-256 <TAB> KEY-ID <TAB> JSON`.
package struct PlannedDerivative: Codable, Equatable, Sendable {
  package var sha: String
  package var type: String
  /// The cache key: recipe, settings and tool versions (`MediaBuilder.cacheKey`).
  package var key: String
  package var maxPixels: Int
  package var facts: RecordedFacts?
  package var frames: Int?
  package var videoMaxSide: Int
  package var pdfPages: Int
  package var pdfDPI: Int

  /// The key's SHA-256: the name of the folder `salon derive` makes (a key is no file name).
  package var keyID: String { Self.keyID(key) }

  package static func keyID(_ key: String) -> String {
    (try? SHA256Hasher.hash(Array(key.utf8))) ?? hexString(key.utf8.prefix(32))
  }

  package var line: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let json = (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    return "\(sha)\t\(keyID)\t\(json)"
  }

  /// A plan line, checked: three columns that agree with each other, a SHA-256 of 64 lowercase
  /// hexadecimal digits, bounded. Nil for anything else (a node reads lines it was handed).
  package init?(line: Substring) {
    let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
    guard columns.count == 3, let decoded = Self(recipe: columns[2]), decoded.sha == columns[0],
      decoded.keyID == columns[1]
    else { return nil }
    self = decoded
  }

  /// The third column alone (GNU parallel's `{3}`): it holds everything the other two say.
  package init?(recipe: Substring) {
    guard recipe.utf8.count <= 64 * 1024, let decoded = try? JSONDecoder().decode(Self.self, from: Data(recipe.utf8)),
      Self.isHash(decoded.sha), decoded.key.hasPrefix(decoded.sha + " "), decoded.maxPixels > 0
    else { return nil }
    self = decoded
  }

  init(_ job: MediaBuilder.Job, key: String, settings: ExportSettings) {
    sha = job.sha
    type = job.type
    self.key = key
    maxPixels = job.maxPixels
    facts = job.facts
    frames = job.frames
    videoMaxSide = settings.videoMaxSide
    pdfPages = settings.pdfPages
    pdfDPI = settings.pdfDPI
  }

  /// The builder's job for this line, its original read from a node's folder of originals.
  func job(originals: URL) -> MediaBuilder.Job {
    MediaBuilder.Job(
      sha: sha, type: type, maxPixels: maxPixels, owner: ("", "", sha), facts: facts, frames: frames,
      source: StoredFile(loose: originals.appendingPathComponent(sha), sha256: sha))
  }

  package static func isHash(_ text: some StringProtocol) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }
}

/// What `salon export --plan` collects while the builder walks the works: the derivatives the
/// cache lacks, and those kept for this machine.
package final class PlannedDerivatives: Sendable {
  private let found = Mutex<(lines: [PlannedDerivative], atHome: Int)>(([], 0))

  package init() {}

  /// Takes the job instead of making it. A PDF (its download is rebuilt here from checked page
  /// images) and an animated WebP are left for this machine's export to make.
  func add(_ job: MediaBuilder.Job, key: String, builder: MediaBuilder) -> Bool {
    let family = MediaBuilder.family(job.type)
    let home = family == .pdf || (job.type == "image/webp" && builder.isAnimation(job))
    let line = PlannedDerivative(job, key: key, settings: builder.settings)
    found.withLock { found in
      if home { found.atHome += 1 } else { found.lines.append(line) }
    }
    return true
  }

  package var lines: [PlannedDerivative] { found.withLock { $0.lines }.sorted { $0.keyID < $1.keyID } }
  package var atHome: Int { found.withLock { $0.atHome } }
}

/// What `salon export --plan` did.
package struct PlanReport: Codable, Sendable {
  package var plan: String
  package var originals: String
  /// Lines written: derivatives for other machines to make.
  package var planned: Int
  /// Derivatives the cache already holds.
  package var cached: Int
  /// PDFs and animated WebPs, which this machine's export makes.
  package var atHome: Int
  /// Bytes of originals copied out of the archive for the nodes.
  package var originalBytes: Int
  package var failures: [ExportReport.Failure]
}

extension Exporter {
  /// The folder, inside the archive's cache, where a plan's keys are remembered: `salon cache
  /// import` takes a derivative only under a key the archive itself planned.
  static func plannedRoot(_ archive: SalonArchive) -> URL {
    archive.root.appendingPathComponent("cache/planned", isDirectory: true)
  }

  /// The plan line recorded for `keyID` (its name in a node's output).
  static func plannedRecord(_ archive: SalonArchive, keyID: String) -> URL {
    plannedRoot(archive).appendingPathComponent(keyID + ".json")
  }

  /// Writes `plan` (one line per derivative the cache lacks) and copies the originals those
  /// lines need into `originals`, named by SHA-256, for the nodes: originals leave the archive.
  /// Makes nothing and writes no site; after `salon cache import`, `salon export` finds the
  /// derivatives in the cache.
  package func plan(to plan: URL, originals: URL) throws -> PlanReport {
    let model = try SiteModel(archive: archive)
    let scratch = try PrivateFolder(in: archive.temporaryRoot.path, prefix: "plan-")
    let scratchURL = URL(fileURLWithPath: scratch.path)
    var builder = MediaBuilder(
      archive: archive, output: scratchURL, site: try SiteFolder(scratchURL), previous: Manifest(), settings: settings)
    builder.fillsCacheOnly = true
    let planned = PlannedDerivatives()
    builder.planned = planned
    let progress = settings.progress
    let outcome = try builder.build(model.exhibitions) { done, total, seconds in progress?(done, total, seconds) }
    let lines = planned.lines
    try OwnerOnly.makeFolder(originals.path)
    try OwnerOnly.makeFolder(Self.plannedRoot(archive).path)
    var bytes = 0
    for sha in Set(lines.map(\.sha)).sorted() {
      let target = originals.appendingPathComponent(sha).path
      if !MediaBuilder.isRegularFile(target) {
        // A file stored inside its zip is unpacked for the copy, and the copy checked by its hash.
        try archive.storedFile(sha256: sha).withPath { source in
          try DerivativeCache.privateCopy(source, to: target, temporaryIn: originals.path)
        }
      }
      bytes += (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
    }
    for line in lines {
      try OwnerOnly.write(Data(line.line.utf8), to: Self.plannedRecord(archive, keyID: line.keyID))
    }
    let text = lines.map { $0.line + "\n" }.joined()
    try AtomicFile.write(Data(text.utf8), to: plan, mode: 0o600)
    let report = PlanReport(
      plan: plan.path, originals: originals.path, planned: lines.count, cached: outcome.reused,
      atHome: planned.atHome, originalBytes: bytes, failures: outcome.failures)
    try archive.record(
      "export-plan", exhibition: nil,
      detail: [
        "plan": plan.path, "originals": originals.path, "planned": lines.count, "originalBytes": bytes,
        "tools": ToolVersions.current,
      ])
    return report
  }
}
