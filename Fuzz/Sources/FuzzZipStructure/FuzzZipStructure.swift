import CFuzzerDriver
import Catalog
import Foundation
import Ingest

/// Ingest's zip checks on arbitrary bytes: structure, central directory, names, formats, roles.
/// Nothing is recorded; temporary files are discarded after each input.
// libFuzzer calls the entry point from one thread only, so this shared value is never raced.
nonisolated(unsafe) let ingester: Ingester = {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salon-fuzz-zip-\(getpid())")
  let archive = try! SalonArchive.open(at: folder.path, create: true)
  var limits = Limits()
  limits.maxUnpackedBytes = 8 << 20
  limits.maxEntries = 64
  var new = NewExhibition(title: "Fuzz", year: 2026)
  new.limits = limits
  let exhibition = (try? archive.exhibition(slug: nil)) ?? (try! archive.createExhibition(new))
  return Ingester(archive: archive, exhibition: exhibition, form: nil)
}()
let input = FileManager.default.temporaryDirectory.appendingPathComponent("salon-fuzz-input-\(getpid()).zip")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  FileManager.default.createFile(atPath: input.path, contents: Data(bytes: data, count: size))
  let verdict = try! ingester.check(zipAt: input.path)
  // Every rejection carries a code and a sentence.
  for problem in verdict.problems { precondition(!problem.code.isEmpty && !problem.message.isEmpty) }
  return 0
}

// SwiftPM links every executable with main = <target>_main; it hands over to libFuzzer.
@_cdecl("FuzzZipStructure_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
