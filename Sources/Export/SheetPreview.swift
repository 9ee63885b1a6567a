import Catalog
import Foundation
import Imaging

/// The small preview a scoring sheet shows for a work: its main image, else a PDF's first page,
/// re-encoded by libvips (metadata stripped) and embedded so the sheet works offline.
public enum SheetPreview {
  public static func dataURI(for work: Work, archive: SalonArchive) -> String? {
    let candidates = work.files.filter { $0.role == .main || $0.role == .supplementary }
    guard
      let file = candidates.first(where: { $0.type.hasPrefix("image/") })
        ?? candidates.first(where: { $0.type == "application/pdf" }),
      let bytes = try? Imaging.jpegPreview(
        of: archive.storedFileURL(sha256: file.sha256).path, width: 320, maxPixels: 200_000_000,
        isPDF: file.type == "application/pdf")
    else { return nil }
    return "data:image/jpeg;base64," + Data(bytes).base64EncodedString()
  }
}
