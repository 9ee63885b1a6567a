import Foundation
import Testing

@testable import Export
@testable import Ingest

/// The README documents every stable code, and the demo it promises works.
@Suite struct DocumentationTests {
  static var readme: String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("README.md")
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  }

  @Test func theReadmeHasATableRowForEveryProblemAndWarningCode() {
    let readme = Self.readme
    for code in ProblemCode.allCases.map(\.rawValue) + WarningCode.allCases.map(\.rawValue) {
      #expect(readme.contains("| `\(code)` |"), "README documents \(code)")
    }
  }

  @Test func theReadmeHasATableRowForEveryExportFailureCode() throws {
    let readme = Self.readme
    let start = try #require(readme.range(of: "| export failure code |"), "README has the export failure table")
    let table = String(readme[start.upperBound...]).components(separatedBy: "\n\n").first ?? ""
    for code in ExportFailureCode.allCases.map(\.rawValue) {
      #expect(table.contains("| `\(code)` |"), "the export failure table documents \(code)")
    }
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
    // Every card shows a picture: a poster for the film, a waveform for the music, a page for the PDF.
    let galleryFiles = GalleryFixture.files(in: output + "/gallery")
    let exhibition = try #require(galleryFiles.first { $0.key.hasSuffix("/index.html") && $0.key.contains("/") }?.value)
    let cards = String(decoding: exhibition, as: UTF8.self).components(separatedBy: #"<li class="card""#).dropFirst()
    #expect(cards.count == 7)
    for card in cards { #expect(card.contains("<picture>"), "a picture on \(card.prefix(200))") }
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
