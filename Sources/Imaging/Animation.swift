import Basics
import CVips
import Foundation

/// Animated images kept animated: every frame through libvips' trusted loaders (GIF, WebP),
/// fitted and re-encoded as an animated WebP with nothing but its frames and timing.
extension Imaging {
  /// libvips' words for the call that has just failed, taken and cleared in one step.
  private static func animationFailureDetail() -> String {
    guard let copy = vips_error_buffer_copy() else { return "" }
    defer { g_free(copy) }
    return String(cString: copy).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Frames in the file, from its header: 1 for a still image.
  package static func frameCount(of path: String) throws -> Int {
    _ = try size(of: path)  // starts libvips and checks the header
    var pages: Int32 = 0
    guard salon_vips_pages(path, &pages) == 0 else {
      throw ImagingError.unreadable(detail: animationFailureDetail())
    }
    return max(1, Int(pages))
  }

  /// Writes an animated WebP of every frame of `source`, longest side at most `maxSide` (never
  /// upscaled), to a temporary name renamed to `destination`. Returns the frame size.
  package static func animatedWebP(of source: String, maxSide: Int, maxPixels: Int, to destination: String) throws
    -> (width: Int, height: Int)
  {
    let (width, height) = try size(of: source)
    let frames = try frameCount(of: source)
    // Every frame is decoded: the limit is on the pixels of all frames together.
    let (area, areaOverflow) = width.multipliedReportingOverflow(by: height)
    let (pixels, overflow) = area.multipliedReportingOverflow(by: frames)
    guard !areaOverflow, !overflow, pixels <= maxPixels else {
      throw ImagingError.tooLarge(width: width, height: height, limitMegapixels: maxPixels / 1_000_000)
    }
    let side = Int32(min(max(maxSide, 16), 16_384))
    var loaded: UnsafeMutablePointer<VipsImage>?
    guard salon_vips_thumbnail(source + "[n=-1]", &loaded, side, side) == 0, let image = loaded else {
      throw ImagingError.unreadable(detail: animationFailureDetail())
    }
    defer { g_object_unref(image) }
    salon_vips_keep_only_animation(image)
    let temporary = AtomicFile.temporaryPath(for: destination)
    guard salon_vips_webpsave(image, temporary, 75, 2) == 0 else {
      let detail = animationFailureDetail()
      unlink(temporary)
      throw ImagingError.cannotSave(path: destination, detail: detail)
    }
    guard let data = FileManager.default.contents(atPath: temporary), let clean = WebPMetadata.stripped(Array(data)),
      (try? Data(clean).write(to: URL(fileURLWithPath: temporary))) != nil
    else {
      unlink(temporary)
      throw ImagingError.cannotRemoveMetadata(path: destination)
    }
    guard rename(temporary, destination) == 0 else {
      let detail = String(cString: strerror(errno))
      unlink(temporary)
      throw ImagingError.cannotSave(path: destination, detail: detail)
    }
    var pageHeight = vips_image_get_page_height(image)
    if pageHeight <= 0 { pageHeight = vips_image_get_height(image) }
    return (Int(vips_image_get_width(image)), Int(pageHeight))
  }
}
