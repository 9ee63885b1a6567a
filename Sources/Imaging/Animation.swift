import CVips
import Foundation

/// Animated images kept animated: every frame through libvips' trusted loaders (GIF, WebP),
/// fitted and re-encoded as an animated WebP with nothing but its frames and timing.
extension Imaging {
  private static func animationError() -> ImagingError {
    let message = String(cString: vips_error_buffer()).trimmingCharacters(in: .whitespacesAndNewlines)
    vips_error_clear()
    return ImagingError(message: message.isEmpty ? "libvips could not read the animation" : message)
  }

  /// Frames in the file, from its header: 1 for a still image.
  public static func frameCount(of path: String) throws -> Int {
    _ = try size(of: path)  // starts libvips and checks the header
    var pages: Int32 = 0
    guard salon_vips_pages(path, &pages) == 0 else { throw animationError() }
    return max(1, Int(pages))
  }

  /// Writes an animated WebP of every frame of `source`, longest side at most `maxSide` (never
  /// upscaled), to a temporary name renamed to `destination`. Returns the frame size.
  public static func animatedWebP(of source: String, maxSide: Int, maxPixels: Int, to destination: String) throws
    -> (width: Int, height: Int)
  {
    let (width, height) = try size(of: source)
    let frames = try frameCount(of: source)
    guard
      width.multipliedReportingOverflow(by: height).partialValue.multipliedReportingOverflow(by: frames)
        .partialValue <= maxPixels, width <= maxPixels, height <= maxPixels, frames <= 10_000
    else {
      throw ImagingError(
        message: "the animation has more pixels in all than the limit of \(maxPixels / 1_000_000) megapixels")
    }
    let side = Int32(min(max(maxSide, 16), 16_384))
    var loaded: UnsafeMutablePointer<VipsImage>?
    guard salon_vips_thumbnail(source + "[n=-1]", &loaded, side, side) == 0, let image = loaded else {
      throw animationError()
    }
    defer { g_object_unref(image) }
    salon_vips_keep_only_animation(image)
    let temporary = (destination as NSString).deletingPathExtension + ".partial-\(getpid()).webp"
    guard salon_vips_webpsave(image, temporary, 75) == 0 else {
      unlink(temporary)
      throw animationError()
    }
    guard let data = FileManager.default.contents(atPath: temporary), let clean = WebPMetadata.stripped(Array(data)),
      (try? Data(clean).write(to: URL(fileURLWithPath: temporary))) != nil, rename(temporary, destination) == 0
    else {
      unlink(temporary)
      throw ImagingError(message: "cannot write \(destination)")
    }
    var pageHeight = vips_image_get_page_height(image)
    if pageHeight <= 0 { pageHeight = vips_image_get_height(image) }
    return (Int(vips_image_get_width(image)), Int(pageHeight))
  }
}
