import CFuzzerDriver
import Foundation

@testable import Ingest

/// Ingest's header readers (pixel size, duration, pages) and format detection on arbitrary bytes.
/// Every reader runs on every input, so a hostile number in any header reaches its arithmetic;
/// the input's lines are also read as file names, for the roles and their numbers.
let input = FileManager.default.temporaryDirectory.appendingPathComponent("salon-fuzz-media-\(getpid())")
let readers: [DetectedType] = [
  "image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff", "image/bmp", "audio/wav", "audio/flac",
  "video/mp4", "video/quicktime", "application/pdf",
].map { DetectedType(mediaType: $0, family: .unknown) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  FileManager.default.createFile(atPath: input.path, contents: Data(bytes))
  let detected = FileTypeDetector.detect(head: Array(bytes.prefix(FileTypeDetector.headLength)), fileExtension: "")
  guard let file = RandomAccessFile(path: input.path) else { return 0 }
  for type in readers + [detected] {
    let properties = try! MediaInspector.properties(of: file, type: type, cancellation: .never)
    if let width = properties.width, let height = properties.height {
      precondition(width >= 0 && height >= 0)
    }
    if let duration = properties.duration { _ = seconds(duration) }
  }
  let names = String(decoding: bytes.prefix(4096), as: UTF8.self).split(separator: "\n").prefix(64)
  _ = RoleInference.assign(names.map { RoleInference.Candidate(path: String($0), family: .image) })
  return 0
}

// SwiftPM links every executable with main = <target>_main; it hands over to libFuzzer.
@_cdecl("FuzzMediaHeaders_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
