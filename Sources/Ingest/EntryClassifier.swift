import Basics
import Catalog
import Foundation
import MediaTools

/// Detects each unpacked file's format from its bytes, refuses the formats the call does not
/// accept, and has real decoders read the rest (`MediaCheck`): pixel size, duration, pages, and
/// whether the file decodes at all. Damage is kept on the entry: its role decides what it costs.
struct EntryClassifier {
  let limits: Limits
  let cancellation: Cancellation
  let media: MediaCheck

  func classify(_ entries: inout [ZipStream.Entry], findings: inout ZipFindings) throws {
    // Each entry's format from its first bytes, found once for the decoders and the checks.
    let types = entries.map { FileTypeDetector.detect(head: $0.head, fileExtension: fileExtension($0.path)) }
    let decoded = try decodeAll(entries, types: types)
    for index in entries.indices {
      try cancellation.check()
      let path = entries[index].path
      let ext = fileExtension(path)
      let type = types[index]
      entries[index].type = type
      if entries[index].file.size == 0 { findings.add(.emptyFile(path)) }
      switch type.family {
      case .archive:
        findings.add(.nestedArchive(path, mediaType: type.mediaType))
        continue
      case .executable:
        findings.add(.executable(path))
        continue
      case .svg:
        findings.add(.svgNotAllowed(path))
        continue
      case .html:
        findings.add(.htmlNotAllowed(path))
        continue
      default: break
      }
      if let expected = FileTypeDetector.expectedTypes(forExtension: ext), !expected.contains(type.mediaType),
        !(type.family == .text && entries[index].file.size == 0)
      {
        let actual = type == .unknown ? "an unrecognised format" : type.mediaType
        findings.add(.typeMismatch(path, extension: ext, actual: actual))
        continue
      }
      guard FileTypeDetector.isAllowed(type, fileExtension: ext) else {
        findings.add(.formatNotAllowed(path))
        continue
      }
      if entries[index].file.size == 0 { continue }
      guard let result = decoded[index] else { continue }
      let (properties, damage) = result.facts
      entries[index].properties = properties
      entries[index].damage = damage
      if damage != nil { continue }
      entries[index].provenance = result.provenance
      if type.family == .image {
        if let w = properties.width, let h = properties.height {
          // Headers may declare up to 2³² × 2³² pixels: a product past Int's range is too large too.
          let (pixels, overflow) = w.multipliedReportingOverflow(by: h)
          if overflow || pixels > limits.maxPixels {
            findings.add(.imageTooLarge(path, width: w, height: h, limit: limits.maxPixels))
          }
        } else {
          findings.add(.pixelSizeUnknown(path))
        }
      }
      if type.family == .audio || type.family == .video { checkLimits(path, properties, findings: &findings) }
    }
  }

  /// The type of an entry the decoders read: one that passes every check before them.
  private func typeToDecode(_ entry: ZipStream.Entry, _ type: DetectedType) -> DetectedType? {
    let ext = fileExtension(entry.path)
    switch type.family {
    case .archive, .executable, .svg, .html: return nil
    default: break
    }
    if let expected = FileTypeDetector.expectedTypes(forExtension: ext), !expected.contains(type.mediaType) {
      return nil
    }
    guard FileTypeDetector.isAllowed(type, fileExtension: ext), entry.file.size > 0 else { return nil }
    return type
  }

