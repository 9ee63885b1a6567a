import Basics
import Catalog
import Foundation
import MediaTools

/// Why a file failed when a real decoder read it.
struct MediaDamage: Equatable {
  enum Kind: Equatable {
    /// The decoder could not read it: truncated, corrupt, or not what its bytes claim.
    case damaged
    /// It took longer than the limit (a decoder spinning on it).
    case timedOut
    /// It needed more memory, processor time or disk than the limit.
    case overLimit
  }
  var kind: Kind
  /// One sentence a non-programmer understands.
  var sentence: String
}

/// Reads each file's facts with real decoders: libvips (in `salon media-worker`) decodes every
/// image once; ffprobe (JSON) and a short ffmpeg decode check audio and video; poppler's pdfinfo
/// counts PDF pages; the worker reads a text's opening lines for its card. Every decoder runs in
/// MediaTools' sandbox on the stored temporary file, read-only, each in a private folder: none
/// runs in Salon's own process.
struct MediaCheck {
  let limits: Limits
  let cancellation: Cancellation
  let sandbox: Sandbox
  let workingParent: String
  /// Facts already read this run, so the same bytes sent again are not decoded again.
  var known = KnownFacts()

  /// The facts of the file at `path` whose bytes hash to `sha256`: read once per run for the
  /// same bytes and type (a decoder's verdict on the same bytes under the same limits does not
  /// change), and never remembered when a decoder failed, so a time-out is tried again.
  func check(path: String, sha256: String, type: DetectedType) throws -> (MediaProperties, MediaDamage?) {
    let key = sha256 + " " + type.mediaType
    if let facts = known.facts(for: key) { return (facts, nil) }
    let (facts, damage) = try check(path: path, type: type)
    if damage == nil { known.remember(facts, for: key) }
    return (facts, damage)
  }

  /// The facts of the file at `path`, or the damage a decoder found. Cancellation throws
  /// `Interrupted`; a missing tool stops the batch, as every file would fail alike.
  func check(path: String, type: DetectedType) throws -> (MediaProperties, MediaDamage?) {
    switch type.family {
    case .image:
      let (facts, damage) = try image(path, type: type)
      return (damage == nil ? try animation(path, facts, type: type) : facts, damage)
    case .audio, .video: return try inSandbox { try audioVideo(path, folder: $0) }
    case .pdf:
      return try inSandbox { folder in
        (MediaProperties(pages: try sandbox.pdfPageCount(path, workingFolder: folder), facts: RecordedFacts()), nil)
      }
    case .text: return (MediaProperties(facts: RecordedFacts(opening: try opening(path))), nil)
    default: return (MediaProperties(facts: RecordedFacts()), nil)
    }
  }

  /// A text's first lines for its card, read by the confined worker. A text the worker cannot
  /// read (not UTF-8, or it ran out of time) is still a text: its card shows the title. Only
  /// cancellation and a missing tool or sandbox stop the batch.
  private func opening(_ path: String) throws -> OpeningLines? {
    let folder = try PrivateFolder(in: workingParent, prefix: "salon-check-")
    do {
      let lines = try sandbox.run(TextOpening(), input: path, folder: folder.path)
      return lines.text.isEmpty ? nil : lines
    } catch let error as MediaToolError {
      _ = try Self.damage(error)
      return nil
    } catch {
      return nil
    }
  }

  private func image(_ path: String, type: DetectedType) throws -> (MediaProperties, MediaDamage?) {
    // The header's pixel size first: a bomb is refused before libvips decodes anything, and a
    // BMP (no trusted libvips loader) is judged by its header alone.
    guard let file = RandomAccessFile(path: path) else { return (MediaProperties(), nil) }
    let header = try MediaInspector.pixelSize(of: file, type: type, cancellation: cancellation)
    if type.mediaType == "image/bmp" { return (header, nil) }
    if let w = header.width, let h = header.height {
      let (pixels, overflow) = w.multipliedReportingOverflow(by: h)
      if overflow || pixels > limits.maxPixels { return (header, nil) }
    }
    let folder = try PrivateFolder(in: workingParent, prefix: "salon-check-")
    do {
      let size = try sandbox.run(ImageCheck(maxPixels: limits.maxPixels), input: path, folder: folder.path)
      guard size.width > 0, size.height > 0 else { return (MediaProperties(), Self.undecodableImage) }
      return (MediaProperties(width: size.width, height: size.height), nil)
    } catch ImageError.tooLarge(let width, let height, _) {
      // Refused from the header before any decoding; the classifier reports the size.
      return (MediaProperties(width: width, height: height), nil)
    } catch let error as MediaToolError {
      // Time and memory limits and Ctrl-C as for every tool; a worker that died on the file is
      // the file's fault, like a decoder's refusal.
      if case .crashed = error { return (MediaProperties(), Self.undecodableImage) }
      return (MediaProperties(), try Self.damage(error))
    } catch {
      return (MediaProperties(), Self.undecodableImage)
    }
  }

