import Catalog
import Foundation
import Imaging

/// What the gallery has for one stored file.
struct PublishedMedia {
  struct Size {
    var width: Int
    var height: Int
    var webp: String
    var jpeg: String
  }
  /// Image derivatives, smallest first (images, and PDF first pages).
  var sizes: [Size] = []
  /// The original, for audio, video and PDF (relative to the site root).
  var original: String?
  /// Plain text, to be shown escaped.
  var text: String?
  var textTruncated = false
}

/// Makes derivatives (in parallel, skipping those an earlier export made) and copies the
/// originals that browsers play natively. Never copies an original image, SVG or HTML.
struct MediaBuilder {
  let archive: SalonArchive
  let output: URL
  let previous: Exporter.Manifest

  struct Outcome {
    var media: [String: PublishedMedia] = [:]
    var files: [String: String] = [:]
    var sizes: [String: [Int]] = [:]
    var made = 0
    var reused = 0
    var failures: [ExportReport.Failure] = []
  }

  static let publishedRoles: Set<FileRole> = [.main, .video, .supplementary]
  static let textLimit = 256 * 1024

  static func extensionFor(_ type: String) -> String? {
    [
      "audio/mpeg": "mp3", "audio/wav": "wav", "audio/flac": "flac", "audio/ogg": "ogg", "audio/mp4": "m4a",
      "audio/aac": "aac", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
      "video/x-matroska": "mkv", "video/x-msvideo": "avi", "application/pdf": "pdf",
    ][type]
  }

  func build(_ exhibitions: [SiteModel.ExhibitionModel]) -> Outcome {
    var outcome = Outcome()
    struct Job {
      var sha: String
      var isPDF: Bool
      var maxPixels: Int
      var owner: (exhibition: String, id: String, file: String)
    }
    var jobs: [String: Job] = [:]
    for model in exhibitions {
      for shown in model.works {
        for file in shown.work.files where Self.publishedRoles.contains(file.role) {
          if outcome.media[file.sha256] != nil || jobs[file.sha256] != nil { continue }
          let source = archive.storedFileURL(sha256: file.sha256)
          var media = PublishedMedia()
          if file.type.hasPrefix("image/") || file.type == "application/pdf" {
            jobs[file.sha256] = Job(
              sha: file.sha256, isPDF: file.type == "application/pdf", maxPixels: model.exhibition.limits.maxPixels,
              owner: (model.exhibition.slug, shown.work.id, file.path))
          }
          if let ext = Self.extensionFor(file.type) {
            let path = "media/\(file.sha256.prefix(2))/\(file.sha256).\(ext)"
            copyOriginal(source, to: path)
            media.original = path
            outcome.files[path] = "original:\(file.sha256)"
          }
          if file.type == "text/plain", let handle = FileHandle(forReadingAtPath: source.path) {
            let data = (try? handle.read(upToCount: Self.textLimit + 1)) ?? Data()
            try? handle.close()
            media.text = String(decoding: data.prefix(Self.textLimit), as: UTF8.self)
            media.textTruncated = data.count > Self.textLimit
          }
          outcome.media[file.sha256] = media
        }
      }
    }

    // One image per core; libvips' own threads would only contend with each other.
    Imaging.setThreadsPerImage(1)
    let ordered = jobs.values.sorted { $0.sha < $1.sha }
    let lock = NSLock()
    let shared = SharedOutcome()
    DispatchQueue.concurrentPerform(iterations: ordered.count) { index in
      let job = ordered[index]
      let names = Exporter.widths.map { width in
        (
          width, "media/\(job.sha.prefix(2))/\(job.sha)-\(width).webp",
          "media/\(job.sha.prefix(2))/\(job.sha)-\(width).jpg"
        )
      }
      // Reuse what an earlier export made, if every file is there and its size is known.
      let cached = names.compactMap { width, webp, jpeg -> PublishedMedia.Size? in
        guard let size = previous.sizes[jpeg], size.count == 2,
          FileManager.default.fileExists(atPath: output.appendingPathComponent(webp).path),
          FileManager.default.fileExists(atPath: output.appendingPathComponent(jpeg).path)
        else { return nil }
        return PublishedMedia.Size(width: size[0], height: size[1], webp: webp, jpeg: jpeg)
      }
      if cached.count == names.count {
        lock.withLock {
          shared.sizes[job.sha] = cached
          shared.reused += 1
        }
        return
      }
      do {
        try FileManager.default.createDirectory(
          at: output.appendingPathComponent("media/\(job.sha.prefix(2))"), withIntermediateDirectories: true)
        let made = try Imaging.derivatives(
          of: archive.storedFileURL(sha256: job.sha).path, widths: Exporter.widths, maxPixels: job.maxPixels,
          isPDF: job.isPDF
        ) { width in
          let name = names.first { $0.0 == width }!
          return (output.appendingPathComponent(name.1).path, output.appendingPathComponent(name.2).path)
        }
        let sizes = made.map { derivative in
          let name = names.first { $0.0 == derivative.requestedWidth }!
          return PublishedMedia.Size(width: derivative.width, height: derivative.height, webp: name.1, jpeg: name.2)
        }
        lock.withLock {
          shared.sizes[job.sha] = sizes
          shared.made += 1
        }
      } catch {
        lock.withLock {
          shared.failures.append(
            .init(exhibition: job.owner.exhibition, id: job.owner.id, file: job.owner.file, message: "\(error)"))
        }
      }
    }
    for (sha, sizes) in shared.sizes {
      // A small image gives the same width twice; the page lists each width once.
      var seenWidths = Set<Int>()
      let ascending = sizes.sorted { ($0.width, $0.jpeg) < ($1.width, $1.jpeg) }.filter {
        seenWidths.insert($0.width).inserted
      }
      outcome.media[sha, default: PublishedMedia()].sizes = ascending
      for size in sizes {
        outcome.files[size.webp] = "derived:\(sha):webp:\(size.width)x\(size.height)"
        outcome.files[size.jpeg] = "derived:\(sha):jpeg:\(size.width)x\(size.height)"
        outcome.sizes[size.jpeg] = [size.width, size.height]
      }
    }
    outcome.made = shared.made
    outcome.reused = shared.reused
    outcome.failures = shared.failures.sorted { ($0.exhibition, $0.id, $0.file) < ($1.exhibition, $1.id, $1.file) }
    return outcome
  }

  /// Copies a stored original into the site once; an existing copy of the same size stays.
  private func copyOriginal(_ source: URL, to path: String) {
    let target = output.appendingPathComponent(path)
    let fileManager = FileManager.default
    if let a = try? fileManager.attributesOfItem(atPath: target.path)[.size] as? NSNumber,
      let b = try? fileManager.attributesOfItem(atPath: source.path)[.size] as? NSNumber, a == b
    {
      return
    }
    try? fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    let temporary = target.deletingLastPathComponent().appendingPathComponent(
      ".partial-\(getpid())-\(target.lastPathComponent)")
    try? fileManager.removeItem(at: temporary)
    do {
      try fileManager.copyItem(at: source, to: temporary)
      chmod(temporary.path, 0o644)
      _ = rename(temporary.path, target.path)
    } catch {
      try? fileManager.removeItem(at: temporary)
    }
  }
}

private final class SharedOutcome: @unchecked Sendable {
  var sizes: [String: [PublishedMedia.Size]] = [:]
  var made = 0
  var reused = 0
  var failures: [ExportReport.Failure] = []
}
