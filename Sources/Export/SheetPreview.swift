import Catalog
import Foundation
import Imaging
import MediaTools

/// The small preview a scoring sheet shows for a work: its main image, else a PDF's first page,
/// re-encoded by libvips (metadata stripped) and embedded so the sheet works offline. A PDF is
/// rendered by poppler's `pdftoppm` in the media sandbox, as the export renders its pages;
/// libvips only reads the PNG it writes.
package enum SheetPreview {
  /// One preview page is small work: a PDF that makes poppler spin is stopped in seconds and the
  /// sheet shows no picture for it.
  package static let defaultLimits = SandboxLimits(
    wallSeconds: 60, cpuSeconds: 20, memoryBytes: 1 << 30, fileBytes: 64 << 20)

  package static func dataURI(
    for work: Work, archive: SalonArchive, limits: SandboxLimits = defaultLimits,
    isCancelled: @escaping @Sendable () -> Bool = { false }
  ) -> String? {
    let candidates = work.files.filter { $0.role == .main || $0.role == .supplementary }
    guard
      let file = candidates.first(where: { $0.type.hasPrefix("image/") })
        ?? candidates.first(where: { $0.type == "application/pdf" })
    else { return nil }
    let path = archive.storedFileURL(sha256: file.sha256).path
    let bytes =
      file.type == "application/pdf"
      ? firstPage(of: path, sandbox: Sandbox(limits: limits, isCancelled: isCancelled), in: archive.temporaryRoot)
      : try? Imaging.jpegPreview(of: path, width: width, maxPixels: 200_000_000)
    return bytes.map { "data:image/jpeg;base64," + Data($0).base64EncodedString() }
  }

  static let width = 320

  /// A PDF's first page as a small JPEG, or nil when poppler cannot render it within the limits.
  static func firstPage(of path: String, sandbox: Sandbox, in parent: URL) -> [UInt8]? {
    try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    guard let folder = try? PrivateFolder(in: parent.path, prefix: "sheet-preview-"),
      // 72 dpi gives an A4 page about 600 px wide: enough for a 320 px preview.
      (try? sandbox.run(PDFPages(maxPages: 1, dpi: 72), input: path, folder: folder.path)) != nil,
      let page = PDFPages.pages(in: folder.path).first
    else { return nil }
    return try? Imaging.jpegPreview(of: page, width: width, maxPixels: 100_000_000)
  }
}
