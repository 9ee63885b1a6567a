import CVips
import Foundation

/// What libvips could not do, in its own words.
public struct ImagingError: Error, Equatable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// A derivative written to disk.
public struct Derivative: Equatable, Sendable {
  /// The width asked for; the image is never upscaled, so `width` may be smaller.
  public var requestedWidth: Int
  public var width: Int
  public var height: Int
  public var webp: String
  public var jpeg: String
}

/// libvips, behind one door: untrusted loaders blocked, pixel limits checked before decoding,
/// every derivative re-encoded with all metadata stripped. No C type leaves this module.
public enum Imaging {
  private static let started: Bool = {
    guard salon_vips_start() == 0 else { return false }
    salon_vips_allow_pdf()
    // Decoding caches are pointless for one pass over many files and cost memory.
    vips_cache_set_max(0)
    return true
  }()

  private static func lastError() -> ImagingError {
    let message = String(cString: vips_error_buffer()).trimmingCharacters(in: .whitespacesAndNewlines)
    vips_error_clear()
    return ImagingError(message: message.isEmpty ? "libvips could not read the image" : message)
  }

  private static func ensureStarted() throws {
    guard started else { throw ImagingError(message: "libvips could not start") }
  }

  /// Threads libvips uses inside one image; Salon runs one image per core instead.
  public static func setThreadsPerImage(_ count: Int) {
    _ = started
    vips_concurrency_set(Int32(count))
  }

  /// Pixel size from the header alone.
  public static func size(of path: String) throws -> (width: Int, height: Int) {
    try ensureStarted()
    var width: Int32 = 0
    var height: Int32 = 0
    guard salon_vips_header(path, &width, &height) == 0 else { throw lastError() }
    return (Int(width), Int(height))
  }

  /// Writes WebP and JPEG derivatives of `source` at each width (never upscaled), largest first,
  /// each resized from the previous one. Files are written to temporary names and renamed.
  /// - Parameters:
  ///   - page: for PDFs, the first page is rendered (the path gets libvips' page option).
  public static func derivatives(
    of source: String, widths: [Int], maxPixels: Int, isPDF: Bool = false,
    destination: (_ width: Int) -> (webp: String, jpeg: String)
  ) throws -> [Derivative] {
    try ensureStarted()
    if !isPDF {
      let (w, h) = try size(of: source)
      guard w * h <= maxPixels else {
        throw ImagingError(
          message: "the image is \(w) × \(h) pixels, more than the limit of \(maxPixels / 1_000_000) megapixels")
      }
    }
    let sorted = widths.sorted(by: >)
    guard let largest = sorted.first else { return [] }
    var current: UnsafeMutablePointer<VipsImage>?
    let loadPath = isPDF ? source + "[page=0,dpi=100]" : source
    guard salon_vips_thumbnail(loadPath, &current, Int32(largest), Int32(largest * 4)) == 0, var image = current else {
      throw lastError()
    }
    defer { g_object_unref(image) }
    image = try normalise(image)
    // The loader reads its source once, in order; every size and format is made from this copy.
    guard let inMemory = vips_image_copy_memory(image) else { throw lastError() }
    image = swap(image, inMemory)
    salon_vips_remove_metadata(image)
    var results: [Derivative] = []
    for width in sorted {
      var resized: UnsafeMutablePointer<VipsImage>?
      if width != largest || vips_image_get_width(image) > Int32(width) {
        guard salon_vips_thumbnail_image(image, &resized, Int32(width), Int32(width * 4)) == 0, let resized else {
          throw lastError()
        }
        image = swap(image, resized)
      }
      let paths = destination(width)
      try save(image, to: paths.webp) { salon_vips_webpsave($0, $1, 80) }
      var flat: UnsafeMutablePointer<VipsImage>?
      if vips_image_hasalpha(image) != 0 {
        guard salon_vips_flatten_white(image, &flat) == 0, let flat else { throw lastError() }
        defer { g_object_unref(flat) }
        try save(flat, to: paths.jpeg) { salon_vips_jpegsave($0, $1, 82) }
      } else {
        try save(image, to: paths.jpeg) { salon_vips_jpegsave($0, $1, 82) }
      }
      results.append(
        Derivative(
          requestedWidth: width, width: Int(vips_image_get_width(image)), height: Int(vips_image_get_height(image)),
          webp: paths.webp, jpeg: paths.jpeg))
    }
    return results
  }

  /// A small JPEG as bytes (for the offline scoring sheet's previews).
  public static func jpegPreview(of source: String, width: Int, maxPixels: Int, isPDF: Bool = false) throws -> [UInt8] {
    try ensureStarted()
    if !isPDF {
      let (w, h) = try size(of: source)
      guard w * h <= maxPixels else { throw ImagingError(message: "the image is too large") }
    }
    var loaded: UnsafeMutablePointer<VipsImage>?
    guard salon_vips_thumbnail(isPDF ? source + "[page=0]" : source, &loaded, Int32(width), Int32(width * 4)) == 0,
      var image = loaded
    else { throw lastError() }
    defer { g_object_unref(image) }
    image = try normalise(image)
    guard let inMemory = vips_image_copy_memory(image) else { throw lastError() }
    image = swap(image, inMemory)
    salon_vips_remove_metadata(image)
    if vips_image_hasalpha(image) != 0 {
      var flat: UnsafeMutablePointer<VipsImage>?
      guard salon_vips_flatten_white(image, &flat) == 0, let flat else { throw lastError() }
      image = swap(image, flat)
    }
    var buffer: UnsafeMutableRawPointer?
    var length = 0
    guard salon_vips_jpegsave_buffer(image, &buffer, &length, 70) == 0, let buffer else { throw lastError() }
    defer { g_free(buffer) }
    return Array(UnsafeRawBufferPointer(start: buffer, count: length))
  }

  /// sRGB, 8 bits: what browsers show.
  private static func normalise(_ image: UnsafeMutablePointer<VipsImage>) throws -> UnsafeMutablePointer<VipsImage> {
    let interpretation = vips_image_get_interpretation(image)
    guard interpretation != VIPS_INTERPRETATION_sRGB || vips_image_get_format(image) != VIPS_FORMAT_UCHAR else {
      return image
    }
    var converted: UnsafeMutablePointer<VipsImage>?
    guard salon_vips_srgb(image, &converted) == 0, let converted else { throw lastError() }
    return swap(image, converted)
  }

  /// Releases `old` and returns `new`, keeping reference counting in one place.
  private static func swap(_ old: UnsafeMutablePointer<VipsImage>, _ new: UnsafeMutablePointer<VipsImage>)
    -> UnsafeMutablePointer<VipsImage>
  {
    g_object_unref(old)
    return new
  }

  private static func save(
    _ image: UnsafeMutablePointer<VipsImage>, to path: String,
    _ saver: (UnsafeMutablePointer<VipsImage>, String) -> Int32
  ) throws {
    let ext = (path as NSString).pathExtension
    let temporary = (path as NSString).deletingPathExtension + ".partial-\(getpid()).\(ext)"
    guard saver(image, temporary) == 0 else {
      unlink(temporary)
      throw lastError()
    }
    if ext == "webp" {
      guard let data = FileManager.default.contents(atPath: temporary), let clean = WebPMetadata.stripped(Array(data)),
        (try? Data(clean).write(to: URL(fileURLWithPath: temporary))) != nil
      else {
        unlink(temporary)
        throw ImagingError(message: "cannot remove the metadata of \(path)")
      }
    }
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw ImagingError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }
}
