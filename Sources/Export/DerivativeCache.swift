import Basics
import Catalog
import Foundation
import Hashing

/// The archive's private store of finished derivatives, shared by every export and jury room of
/// the archive: a derivative made once (a description's page images, a web video) is copied into
/// each folder that shows it, never made again and never served from here. Copied, not hard
/// linked: a file's mode belongs to all its names, and the cache's copies stay the owner's alone
/// (0600 in 0700 folders) while the gallery's are everyone's.
///
/// Layout: `cache/derivatives/ab/<SHA-256 of the cache key>/` holds the files under their own
/// names and `entry.json` (what they are). An entry is assembled in a `.partial-` folder and
/// renamed into place whole, so a reader finds a complete entry or none.
struct DerivativeCache: Sendable {
  let root: URL
  static let entryName = "entry.json"

  init(archive: SalonArchive) {
    root = archive.root.appendingPathComponent("cache/derivatives", isDirectory: true)
  }

  func folder(for key: String) -> URL {
    // Hashing cannot fail on bytes in memory; the fallback only keeps this total.
    let hashed = (try? SHA256Hasher.hash(Array(key.utf8))) ?? hexString(key.utf8.prefix(32))
    return root.appendingPathComponent(String(hashed.prefix(2))).appendingPathComponent(hashed)
  }

  func contains(_ key: String) -> Bool {
    MediaBuilder.isRegularFile(folder(for: key).appendingPathComponent(Self.entryName).path)
  }

  /// The entry for `key`, when complete: every file it names is one of `sha`'s own, a plain name
  /// in the entry's folder, and a regular file there.
  func entry(for key: String, sha: String) -> PublishedMedia? {
    let folder = folder(for: key)
    let path = folder.appendingPathComponent(Self.entryName).path
    guard MediaBuilder.isRegularFile(path), let data = FileManager.default.contents(atPath: path),
      data.count < 16 << 20, let entry = try? JSONDecoder().decode(PublishedMedia.self, from: data),
      entry.text == nil, !entry.files.isEmpty
    else { return nil }
    let own = "media/\(sha.prefix(2))/\(sha)"
    guard
      entry.files.allSatisfy({
        SiteFolder.isSafe($0) && $0.hasPrefix(own)
          && MediaBuilder.isRegularFile(folder.appendingPathComponent(Self.fileName($0)).path)
      })
    else { return nil }
    return entry
  }

  /// Copies `file` of the entry under `key` to `target` (in the builder's private folder); the
  /// builder then moves it into the site through its no-follow path.
  func give(_ file: String, key: String, to target: String) throws {
    let source = folder(for: key).appendingPathComponent(Self.fileName(file)).path
    try OwnerOnly.copyFile(source, to: target)
  }

  /// Keeps the derivatives just made in `output` for `key`. Best effort: a cache that cannot be
  /// written only means the next build makes them again.
  func store(_ entry: PublishedMedia, key: String, from output: URL) {
    guard entry.text == nil, !entry.files.isEmpty, !contains(key) else { return }
    let final = folder(for: key)
    let parent = final.deletingLastPathComponent()
    let partial = URL(fileURLWithPath: AtomicFile.temporaryPath(in: parent.path))
    do {
      try OwnerOnly.makeFolder(partial.path)
      for file in Set(entry.files) {
        let source = output.appendingPathComponent(file).path
        guard MediaBuilder.isRegularFile(source) else { throw CocoaError(.fileNoSuchFile) }
        try Self.privateCopy(
          source, to: partial.appendingPathComponent(Self.fileName(file)).path, temporaryIn: partial.path)
      }
      try OwnerOnly.write(try JSONEncoder().encode(entry), to: partial.appendingPathComponent(Self.entryName))
      // Another build may have stored the same entry meanwhile: theirs stays, this one goes.
      if rename(partial.path, final.path) != 0 { try? FileManager.default.removeItem(at: partial) }
    } catch {
      try? FileManager.default.removeItem(at: partial)
    }
  }

  // MARK: Failures

