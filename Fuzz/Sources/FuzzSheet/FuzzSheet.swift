import CFuzzerDriver
import Catalog
import Foundation
import Ingest
import Jury

/// The scoring-sheet importer (CSV and HTML) on arbitrary bytes, against an archive with a jury.
// libFuzzer calls the entry point from one thread only, so this shared value is never raced.
nonisolated(unsafe) let jury: Jury = {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salon-fuzz-sheet-\(getpid())")
  try? FileManager.default.removeItem(at: folder)
  let archive = try! SalonArchive.open(at: folder.path, create: true)
  let exhibition = try! archive.createExhibition(NewExhibition(title: "Fuzz", year: 2026))
  var verdict = Verdict()
  verdict.files = []
  for id in ["1", "2", "3"] {
    let zip = try! archive.makeTemporaryFile()
    try! Array("zip \(id)".utf8).withUnsafeBytes { try zip.write($0) }
    let kept = try! archive.keep([zip])[0]
    _ = try! archive.recordVersion(
      exhibition: exhibition, key: id, zipName: "\(id).zip", zip: kept, verdict: verdict, declarations: nil)
  }
  let jury = Jury(archive: archive, exhibition: exhibition)
  try! jury.addJuror(name: "Ann", email: nil)
  try! jury.addJuror(name: "Ben", email: nil)
  _ = try! jury.assign(perWork: nil, seed: 1)
  return jury
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  _ = try? jury.importSheet(Data(bytes: data, count: size), name: "fuzz.csv")
  return 0
}

// SwiftPM links every executable with main = <target>_main; it hands over to libFuzzer.
@_cdecl("FuzzSheet_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
