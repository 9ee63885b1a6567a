import Foundation
import Testing

/// The text forms of the read commands stream their rows as the JSON forms do (so they stay
/// linear on a call of 100,000): each must list the same rows, in the same order, as `--json`.
@Suite struct ListingFormsTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "\(arguments.joined(separator: " ")): \(run.stderr)")
    return run
  }

  /// Works 1, 2, 10 and a long id accepted (natural order puts 10 after 2), 3 rejected; 1 and 2 selected.
  func receive() throws {
    _ = try salon("init", "--title", "Salon")
    for id in ["1", "2", "10", "a-longer-id-7"] { scratch.zip("in/\(id).zip", Parts.valid("w\(id)")) }
    scratch.zip("in/3.zip", [("w3_main.png", Parts.image)])
    let form = scratch.write(
      "form.csv",
      "id,title,rights,authorship\n1,One,yes,yes\n2,Two words,yes,yes\n3,Three,yes,yes\n10,Ten,yes,yes\na-longer-id-7,Long,yes,yes\n"
    )
    _ = try salon("ingest", scratch.path("in"), "--form", form)
    _ = try salon("submissions", "decide", "1", "2", "selected")
  }

  @Test func submissionsListTextHasTheRowsOfTheJSON() throws {
    try receive()
    let json = try Binary.json(try salon("submissions", "list", "--json")) as! [[String: Any]]
    let lines = try salon("submissions", "list").stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("ID") == true)
    // Columns are separated by at least two spaces; a title may hold single spaces.
    let rows = lines.dropFirst().dropLast().map {
      $0.replacingOccurrences(of: " {2,}", with: "\t", options: .regularExpression).split(separator: "\t").map(
        String.init)
    }
    #expect(rows.map { $0[0] } == json.map { $0["id"] as! String })
    #expect(rows.map { $0[1] } == json.map { $0["status"] as! String })
    #expect(rows.map { $0[4] } == json.map { $0["decision"] as? String ?? "-" })
    #expect(
      rows.map { $0[5] }
        == json.map { (($0["declarations"] as? [String: Any])?["title"] as? String) ?? "(no title declared)" })
    // Every row's columns line up under the header, whatever the length of its id.
    let statusColumn = lines[0].range(of: "STATUS")!.lowerBound.utf16Offset(in: lines[0])
    for line in lines.dropFirst().dropLast() {
      #expect(line.utf16.count > statusColumn)
      #expect(Array(line.utf16)[statusColumn - 1] == UInt16(UInt8(ascii: " ")))
    }
    let accepted = json.filter { $0["status"] as? String == "accepted" }.count
    #expect(lines.last == "\(json.count) submissions: \(accepted) accepted, \(json.count - accepted) rejected.")
  }

  @Test func anEmptyFilteredListSaysSoInBothForms() throws {
    try receive()
    let text = try salon("submissions", "list", "--provenance", "contradiction").stdout
    #expect(text == "No submission's provenance is contradiction in Salon.\n")
    let json = try Binary.json(try salon("submissions", "list", "--provenance", "contradiction", "--json"))
    #expect((json as? [Any])?.isEmpty == true)
  }

  @Test func standingsTextHasTheRowsOfTheJSON() throws {
    try receive()
    _ = try salon("jury", "add", "Ann")
    _ = try salon("jury", "add", "Ben")
    _ = try salon("jury", "assign")
    for (juror, id, merit) in [("ann", "1", "7"), ("ben", "1", "5"), ("ann", "2", "9"), ("ben", "2", "8")] {
      _ = try salon("jury", "score", juror, id, "--merit", merit, "--relevance", "6")
    }
    let json = try Binary.json(try salon("prize", "standings", "--json")) as! [String: Any]
    let ids = (json["standings"] as! [[String: Any]]).map { $0["id"] as! String }
    let text = try salon("prize", "standings").stdout.split(separator: "\n").map(String.init)
    let header = text.firstIndex { $0.hasPrefix("RANK") }!
    let rows = text[(header + 1)...].prefix(ids.count).map {
      $0.split(separator: " ", omittingEmptySubsequences: true)[1]
    }
    // The text form shows the first ten characters of an id.
    #expect(rows.map(String.init) == ids.map { String($0.prefix(10)) })
  }
}