  static let undecodableImage = MediaDamage(
    kind: .damaged, sentence: "The image cannot be decoded: it is cut short, damaged or has no pixels.")
  /// An animation's frames (a fact for later stages), counted by ffprobe for GIF and APNG. The
  /// image has already decoded, so a probe that fails only leaves the count unknown, and nothing
  /// is recorded: export reads the file again, as it did before facts were recorded.
  private func animation(_ path: String, _ still: MediaProperties, type: DetectedType) throws -> MediaProperties {
    guard let file = RandomAccessFile(path: path) else { return still }
    var facts = still
    switch try AnimationHint.of(file, type: type, cancellation: cancellation) {
    case .still: facts.facts = RecordedFacts()
    case .frames(let count):
      facts.frames = count
      facts.facts = RecordedFacts()
    case .probe:
      let folder = try PrivateFolder(in: workingParent, prefix: "salon-check-")
      do {
        let probed = try sandbox.probe(path, workingFolder: folder.path, countPackets: true)
        // Recorded still or not: export takes the demuxer from it, and a one-frame GIF is known
        // to be still without a second look.
        facts.facts = RecordedFacts(probe: probed)
        if let frames = probed.video?.packets, frames > 1 {
          facts.frames = frames
          facts.container = probed.container
          facts.codecs = probed.video?.codec
        }
      } catch let error as MediaToolError {
        // Cancellation and a missing tool still stop the run.
        _ = try Self.damage(error)
      }
    }
    return facts
  }

  private func audioVideo(_ path: String, folder: String) throws -> (MediaProperties, MediaDamage?) {
    let facts = try sandbox.probe(path, workingFolder: folder)
    var properties = MediaProperties()
    // Export and the jury room decode with these facts; a file found damaged below is not
    // recorded with them (its verdict stands on the damage).
    properties.facts = RecordedFacts(probe: facts)
    properties.container = facts.container
    let moving = facts.streams.filter { ($0.kind == .video && !$0.isAttachedPicture) || $0.kind == .audio }
    properties.codecs = String(moving.map(\.codec).joined(separator: ", ").prefix(200))
    properties.isVideo = facts.video != nil
    if let size = facts.displaySize {
      properties.width = size.width
      properties.height = size.height
      // A frame over the pixel limit is refused from the stream's parameters, before anything
      // decodes a picture that large; the classifier reports it.
      let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
      if overflow || pixels > limits.maxPixels { return (properties, nil) }
    }
    do {
      let limit = properties.isVideo ? limits.maxVideoSeconds : limits.maxAudioSeconds
      // Both read the whole file: the decode check runs beside the packet count, on the other
      // core, in a private folder of its own. Its verdict counts only for a file within the
      // limit (one over it is refused on its length, as before).
      let decoding = DecodeInBackground(sandbox: sandbox, path: path, demuxer: facts.demuxer, parent: workingParent)
      let measured: MeasuredDuration
      do {
        measured = try sandbox.measure(path, facts: facts, workingFolder: folder)
      } catch {
        _ = decoding.wait()
        throw error
      }
      let decoded = decoding.wait()
      if let seconds = measured.seconds, seconds > limit {
        // Over the limit, so refused.
        properties.duration = seconds
        properties.durationIsLowerBound = measured.isLowerBound
        return (properties, nil)
      }
      // Cut short below the limit (more packets than a file within the limits has): not known.
      properties.duration = measured.isLowerBound ? nil : measured.seconds
      if let decoded { throw decoded }
    } catch let error as MediaToolError {
      // The probe's facts stay: a damaged video over the pixel limit is reported for both.
      properties.facts = nil
      return (properties, try Self.damage(error))
    }
    return (properties, nil)
  }

  /// Runs `body` in a private folder, turning a tool's failure into damage.
  private func inSandbox(_ body: (String) throws -> (MediaProperties, MediaDamage?)) throws -> (
    MediaProperties, MediaDamage?
  ) {
    let folder = try PrivateFolder(in: workingParent, prefix: "salon-check-")
    do {
      return try body(folder.path)
    } catch let error as MediaToolError {
      return (MediaProperties(), try Self.damage(error))
    }
  }

  static func damage(_ error: MediaToolError) throws -> MediaDamage {
    switch error {
    case .cancelled: throw Interrupted()
    case .missingTool, .sandboxUnavailable: throw error
    case .timedOut: return MediaDamage(kind: .timedOut, sentence: error.description)
    case .overLimit: return MediaDamage(kind: .overLimit, sentence: error.description)
    case .failed, .crashed:
      return MediaDamage(kind: .damaged, sentence: "It does not decode cleanly: it is probably cut short or damaged.")
    case .unreadable, .formatNotAllowed, .unreadableInput:
      return MediaDamage(kind: .damaged, sentence: error.description)
    }
  }
}

/// The short decode check of an audio or video file, run on a thread of its own in a private
/// folder of its own while the packets are counted; `wait` gives what it threw, if anything.
private final class DecodeInBackground: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var failure: Error?

  init(sandbox: Sandbox, path: String, demuxer: String?, parent: String) {
    Thread.detachNewThread { [self] in
      do {
        let folder = try PrivateFolder(in: parent, prefix: "salon-check-")
        try sandbox.run(DecodeCheck(), input: path, demuxer: demuxer, folder: folder.path)
      } catch {
        failure = error
      }
      done.signal()
    }
  }

  /// Waits for the check; what it threw, if anything.
  func wait() -> Error? {
    done.wait()
    return failure
  }
}

/// What the decoders said of each file read so far in one ingest run, by SHA-256 and type: a
/// call's repeated files (one description sent with several works, a resubmitted video) are
/// decoded once. Held by the `Ingester` for its run.
/// Locked: the decoders of one zip run in parallel.
final class KnownFacts: @unchecked Sendable {
  private let lock = NSLock()
  private var byKey: [String: MediaProperties] = [:]

  func facts(for key: String) -> MediaProperties? { lock.withLock { byKey[key] } }

  func remember(_ facts: MediaProperties, for key: String) {
    lock.withLock {
      // Bounded: a run of a million distinct files keeps the most recent ones only.
      if byKey.count >= 100_000 { byKey.removeAll(keepingCapacity: true) }
      byKey[key] = facts
    }
  }
}
