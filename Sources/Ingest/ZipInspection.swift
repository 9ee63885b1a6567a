import Basics
import Catalog
import Foundation
import MediaTools

/// One zip read once: streamed and copied (`ZipStream`), its table of contents compared with
/// the stream (`ZipReconciliation`), its files classified (`EntryClassifier`). Nothing is stored
/// until the caller keeps it.
final class ZipInspection {
  let limits: Limits
  let cancellation: Cancellation
  let mediaLimits: SandboxLimits
  let zipCopy: TemporaryFile
  private let zipCopyWriter: BackgroundWriter
  private(set) var entries: [ZipStream.Entry] = []
  private var findings = ZipFindings()

  /// What earlier zips of the run already had decoded.
  let knownFacts: KnownFacts

  init(
    archive: SalonArchive, limits: Limits, cancellation: Cancellation, mediaLimits: SandboxLimits,
    knownFacts: KnownFacts = KnownFacts()
  ) throws {
    self.limits = limits
    self.knownFacts = knownFacts
    self.cancellation = cancellation
    self.mediaLimits = mediaLimits
    self.zipCopy = try archive.makeTemporaryFile()
    self.zipCopyWriter = BackgroundWriter(zipCopy)
  }

  var problems: [Finding] { findings.problems.map(\.finding) }
  var warnings: [Finding] { findings.warnings.map(\.finding) }

  /// Files the stream wrote, to be discarded when the submission is rejected.
  var temporaryFiles: [TemporaryFile] { entries.map(\.file) }

  /// Removes every temporary file, after the background writer has stopped touching the zip copy
  /// (an interruption or an error can leave blocks in its queue).
  /// Removes the decoders' unpacked copies, once every check has read them (they are not archive bytes).
  func discardUnpacked() {
    for file in temporaryFiles { file.discard() }
  }

  func discardAll() {
    try? zipCopyWriter.finish()
    zipCopy.discard()
    for file in temporaryFiles { file.discard() }
  }

  /// The zip's SHA-256, taken as it was copied, once `stream` has run: nil for anything but a
  /// regular file within the call's size limit (as before: such a zip is never the same as one
  /// archived).
  private(set) var zipSHA256: String?
  private var streamed: (outcome: ZipStream.Outcome, stream: ZipStream)?

  /// Reads the zip at `path` once: copies it (hashing it) for the store while unpacking and
  /// hashing each entry for the decoders. Runs once; `run` then checks what it read.
  func stream(path: String, archive: SalonArchive) throws {
    guard streamed == nil else { return }
    var stream = ZipStream(limits: limits, archive: archive, copy: zipCopyWriter, cancellation: cancellation)
    let outcome: ZipStream.Outcome
    do {
      outcome = try stream.run(path: path, findings: &findings)
    } catch {
      entries = stream.entries
      throw error
    }
    entries = stream.entries
    try zipCopyWriter.finish()
    let digest = try zipCopy.finish()  // closes its descriptor: a batch holds none while it waits
    if let size = stream.regularFileSize, size <= limits.maxZipBytes { zipSHA256 = digest }
    streamed = (outcome, stream)
    // A large zip's flush starts now, so the disk works while the decoders do; storing it
    // later waits for this flush (a failed one is tried again there). Small zips are flushed
    // together with their batch instead, which costs the file system fewer commits.
    if zipCopy.size >= 8 << 20 {
      let copy = zipCopy
      Thread.detachNewThread { try? copy.flushToDisk() }
    }
  }

  func run(path: String, archive: SalonArchive) throws {
    try self.stream(path: path, archive: archive)
    guard let (outcome, stream) = streamed, outcome == .read else { return }
    try ZipReconciliation(limits: limits, cancellation: cancellation)
      .check(zipCopy: zipCopy.url.path, streamed: stream.streamed, entries: &entries, findings: &findings)
    let cancellation = self.cancellation
    let media = MediaCheck(
      limits: limits, cancellation: cancellation,
      sandbox: Sandbox(limits: mediaLimits, isCancelled: { cancellation.isCancelled }),
      workingParent: FileManager.default.temporaryDirectory.path, known: knownFacts)
    try EntryClassifier(limits: limits, cancellation: cancellation, media: media).classify(
      &entries, findings: &findings)
    if !stream.junk.isEmpty { findings.add(.junkIgnored(stream.junk)) }
  }
}

/// A name as a message shows it: hidden characters made visible the way the terminal shows
/// them (one rule, in `TerminalText`), and at most 200 characters.
func printable(_ name: String) -> String {
  let out = TerminalText.visible(name)
  return out.count > 200 ? String(out.prefix(200)) + "…" : out
}
