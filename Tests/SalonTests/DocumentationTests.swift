import Foundation
import Testing

@testable import Export
@testable import Ingest

/// The README documents every stable code, and the demo it promises works.
@Suite struct DocumentationTests {
  /// A file of the repository's documentation, by its path from the top ("README.md", "docs/jury.md").
  static func document(_ path: String) -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(path)
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  }
  static var readme: String { document("README.md") }
  /// Where the problem codes and the export failures are documented.
  static var codes: String { document("docs/submissions.md") }

  @Test func theDocsHaveATableRowForEveryProblemAndWarningCode() {
    let readme = Self.codes
    for code in ProblemCode.allCases.map(\.rawValue) + WarningCode.allCases.map(\.rawValue) {
      #expect(readme.contains("| `\(code)` |"), "docs/submissions.md documents \(code)")
    }
  }

  @Test func theDocsHaveATableRowForEveryExportFailureCode() throws {
    let readme = Self.codes
    let start = try #require(
      readme.range(of: "| export failure code |"), "docs/submissions.md has the export failure table")
    let table = String(readme[start.upperBound...]).components(separatedBy: "\n\n").first ?? ""
    for code in ExportFailureCode.allCases.map(\.rawValue) {
      #expect(table.contains("| `\(code)` |"), "the export failure table documents \(code)")
    }
  }

  @Test func everyDocumentTheReadmeLinksToExists() {
    let readme = Self.readme
    let links = readme.components(separatedBy: "](docs/").dropFirst().compactMap { $0.split(separator: ")").first }
    #expect(links.count >= 6)
    for link in links { #expect(!Self.document("docs/" + link).isEmpty, "docs/\(link) exists") }
  }

  @Test func theReadmesFirstScreenHasTheTwoCommands() {
    let firstScreen = Self.readme.split(separator: "\n").prefix(25).joined(separator: "\n")
    #expect(firstScreen.contains("make demo"))
    #expect(firstScreen.contains("make test"))
  }
}

@Suite(.serialized) struct DemoTests {
  @Test func theDemoBuildsAWholeCallAndItsGallery() throws {
    let scratch = Scratch()
    let output = scratch.path("demo")
    let run = try Binary.run(["demo", "-o", output])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("109.zip: REJECTED"), "the hostile zip is rejected")
    #expect(run.stdout.contains("left out 107 Unlicensed Dreams: the artist did not grant the rights to publish it"))
    #expect(run.stdout.contains("all match the catalog"))
    #expect(FileManager.default.fileExists(atPath: output + "/gallery/index.html"))
    #expect(!run.stdout.contains("could not publish"), "\(run.stdout)")
    // Every card shows a picture (a poster for the film, a waveform for the music, a page for the
    // PDF) or, for the poem, its opening lines.
    let galleryFiles = GalleryFixture.files(in: output + "/gallery")
    let exhibition = try #require(galleryFiles.first { $0.key.hasSuffix("/index.html") && $0.key.contains("/") }?.value)
    let cards = String(decoding: exhibition, as: UTF8.self).components(separatedBy: #"<li class="card""#).dropFirst()
    #expect(cards.count == 7)
    for card in cards {
      #expect(
        card.contains("<picture>") || card.contains(#"<span class="text-card-lines">Seven Small Hours"#),
        "a picture or words on \(card.prefix(200))")
    }
    #expect(galleryFiles.keys.contains { $0.hasSuffix(".m4a") } && galleryFiles.keys.contains { $0.hasSuffix(".mp4") })
    #expect(FileManager.default.fileExists(atPath: output + "/sheets/chen-wei-filled.html"))
    let announcement = try String(contentsOfFile: output + "/announcement.md", encoding: .utf8)
    #expect(announcement.contains("200 USD") || announcement.contains("100 USD"))
    let progress = try Binary.run(["jury", "progress", "--json", "--archive", output + "/archive"])
    let json = try JSONSerialization.jsonObject(with: Data(progress.stdout.utf8)) as! [String: Any]
    for juror in json["jurors"] as! [[String: Any]] { #expect(juror["scored"] as? Int == juror["assigned"] as? Int) }
    let sources = try Binary.run(["prize", "export-scores", "--format", "json", "--archive", output + "/archive"])
      .stdout
    for source in ["command-line", "csv-sheet", "html-sheet"] {
      #expect(sources.contains("\"source\" : \"\(source)\""))
    }
    // Running it again starts afresh; it never touches a folder it did not make.
    #expect(try Binary.run(["demo", "-o", output]).status == 0)
    scratch.write("mine/keep.txt", "mine")
    #expect(try Binary.run(["demo", "-o", scratch.path("mine")]).status == 1)
  }
}
