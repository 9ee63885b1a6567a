import Foundation
import Testing

@testable import Ingest

/// The form's rows are matched through dictionaries; they must pick exactly the rows the plain
/// scan of every row picked.
@Suite struct FormMatchingTests {
  /// The matching as it was: a scan of every row for each zip.
  static func scanned(_ form: FormExport, _ zipName: String) -> Int? {
    let byFile = form.rows.filter { FormExport.row($0, names: zipName) }
    if byFile.count == 1 { return byFile[0].line }
    let lower = zipName.lowercased()
    let stem = lower.hasSuffix(".zip") ? String(lower.dropLast(4)) : lower
    let byID = form.rows.filter { $0.values[.id]?.lowercased() == stem }
    if byID.count == 1 { return byID[0].line }
    let numbers = Set(stem.split(whereSeparator: { !$0.isNumber }).map { String($0.drop(while: { $0 == "0" })) })
    let byNumber = form.rows.filter { row in
      guard let id = row.values[.id], id.allSatisfy(\.isNumber) else { return false }
      return numbers.contains(String(id.drop(while: { $0 == "0" })))
    }
    return byNumber.count == 1 ? byNumber[0].line : nil
  }

  @Test func dictionaryMatchingPicksTheSameRowsAsTheScan() throws {
    var csv = "id,file,title\n"
    let ids = ["1", "01", "2", "007", "12", "12", "A7", "a7", "S01", "Ünïcode", "3", "300", "x", ""]
    let files = [
      "", "one.zip", "Two", "dir/three.ZIP", "three.zip", "", "seven", "SEVEN.zip", "s01_v2.zip", "", "folder/",
      "/", "4.zip", "4",
    ]
    for (n, id) in ids.enumerated() { csv += "\(id),\(files[n]),Work \(n)\n" }
    let form = try FormExport.parse(Data(csv.utf8))
    let zips = [
      "1.zip", "01.zip", "001.ZIP", "one.zip", "ONE.zip", "one", "two.zip", "Two.zip", "three.zip", "3.zip",
      "12.zip", "a7.zip", "A7.zip", "seven.zip", "s01_v2.zip", "S01.zip", "ünïcode.zip", "Ünïcode.zip", "folder.zip",
      "300.zip", "0300.zip", "x.zip", "4.zip", "4", "entry 2 of 12.zip", "no-digits.zip", "7.zip", "2-and-300.zip",
      ".zip", "",
    ]
    var matched = 0
    for zip in zips {
      let expected = Self.scanned(form, zip)
      #expect(form.row(forZipNamed: zip)?.line == expected, "\(zip)")
      if expected != nil { matched += 1 }
    }
    #expect(matched > 10, "the fixture exercises matches, not only misses")
  }

  @Test func rowsReplacedAfterParsingAreMatchedToo() throws {
    var form = try FormExport.parse(Data("id,title\n1,One\n".utf8))
    form.rows.append(FormExport.Row(line: 9, values: [.id: "42", .title: "Added"]))
    #expect(form.row(forZipNamed: "42.zip")?.line == 9)
    #expect(form.row(forZipNamed: "1.zip")?.line == 2)
  }
}
