import Catalog
import Foundation
import MediaTools

/// The small preview a scoring sheet shows for a work: its main image, else a PDF's first page,
/// re-encoded by libvips (metadata stripped) and embedded so the sheet works offline. Both run in
/// the media sandbox, as the export's do: poppler's `pdftoppm` renders a PDF's page, and libvips
/// (in `salon media-worker`) reads the image or that page and writes the JPEG.
package enum SheetPreview {
  /// One preview is small work: a file that makes a decoder spin is stopped in seconds and the
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
    let sandbox = Sandbox(limits: limits, isCancelled: isCancelled)
    let parent = archive.temporaryRoot
    // A file stored inside its zip is unpacked for the tools, and removed after.
    let bytes = try? archive.storedFile(sha256: file.sha256).withPath { path in
      file.type == "application/pdf"
        ? firstPage(of: path, sandbox: sandbox, in: parent)
        : preview(of: path, maxPixels: 200_000_000, sandbox: sandbox, in: parent)
    }
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
    return preview(of: page, maxPixels: 100_000_000, sandbox: sandbox, in: parent)
  }

  /// The image at `path` as a small JPEG made by the worker, or nil when it cannot be.
  static func preview(of path: String, maxPixels: Int, sandbox: Sandbox, in parent: URL) -> [UInt8]? {
    try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    guard let folder = try? PrivateFolder(in: parent.path, prefix: "sheet-preview-"),
      (try? sandbox.run(JPEGPreview(width: width, maxPixels: maxPixels), input: path, folder: folder.path)) != nil
    else { return nil }
    return jpeg(at: folder.file(JPEGPreview.output))
  }

  /// The worker's JPEG, read without following a link and only if it is one (a few megabytes
  /// at most): it goes into a sheet as it is.
  static func jpeg(at path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
      let data = try? handle.read(upToCount: 8 << 20), data.count < 8 << 20, data.starts(with: [0xFF, 0xD8, 0xFF])
    else { return nil }
    return Array(data)
  }
}
