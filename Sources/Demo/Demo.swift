import Basics
import Catalog
import Export
import Foundation
import Imaging
import Ingest
import Jury
import SampleContent
import Zip

/// `salon demo`: a complete call, made from content generated on the spot, from zips to the
/// published gallery, through every stage and every way of scoring.
package struct Demo {
  package let output: URL
  let say: (String) -> Void
  let cancellation: Cancellation
  static let marker = ".salon-demo"

  /// `cancellation` stops the ingest step (Ctrl-C), as it stops `salon ingest`.
  package init(output: URL, cancellation: Cancellation = .never, say: @escaping (String) -> Void) {
    self.output = output
    self.cancellation = cancellation
    self.say = say
  }

  package struct Result {
    package var gallery: URL
    package var archive: URL
    package var announcement: URL
  }

  package func run() throws -> Result {
    try prepareFolder()
    let archiveURL = output.appendingPathComponent("archive")
    let zips = output.appendingPathComponent("submissions")
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)

    say("1. Creating the archive and the 2026 edition of the call…")
    let archive = try SalonArchive.open(at: archiveURL.path, create: true)
    var new = NewExhibition(title: "Creative AI Salon", year: 2026)
    new.description = """
      The Creative AI Salon is an annual call for creative work made with or without AI: visual art, writing, \
      music, film, games, mathematics and performance.

      Works are judged on artistic merit and thematic relevance; original work is prioritised. One prize of up \
      to 200 USD is awarded by the jury.
      """
    let exhibition = try archive.createExhibition(new)

    say("2. Generating submissions as artists send them (names drift from the convention, one zip is hostile)…")
    let formPath = try writeSubmissions(to: zips)

    say("3. Ingesting the zips with the portal's form export…")
    let form = try FormExport.load(path: formPath)
    let ingester = Ingester(archive: archive, exhibition: exhibition, form: form, cancellation: cancellation)
    var reports: [SubmissionReport] = []
    for path in try Ingester.zipPaths([zips.path]) {
      let report = try ingester.ingest(zipAt: path)
      reports.append(report)
      let summary =
        report.status == .accepted
        ? "accepted\(report.warnings.isEmpty ? "" : " with \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s")")"
        : "REJECTED (\(report.problems.map(\.code).joined(separator: ", ")))"
      say("   \(report.id.padding(toLength: 4, withPad: " ", startingAt: 0)) \(report.zip): \(summary)")
    }

    say("4. Selecting the accepted works for the programme…")
    for report in reports where report.status == .accepted {
      try archive.decide(
        exhibition: exhibition, id: report.id, selected: true, note: "Selected by the programme committee")
    }

    say("5. A jury of three scores: one at the command line, one with the CSV sheet, one with the HTML sheet…")
    let jury = Jury(archive: archive, exhibition: exhibition)
    let ada = try jury.addJuror(name: "Ada Okafor", email: "ada@jury.example")
    let bruno = try jury.addJuror(name: "Bruno Salas", email: "bruno@jury.example")
    let chen = try jury.addJuror(name: "Chen Wei", email: "chen@jury.example")
    _ = try jury.assign(perWork: nil, seed: 2026)
    let merit: [String: (Int, Int, Int)] = [
      "101": (9, 8, 9), "102": (7, 7, 8), "103": (8, 9, 8), "104": (6, 6, 7), "105": (7, 8, 6), "106": (8, 7, 9),
      "107": (5, 6, 6), "108": (9, 9, 8),
    ]
    func scores(_ id: String, _ juror: Int) -> [String: Int] {
      guard let m = merit[id] else { return ["merit": 5, "relevance": 5] }
      let value = [m.0, m.1, m.2][juror]
      return ["merit": value, "relevance": max(1, min(10, value - 1 + (Int(id) ?? 0) % 3))]
    }
    // Ada, at the organiser's machine.
    let adaEntries = try jury.assignedWorks(ada).map { work in
      (
        place: "command line",
        entry: ScoreEntry(juror: ada.id, submission: work.id, values: scores(work.id, 0), comment: nil)
      )
    }
    _ = try jury.apply(adaEntries, source: .commandLine)
    // Bruno fills the CSV sheet in a spreadsheet.
    let sheets = output.appendingPathComponent("sheets")
    try FileManager.default.createDirectory(at: sheets, withIntermediateDirectories: true)
    let csv = try jury.csvSheet(for: bruno)
    try Data(csv.utf8).write(to: sheets.appendingPathComponent("bruno-salas.csv"))
    let filledCSV = fillCSVSheet(csv) { scores($0, 1) }
    let csvPath = sheets.appendingPathComponent("bruno-salas-filled.csv")
    try Data(filledCSV.utf8).write(to: csvPath)
    _ = try jury.importSheet(Data(filledCSV.utf8), name: csvPath.lastPathComponent)
    // Chen fills the offline HTML page; its Save button writes the page back with the scores.
    let html = try jury.htmlSheet(for: chen, showArtists: false) { SheetPreview.dataURI(for: $0, archive: archive) }
    try Data(html.utf8).write(to: sheets.appendingPathComponent("chen-wei.html"))
    let filledHTML = try fillHTMLSheet(html) { scores($0, 2) }
    let htmlPath = sheets.appendingPathComponent("chen-wei-filled.html")
    try Data(filledHTML.utf8).write(to: htmlPath)
    _ = try jury.importSheet(Data(filledHTML.utf8), name: htmlPath.lastPathComponent)

    say("6. Standings, the award and the announcement…")
    let standings = try jury.standings(by: .normalized)
    for line in standings.standings.prefix(4) {
      say(
        String(
          format: "   #%d  %@  raw %.2f  normalised %.2f", line.rank ?? 0, line.title, line.raw ?? 0,
          line.normalized ?? 0))
    }
    let top = standings.standings.filter { $0.rank == 1 }.map(\.id)
    try jury.award(top, amount: nil, note: "For a work that makes the sea remember, and lets us listen.", force: false)
    if let runnerUp = standings.standings.first(where: { $0.rank != 1 }) {
      try jury.mention(runnerUp.id, note: "For its playful machines")
    }
    let announcement = output.appendingPathComponent("announcement.md")
    try Data(try jury.announcement(format: .md).utf8).write(to: announcement)

    say("7. Exporting the gallery…")
    let gallery = output.appendingPathComponent("gallery")
    let report = try Exporter(archive: archive, theme: try Theme(override: nil)).export(to: gallery, clean: false)
    for item in report.leftOut { say("   left out \(item.id) \(item.title): \(item.reasons.joined(separator: "; "))") }
    for failure in report.failures { say("   could not publish \(failure.id) \(failure.file): \(failure.message)") }
    let fixity = try archive.verify(quick: false)
    say("8. Verified \(fixity.checked) stored files: \(fixity.ok ? "all match the catalog" : "PROBLEMS FOUND").")
    return Result(gallery: gallery, archive: archiveURL, announcement: announcement)
  }

  /// A new folder, or one an earlier demo made (started afresh); never someone else's.
  func prepareFolder() throws {
    let fileManager = FileManager.default
    if fileManager.fileExists(atPath: output.path) {
      let contents = try fileManager.contentsOfDirectory(atPath: output.path)
      if !contents.isEmpty {
        guard contents.contains(Self.marker) else {
          throw CatalogError.storage(
            "\(output.path) is not empty and is not an earlier demo; choose another folder with -o.")
        }
        try fileManager.removeItem(at: output)
      }
    }
    try fileManager.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("salon demo\n".utf8).write(to: output.appendingPathComponent(Self.marker))
  }

  func fillCSVSheet(_ csv: String, scores: (String) -> [String: Int]) -> String {
    var lines = csv.split(whereSeparator: \.isNewline).map(String.init)
    // Columns by their header, as a juror's spreadsheet finds them.
    let header = lines.first?.split(separator: ",").map(String.init) ?? []
    guard let merit = header.firstIndex(where: { $0.hasPrefix("merit") }),
      let relevance = header.firstIndex(where: { $0.hasPrefix("relevance") })
    else { return csv }
    for index in lines.indices.dropFirst() {
      var cells = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard cells.count == header.count else { continue }
      let values = scores(cells[2])
      cells[merit] = String(values["merit"] ?? 5)
      cells[relevance] = String(values["relevance"] ?? 5)
      lines[index] = cells.joined(separator: ",")
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  func fillHTMLSheet(_ html: String, scores: (String) -> [String: Int]) throws -> String {
    guard let start = html.range(of: "id=\"salon-sheet-data\">"),
      let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex)
    else { return html }
    let json = String(html[start.upperBound..<end.lowerBound])
    guard var data = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
      var works = data["works"] as? [[String: Any]]
    else { return html }
    for index in works.indices {
      let id = works[index]["id"] as? String ?? ""
      works[index]["scores"] = scores(id)
      works[index]["comment"] = index == 0 ? "Moving; I returned to it twice." : ""
    }
    data["works"] = works
    let filled = String(
      decoding: try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]), as: UTF8.self)
    return html.replacingCharacters(in: start.upperBound..<end.lowerBound, with: HTMLText.scriptSafeJSON(filled))
  }
}
