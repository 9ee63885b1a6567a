import CFuzzerDriver
import Foundation

@testable import Ingest

/// Format detection and the header reads ingest still does itself (an image's pixel size, a
/// pre-check before decoding) on arbitrary bytes; everything else is read by real decoders. The input's
/// lines are also read as file names, for the roles and their numbers.
let input = FileManager.default.temporaryDirectory.appendingPathComponent("salon-fuzz-filetype-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  FileManager.default.createFile(atPath: input.path, contents: Data(bytes))
  let head = Array(bytes.prefix(FileTypeDetector.headLength))
  for ext in ["", "pdf", "svg", "mp4", "png", "ts"] {
    let detected = FileTypeDetector.detect(head: head, fileExtension: ext)
    // Markup is never taken for a PDF, whatever it carries.
    if detected.family == .pdf { precondition(!head.starts(with: Array("<".utf8))) }
  }
  guard let file = RandomAccessFile(path: input.path) else { return 0 }
  for type in ["image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff", "image/bmp"] {
    let properties = try! MediaInspector.pixelSize(
      of: file, type: DetectedType(mediaType: type, family: .image), cancellation: .never)
    if let width = properties.width, let height = properties.height { precondition(width >= 0 && height >= 0) }
  }
  let names = String(decoding: bytes.prefix(4096), as: UTF8.self).split(separator: "\n").prefix(64)
  _ = RoleInference.assign(names.map { RoleInference.Candidate(path: String($0), family: .image) })
  return 0
}

// SwiftPM links every executable with main = <target>_main; it hands over to libFuzzer.
@_cdecl("FuzzFileType_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