  /// What a tool said of a file it could not make derivatives of, kept so that the same bytes
  /// under the same recipe and limits are not tried again at every export.
  struct RecordedFailure: Codable, Equatable {
    var code: ExportFailureCode
    var message: String
  }

  /// Verdicts that depend only on the bytes, the recipe and the limits: a missing tool, an
  /// unreadable store or a full disk are the machine's, and are tried again next time.
  static func isRemembered(_ code: ExportFailureCode) -> Bool {
    switch code {
    case .mediaDamaged, .mediaTimedOut, .mediaOverLimit, .imageTooLarge, .mediaFormatNotAllowed: return true
    case .mediaToolMissing, .storedFileUnreadable, .outputNotWritten: return false
    }
  }

  var failuresRoot: URL { root.deletingLastPathComponent().appendingPathComponent("failures", isDirectory: true) }

  /// `cache/failures/ab/<SHA-256 of the key>.json`, beside the derivatives.
  func failureFile(for key: String) -> URL {
    let hashed = (try? SHA256Hasher.hash(Array(key.utf8))) ?? hexString(key.utf8.prefix(32))
    return failuresRoot.appendingPathComponent(String(hashed.prefix(2))).appendingPathComponent(hashed + ".json")
  }

  /// The failure recorded for `key`, if any (a file that does not read as one is no record).
  func failure(for key: String) -> RecordedFailure? {
    let path = failureFile(for: key).path
    guard MediaBuilder.isRegularFile(path), let data = FileManager.default.contents(atPath: path),
      data.count < 64 * 1024
    else { return nil }
    return try? JSONDecoder().decode(RecordedFailure.self, from: data)
  }

  /// Records that `key` failed. Best effort: an unrecorded failure is only tried again.
  func storeFailure(_ failure: RecordedFailure, key: String) {
    guard Self.isRemembered(failure.code) else { return }
    let file = failureFile(for: key)
    guard
      (try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true))
        != nil,
      let data = try? JSONEncoder().encode(failure)
    else { return }
    try? AtomicFile.write(data, to: file, mode: 0o600)
  }

  /// Forgets the failure of `key` (it has just been made after all).
  func forgetFailure(key: String) {
    unlink(failureFile(for: key).path)
  }

  /// Removes what builds that were killed left half-assembled (their process is gone).
  func sweepPartials() {
    // (A failure record is written as `.partial-PID-name` too, by AtomicFile.)
    for top in [root, failuresRoot] { sweepPartials(under: top) }
  }

  private func sweepPartials(under top: URL) {
    guard let prefixes = try? FileManager.default.contentsOfDirectory(atPath: top.path) else { return }
    for prefix in prefixes where prefix.count == 2 {
      let parent = top.appendingPathComponent(prefix)
      for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
      where AtomicFile.writerIsGone(name) {
        try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
      }
    }
  }

  static func fileName(_ sitePath: String) -> String {
    String(sitePath.split(separator: "/").last ?? Substring(sitePath))
  }

  /// A private copy (`OwnerOnly.copyFile`), made under a temporary name and renamed over
  /// `target`: the target's old file is replaced, never written in place.
  static func privateCopy(_ source: String, to target: String, temporaryIn folder: String) throws {
    let temporary = AtomicFile.temporaryPath(in: folder, tag: "copy")
    try OwnerOnly.copyFile(source, to: temporary)
    guard rename(temporary, target) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw ExportError.output("Salon cannot write \(target): \(reason).")
    }
  }
}

extension MediaBuilder {
  /// The key a failure of `job` is remembered under: its input and recipe (the derivatives' own
  /// key) and every limit that can turn a verdict (tool limits, the exhibition's pixel limit).
  func failureKey(_ job: Job) -> String {
    let limits = settings.mediaLimits
    return (cacheKeys(job).last ?? cacheKey(job))
      + " failed under \(limits.cpuSeconds) \(limits.wallSeconds) \(limits.memoryBytes) \(limits.fileBytes) \(job.maxPixels)"
  }
}
