import Basics
import Catalog
import Foundation

/// Detects each unpacked file's format from its bytes, refuses the formats the call does not
/// accept, and has real decoders read the rest (`MediaCheck`): pixel size, duration, pages, and
/// whether the file decodes at all. Damage is kept on the entry: its role decides what it costs.
struct EntryClassifier {
  let limits: Limits
  let cancellation: Cancellation
  let media: MediaCheck

  func classify(_ entries: inout [ZipStream.Entry], findings: inout ZipFindings) throws {
    for index in entries.indices {
      try cancellation.check()
      let path = entries[index].path
      let ext = fileExtension(path)
      let type = FileTypeDetector.detect(head: entries[index].head, fileExtension: ext)
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
      let (properties, damage) = try media.check(
        path: entries[index].file.url.path, sha256: try entries[index].file.finish(), type: type)
      entries[index].properties = properties
      entries[index].damage = damage
      if damage != nil { continue }
      if type.family == .image || type.family == .video {
        entries[index].provenance = try media.provenance(path: entries[index].file.url.path, type: type)
      }
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
