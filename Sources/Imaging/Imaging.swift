import Basics
import CVips
import Foundation
import MediaTools

/// What libvips could not do, one sentence per case: MediaTools' `ImageError`, which the worker
/// running these functions reports and Salon's own process rebuilds.
package typealias ImagingError = ImageError
package typealias ImagingStep = ImageStep

/// A derivative written to disk.
package struct Derivative: Equatable, Sendable {
  /// The width asked for; the image is never upscaled, so `width` may be smaller.
  package var requestedWidth: Int
  package var width: Int
  package var height: Int
  package var webp: String
  /// Nil at a width that gets no JPEG.
  package var jpeg: String?
}

/// libvips' words for the call that has just failed on this thread, taken and cleared in one
/// step under libvips' own lock, so no later failure (of this or another image) is read instead.
private func vipsFailureDetail() -> String {
  guard let copy = vips_error_buffer_copy() else { return "" }
  defer { g_free(copy) }
  return String(cString: copy).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// One reference to a libvips image, released exactly once when the value goes away; every
/// operation returns a new one, so no path can leak or release an image twice.
private final class VipsImageReference {
  private let image: UnsafeMutablePointer<VipsImage>

  /// Takes over a reference the caller owns.
  init(taking image: UnsafeMutablePointer<VipsImage>) { self.image = image }
  deinit { g_object_unref(image) }

  var width: Int { Int(vips_image_get_width(image)) }
  var height: Int { Int(vips_image_get_height(image)) }
  var hasAlpha: Bool { vips_image_hasalpha(image) != 0 }

  /// Runs a libvips operation that makes `out` from this image; a failure throws with its detail.
  private func derive(
    _ failure: (String) -> ImagingError,
    _ operation: (UnsafeMutablePointer<VipsImage>, inout UnsafeMutablePointer<VipsImage>?) -> Int32
  ) throws -> VipsImageReference {
    var out: UnsafeMutablePointer<VipsImage>?
    let result = operation(image, &out)
    guard result == 0, let out else {
      let detail = vipsFailureDetail()
      if let out { g_object_unref(out) }
      throw failure(detail)
    }
    return VipsImageReference(taking: out)
  }

  static func thumbnail(of path: String, width: Int, height: Int) throws -> VipsImageReference {
    var out: UnsafeMutablePointer<VipsImage>?
    guard salon_vips_thumbnail(path, &out, Int32(clamping: width), Int32(clamping: height)) == 0, let out else {
      let detail = vipsFailureDetail()
      if let out { g_object_unref(out) }
      throw ImagingError.unreadable(detail: detail)
    }
    return VipsImageReference(taking: out)
  }

  func thumbnail(width: Int, height: Int) throws -> VipsImageReference {
    try derive({ .cannotTransform(.resized, detail: $0) }) {
      salon_vips_thumbnail_image($0, &$1, Int32(clamping: width), Int32(clamping: height))
    }
  }

  /// sRGB, 8 bits: what browsers show.
  func normalised() throws -> VipsImageReference {
    guard
      vips_image_get_interpretation(image) != VIPS_INTERPRETATION_sRGB
        || vips_image_get_format(image) != VIPS_FORMAT_UCHAR
    else { return self }
    return try derive({ .cannotTransform(.converted, detail: $0) }) { salon_vips_srgb($0, &$1) }
  }

  func flattenedOnWhite() throws -> VipsImageReference {
    try derive({ .cannotTransform(.flattened, detail: $0) }) { salon_vips_flatten_white($0, &$1) }
  }

  /// The loader reads its source once, in order; every size and format is made from this copy.
  func inMemory() throws -> VipsImageReference {
    guard let copy = vips_image_copy_memory(image) else {
      throw ImagingError.cannotTransform(.decoded, detail: vipsFailureDetail())
    }
    return VipsImageReference(taking: copy)
  }

  /// Only on an image Salon made (a memory copy), never on one a loader may share.
  func removeMetadata() { salon_vips_remove_metadata(image) }

  func save(to path: String, _ saver: (UnsafeMutablePointer<VipsImage>, String) -> Int32) throws {
    guard saver(image, path) == 0 else { throw ImagingError.cannotSave(path: path, detail: vipsFailureDetail()) }
  }

  func jpegBytes(quality: Int32) throws -> [UInt8] {
    var buffer: UnsafeMutableRawPointer?
    var length = 0
    let result = salon_vips_jpegsave_buffer(image, &buffer, &length, quality)
    defer { g_free(buffer) }
    guard result == 0, let buffer else { throw ImagingError.cannotTransform(.encoded, detail: vipsFailureDetail()) }
    return Array(UnsafeRawBufferPointer(start: buffer, count: length))
  }
}

/// libvips, behind one door: only the raster loaders a call needs (JPEG, PNG, WebP, GIF, TIFF,
/// HEIF/AVIF) are allowed, never PDF or SVG; pixel limits checked before decoding;
/// every derivative re-encoded with all metadata stripped. No C type leaves this module.
package enum Imaging {
  private static let started: Bool = {
    guard salon_vips_start() == 0 else { return false }
    // Decoding caches are pointless for one pass over many files and cost memory.
    vips_cache_set_max(0)
    return true
  }()

  static func ensureStarted() throws {
    guard started else { throw ImagingError.unavailable }
  }

  /// Threads libvips uses inside one image; Salon runs one image per core instead.
  package static func setThreadsPerImage(_ count: Int) {
    _ = started
    vips_concurrency_set(Int32(clamping: max(1, count)))
  }

  /// Pixel size from the header alone.
  package static func size(of path: String) throws -> (width: Int, height: Int) {
    try ensureStarted()
    var width: Int32 = 0
    var height: Int32 = 0
    guard salon_vips_header(path, &width, &height) == 0 else {
      throw ImagingError.unreadable(detail: vipsFailureDetail())
    }
    return (Int(width), Int(height))
  }

  /// Decodes the whole image once, failing on truncation or corruption, so a damaged file is
  /// caught when it arrives rather than published broken. The pixels are not kept.
  /// - Throws: `ImagingError.tooLarge` (from the header, before decoding) when it has more than
  ///   `maxPixels` pixels; `ImagingError.unreadable` when it is empty, damaged or in a format
  ///   whose loader Salon blocks.
  /// - Returns: the pixel size.
  @discardableResult
  package static func checkDecodes(_ path: String, maxPixels: Int) throws -> (width: Int, height: Int) {
    try ensureStarted()
    let (width, height) = try size(of: path)
    guard width > 0, height > 0 else { throw ImagingError.unreadable(detail: "no pixels") }
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow, pixels <= maxPixels else {
      throw ImagingError.tooLarge(width: width, height: height, limitMegapixels: maxPixels / 1_000_000)
    }
    guard salon_vips_decode_check(path) == 0 else { throw ImagingError.unreadable(detail: vipsFailureDetail()) }
    return (width, height)
  }

  /// Refuses an image over `maxPixels` from its header, before anything is decoded.
  private static func checkPixels(of source: String, maxPixels: Int) throws {
    let (width, height) = try size(of: source)
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    guard overflow || pixels > maxPixels else { return }
    throw ImagingError.tooLarge(width: width, height: height, limitMegapixels: maxPixels / 1_000_000)
  }

  /// Writes a WebP of `source` at each width (never upscaled), and a JPEG where `destination`
  /// names one, largest first: the original is decoded once (shrunk on load where its format
  /// allows), and each smaller width is resized from the one before. Files are written to
  /// temporary names and renamed.
  package static func derivatives(
    of source: String, widths: [Int], maxPixels: Int,
    webpQuality: (_ width: Int) -> Int = ImageDerivatives.webpQuality(requestedWidth:),
    jpegQuality: Int = ImageDerivatives.jpegQuality,
    destination: (_ width: Int) -> (webp: String, jpeg: String?)
  ) throws -> [Derivative] {
    try ensureStarted()
    try checkPixels(of: source, maxPixels: maxPixels)
    let sorted = widths.sorted(by: >)
    guard let largest = sorted.first else { return [] }
    var image = try VipsImageReference.thumbnail(of: source, width: largest, height: largest.saturatingTimes4)
      .normalised().inMemory()
    image.removeMetadata()
    var results: [Derivative] = []
    for width in sorted {
      if width != largest || image.width > width {
        // Kept in memory: the next width is resized from this one, not from the loader again.
        image = try image.thumbnail(width: width, height: width.saturatingTimes4).inMemory()
      }
      let paths = destination(width)
      let webpQ = Int32(clamping: webpQuality(width))
      let effort = Int32(clamping: ImageDerivatives.webpEffort)
      try save(image, to: paths.webp) { salon_vips_webpsave($0, $1, webpQ, effort) }
      if let jpeg = paths.jpeg {
        let jpegQ = Int32(clamping: jpegQuality)
        try save(image.hasAlpha ? image.flattenedOnWhite() : image, to: jpeg) { salon_vips_jpegsave($0, $1, jpegQ) }
      }
      results.append(
        Derivative(
          requestedWidth: width, width: image.width, height: image.height, webp: paths.webp, jpeg: paths.jpeg))
    }
    return results
  }

  /// A small JPEG as bytes (for the offline scoring sheet's previews).
  package static func jpegPreview(of source: String, width: Int, maxPixels: Int) throws -> [UInt8] {
    try ensureStarted()
    try checkPixels(of: source, maxPixels: maxPixels)
    var image = try VipsImageReference.thumbnail(of: source, width: width, height: width.saturatingTimes4)
      .normalised().inMemory()
    image.removeMetadata()
    if image.hasAlpha { image = try image.flattenedOnWhite() }
    return try image.jpegBytes(quality: 70)
  }

  private static func save(
    _ image: VipsImageReference, to path: String, _ saver: (UnsafeMutablePointer<VipsImage>, String) -> Int32
  ) throws {
    let ext = (path as NSString).pathExtension
    let temporary = AtomicFile.temporaryPath(for: path)
    do {
      try image.save(to: temporary, saver)
    } catch {
      unlink(temporary)
      throw ImagingError.cannotSave(path: path, detail: (error as? ImagingError).map(\.detail) ?? "")
    }
    if ext == "webp" {
      guard let data = FileManager.default.contents(atPath: temporary), let clean = WebPMetadata.stripped(Array(data)),
        (try? Data(clean).write(to: URL(fileURLWithPath: temporary))) != nil
      else {
        unlink(temporary)
        throw ImagingError.cannotRemoveMetadata(path: path)
      }
    }
    guard rename(temporary, path) == 0 else {
      let detail = String(cString: strerror(errno))
      unlink(temporary)
      throw ImagingError.cannotSave(path: path, detail: detail)
    }
  }
}

extension Int {
  /// Heights are bounded at four times the width; a huge width cannot overflow.
  fileprivate var saturatingTimes4: Int { multipliedReportingOverflow(by: 4).overflow ? .max : self * 4 }
}
