import Foundation

/// A picture another machine made (`salon cache import`), decoded wholly by the worker and
/// stripped of every metadata block (WebP's EXIF, XMP and ICC chunks; JPEG's APP1–APP15 and
/// comments), written as `checked` in the job's folder. Stripping is lossless and leaves a file
/// without metadata byte for byte as it was, so an honest node's pictures enter the cache
/// unchanged and the site is the one this machine would have made.
package struct DerivativeCheck: ImageJob {
  package typealias Result = ImageSize
  package static let name = "derivative-check"
  package static let output = "checked"
  package var maxPixels: Int
  package init(maxPixels: Int) { self.maxPixels = maxPixels }
  package var options: [String: String] { ["max-pixels": String(maxPixels)] }
  package init(options: [String: String]) throws { maxPixels = try ImageWorker.number("max-pixels", in: options) }
}
