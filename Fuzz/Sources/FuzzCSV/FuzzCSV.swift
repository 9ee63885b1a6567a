import Basics
import CFuzzerDriver
import Catalog
import Foundation
import Ingest

/// The form export reader: RFC 4180 parsing, header matching and declarations on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let bytes = Data(bytes: data, count: size)
  if let form = try? FormExport.parse(bytes) {
    for row in form.rows {
      _ = FormExport.declarations(from: row)
      precondition(row.line >= 2)
    }
    _ = form.row(forZipNamed: "24.zip")
  }
  if let records = try? CSVReader.records(from: bytes) {
    precondition(records.allSatisfy { $0.line >= 1 })
  }
  return 0
}

// SwiftPM links every executable with main = <target>_main; it hands over to libFuzzer.
@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
