import Foundation
import Hashing

/// The names derivatives are published under. A published name never changes its content: it
/// carries a digest of everything that shapes the bytes (the cache key), so new tools or other
/// settings give new names, and a CDN may keep `/media/**` for a year (docs/distributed.md).
extension MediaBuilder {
  /// Where the derivatives of `job` are published: `media/ab/<sha>-<digest of its cache key>`,
  /// then what each one is (`-1200.webp`, `-720.mp4`). The original's SHA-256 comes first, so the
  /// media of one stored file are found by it (unpublishing, a failed file's leftovers); the
  /// key's digest makes new names whenever the bytes may differ (other tools, another video size
  /// or page count), so a published name never changes its content and a CDN may keep
  /// `/media/**` for a year.
  func publishedStem(_ job: Job) -> String { Self.publishedStem(sha: job.sha, key: cacheKey(job)) }

  static func publishedStem(sha: String, key: String) -> String {
    "media/\(sha.prefix(2))/\(sha)-\(keyDigest(key))"
  }

  /// The first 10 hex digits of the key's SHA-256: 40 bits, against the few keys one file has.
  static func keyDigest(_ key: String) -> String {
    // Hashing cannot fail on bytes in memory; the fallback only keeps this total.
    let hashed = (try? SHA256Hasher.hash(Array(key.utf8))) ?? hexString(key.utf8.prefix(5))
    return String(hashed.prefix(10))
  }

  /// A cached entry's file under the name it is published by: an entry stored before names had
  /// the key's digest (`media/ab/<sha>-1200.webp`) is published under the new name, not made again.
  static func publishedName(_ file: String, sha: String, stem: String) -> String {
    let own = "media/\(sha.prefix(2))/\(sha)"
    guard !file.hasPrefix(stem), file.hasPrefix(own) else { return file }
    return stem + file.dropFirst(own.count)
  }
}

extension PublishedMedia {
  /// The same entry with every file renamed by `name` (a cached entry under its published names).
  func renamed(_ name: (String) -> String) -> PublishedMedia {
    var media = self
    func rename(_ size: Size) -> Size {
      var size = size
      size.webp = name(size.webp)
      size.jpeg = size.jpeg.map(name)
      return size
    }
    media.sizes = sizes.map(rename)
    media.pages = pages.map { $0.map(rename) }
    media.waveform = waveform?.map { Picture(width: $0.width, height: $0.height, file: name($0.file)) }
    media.rendition = rendition.map(name)
    return media
  }
}