  /// What the confined decoders say of each entry that reaches them, by index: every tool run of
  /// the zip (each file's check, and the provenance read of an image or video beside it) is
  /// started at once, as many running together as there are cores, so a photograph's exiftool
  /// does not wait for its decoder nor a description's pdfinfo for a film. The provenance read
  /// is kept only for a file that decodes. The first error, in entry order, is thrown.
  private func decodeAll(_ entries: [ZipStream.Entry], types: [DetectedType]) throws -> [Int: Decoded] {
    var planned: [(index: Int, type: DetectedType, provenance: Bool)] = []
    let results = DecodeResults()
    // Roles as the call's rules will assign them: only a work's own text has its opening lines
    // shown (on its card), so a zip of many supplementary notes does not start a worker for each.
    let roles = RoleInference.assign(
      zip(entries, types).map { RoleInference.Candidate(path: $0.path, family: $1.family) })
    for (index, entry) in entries.enumerated() {
      guard let type = typeToDecode(entry, types[index]) else { continue }
      if type.family == .text, roles[index].role == .supplementary || roles[index].role == .description {
        results.setFacts(index, (MediaProperties(facts: RecordedFacts()), nil))
        continue
      }
      planned.append((index, type, false))
      if type.family == .image || type.family == .video { planned.append((index, type, true)) }
    }
    let tasks = planned
    let media = self.media
    let cancellation = self.cancellation
    let paths = entries.map { $0.file.url.path }
    let hashes = try entries.map { try $0.file.finish() }
    let width = max(1, min(tasks.count, ProcessInfo.processInfo.activeProcessorCount))
    let next = DecodeResults.Counter()
    let group = DispatchGroup()
    for _ in 0..<width {
      group.enter()
      Thread.detachNewThread {
        defer { group.leave() }
        while let position = next.take(below: tasks.count) {
          let task = tasks[position]
          do {
            if cancellation.isCancelled { throw Interrupted() }
            if task.provenance {
              results.setProvenance(task.index, try media.provenance(path: paths[task.index], type: task.type))
            } else {
              results.setFacts(
                task.index, try media.check(path: paths[task.index], sha256: hashes[task.index], type: task.type))
            }
          } catch {
            results.fail(position, error)
          }
        }
      }
    }
    group.wait()
    if let error = results.firstError { throw error }
    return results.decoded
  }

  /// The call's limits on a sound or moving picture, for every file of its medium whatever its
  /// role: the frame size against the pixel limit, the measured length against the video limit
  /// (a file with a picture) or the audio limit.
  private func checkLimits(_ path: String, _ properties: MediaProperties, findings: inout ZipFindings) {
    if properties.isVideo, let w = properties.width, let h = properties.height {
      let (pixels, overflow) = w.multipliedReportingOverflow(by: h)
      if overflow || pixels > limits.maxPixels {
        // Nothing was decoded or measured: the size alone refuses it.
        findings.add(.videoFrameTooLarge(path, width: w, height: h, limit: limits.maxPixels))
        return
      }
    }
    let limit = properties.isVideo ? limits.maxVideoSeconds : limits.maxAudioSeconds
    guard let length = properties.duration else {
      findings.add(.durationUnknown(path, video: properties.isVideo, limit: limit))
      return
    }
    // (Durations are kept to the millisecond.)
    guard length > limit + 0.0005 else { return }
    let atLeast = properties.durationIsLowerBound
    findings.add(
      properties.isVideo
        ? .videoTooLong(path, seconds: length, atLeast: atLeast, limit: limit)
        : .audioTooLong(path, seconds: length, atLeast: atLeast, limit: limit))
  }
}

/// The extension after the last dot of the last path component, trimmed ("x_main .PNG " → "PNG").
func fileExtension(_ path: String) -> String {
  let base = path.split(separator: "/").last.map(String.init) ?? path
  guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
  return base[base.index(after: dot)...].trimmingCharacters(in: .whitespaces)
}

/// One entry's decoders' verdict: its facts (or damage) and, for an image or video, its provenance.
struct Decoded {
  var facts: (MediaProperties, MediaDamage?) = (MediaProperties(), nil)
  var provenance: FileEvidence?
}

/// What the parallel decoder runs of one zip found, under a lock.
private final class DecodeResults: @unchecked Sendable {
  private let lock = NSLock()
  private var byIndex: [Int: Decoded] = [:]
  private var errors: [(position: Int, error: Error)] = []

  func setFacts(_ index: Int, _ facts: (MediaProperties, MediaDamage?)) {
    lock.withLock { byIndex[index, default: Decoded()].facts = facts }
  }
  func setProvenance(_ index: Int, _ evidence: FileEvidence) {
    lock.withLock { byIndex[index, default: Decoded()].provenance = evidence }
  }
  func fail(_ position: Int, _ error: Error) { lock.withLock { errors.append((position, error)) } }
  var firstError: Error? { lock.withLock { errors.min { $0.position < $1.position }?.error } }
  var decoded: [Int: Decoded] { lock.withLock { byIndex } }

  /// Hands out the next task to the decoding threads.
  final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    func take(below count: Int) -> Int? {
      lock.withLock {
        guard next < count else { return nil }
        defer { next += 1 }
        return next
      }
    }
  }
}
