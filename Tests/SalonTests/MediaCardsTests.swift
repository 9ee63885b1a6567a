import Foundation
import SQLite
import SampleContent
import Testing

@testable import MediaTools

/// An exhibition of a tagged MP3 and three texts, ingested and exported by the real binary: the
/// audio card's waveform and the text cards' opening lines.
struct CardsCall {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var site: String { scratch.path("site") }
  var catalog: String { archive + "/salon.sqlite" }

  /// The poem of work 2: a script, an ampersand, a right-to-left override, Windows line ends,
  /// tabs and runs of spaces and blank lines, and more lines than a card shows.
  static let poem =
    "\u{FEFF}\r\n\r\nThe tide <script>window.__salonPlanted=1</script> & the   moon\r\n\t\tover the salt flats,\r\n\r\n\r\n"
    + "and the gulls \u{202E}argue\u{202C} with the wind.\r\n"
    + (1...30).map { "Line \($0) of the long second stanza" }.joined(separator: "\r\n") + "\r\nLASTWORDS\r\n"
  /// Words of the description PDF, which no card may show.
  static let descriptionTitle = "Ada Nightingale was born by the sea"

  /// Works: 1 an MP3 with private tags; 2 the poem (and a supplementary note); 3 a text whose facts are removed after
  /// ingest (as for an archive ingested before Salon read opening lines); 4 a text of blank
  /// lines only.
  static func make() throws -> CardsCall {
    let call = CardsCall()
    #expect(try Binary.run(["init", "--title", "Card Salon", "--year", "2026", "--archive", call.archive]).status == 0)
    let description = SampleMedia.pdf(pages: 1, title: descriptionTitle)
    let works: [(String, String, [UInt8])] = [
      ("1", "1_main.mp3", MediaFixtures.bytes("private.mp3")), ("2", "2_main.txt", Array(poem.utf8)),
      ("3", "3_main.txt", Array("Older words\nthat ingest never read\n".utf8)),
      ("4", "4_main.txt", Array("   \n\n\t\n".utf8)),
    ]
    var form =
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
    let titles = ["1": "Low Tide Song", "2": "Salt Flats", "3": "Old Archive", "4": "Blank Verse"]
    for (id, name, bytes) in works {
      // Work 2 also carries a supplementary note, whose opening lines no card shows.
      let note: [(String, [UInt8])] =
        id == "2" ? [("2_supplementary_1.txt", Array("A note for the hanging.\n".utf8))] : []
      call.scratch.zip("in/\(id).zip", [(name, bytes), ("\(id)_description.pdf", description)] + note)
      let medium = id == "1" ? "Sound" : "Poetry"
      form += "\(id),\(titles[id]!),Artist \(id),a\(id)@private.example,\(medium),A statement.,,,no,,no,yes,yes,none,\n"
    }
    call.scratch.write("form.csv", form)
    let ingest = try Binary.run([
      "ingest", call.scratch.path("in"), "--form", call.scratch.path("form.csv"), "--archive", call.archive,
    ])
    #expect(ingest.stdout.contains("4 zips: 4 accepted"), "\(ingest.stdout) \(ingest.stderr)")
    for (id, _, _) in works {
      #expect(try Binary.run(["submissions", "decide", id, "selected", "--archive", call.archive]).status == 0)
    }
    try Database(path: call.catalog).execute("UPDATE version_file SET facts = NULL WHERE path = '3_main.txt'")
    let export = try Binary.run(["export", "-o", call.site, "--json", "--archive", call.archive])
    #expect(export.status == 0, "\(export.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any]
    #expect((report?["failures"] as? [Any])?.isEmpty == true, "\(export.stdout)")
    return call
  }

  /// The card of work `id` on the exhibition's page, as written.
  func card(_ id: String) throws -> String {
    let index = try String(contentsOfFile: site + "/card-salon-2026/index.html", encoding: .utf8)
    let cards = index.components(separatedBy: #"<li class="card""#).dropFirst()
    return try #require(cards.first { $0.contains(#"href="works/\#(id).html""#) }, "card \(id)")
  }

  /// The recorded facts of a stored file, by its name in the zip.
  func facts(_ path: String) throws -> RecordedFacts? {
    let rows = try Database(path: catalog).query("SELECT facts FROM version_file WHERE path = ?", [path])
    return RecordedFacts(json: try rows.first?.optionalString("facts"))
  }

  // Made once per test run: the ingest and the waveforms are most of the suite's time.
  nonisolated(unsafe) static let shared: Result<CardsCall, Error> = Result {
    let call = try make()
    sharedFolder = call.scratch.url
    atexit { try? FileManager.default.removeItem(at: CardsCall.sharedFolder) }
    return call
  }
  nonisolated(unsafe) private static var sharedFolder = URL(fileURLWithPath: "/nonexistent")
}

/// A RIFF file's chunks by name, in order (the file must be a WebP).
func webpChunks(_ data: Data) -> [String] {
  let bytes = [UInt8](data)
  guard bytes.count > 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else {
    return []
  }
  var names: [String] = []
  var offset = 12
  while offset + 8 <= bytes.count {
    let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + 4 + $1]) << (8 * $1) }
    names.append(String(decoding: bytes[offset..<offset + 4], as: UTF8.self))
    offset += 8 + length + (length & 1)
  }
  return names
}

@Suite(.serialized) struct MediaCardsTests {
  @Test func anAudioCardShowsAWaveformDrawnAtEachWidthWithNoMetadata() throws {
    let call = try CardsCall.shared.get()
    let card = try call.card("1")
    #expect(card.contains(#"class="audio-card""#))
    #expect(card.contains(#"<span class="audio-length">0:02</span>"#), "the sound's length: \(card)")
    #expect(!card.contains("-wave-480"), "the card draws its own waveform, not the work page's resized one")
    let files = GalleryFixture.files(in: call.site)
    for width in CardWaveform.widths {
      let name = try #require(
        card.range(
          of: #"media/[0-9a-f]{2}/[0-9a-f]{64}-[0-9a-f]{10}-card-wave-\#(width)\.webp"#, options: .regularExpression
        )
        .map { String(card[$0]) }, "the card lists the \(width) px waveform")
      let data = try #require(files[name], "\(name) is in the site")
      // Exactly the size asked for: drawn at that width, never resized.
      let size = try #require(CardWaveform.losslessWebPSize(call.site + "/" + name))
      #expect(size.width == width && size.height == width / 3, "\(name): \(size)")
      #expect(size.height >= 60)
      // A lossless picture and nothing else: no EXIF, XMP or colour profile chunk.
      #expect(webpChunks(data) == ["VP8L"], "\(name): \(webpChunks(data))")
      for secret in [MediaFixtures.mp3Comment, MediaFixtures.mp3Artist, "Lavf", "private.example"] {
        #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)")
      }
      // A real waveform, not a flat line: the tone fills a band of the picture's height.
      let alpha = try Tool.run([
        "sh", "-c",
        "ffmpeg -v error -i '\(call.site)/\(name)' -vf alphaextract -f rawvideo -pix_fmt gray - | od -An -v -tu1 -w\(width)",
      ])
      let rows = alpha.output.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
      #expect(rows.count == width / 3, "\(rows.count) rows")
      let drawn = rows.filter { row in row.filter { $0 > 0 }.count > width / 2 }.count
      #expect(drawn * 5 >= rows.count, "the sound fills \(drawn) of \(rows.count) rows")
    }
    // The work page keeps its waveform and its player.
    let page = try String(contentsOfFile: call.site + "/card-salon-2026/works/1.html", encoding: .utf8)
    #expect(page.contains(".m4a\"") && page.contains("-wave-"))
    // The derivative is remembered under the new recipe.
    let manifest =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: call.site + "/.salon-export.json")))
      as? [String: Any]
    let published = try #require(manifest?["published"] as? [String: Any])
    #expect(
      published.keys.contains { $0.contains(" audio card-waveform ") && $0.contains(" sqrt peak webp clean 1 tools ") },
      "\(published.keys)")
  }

  @Test func aTextCardShowsThePoemsOpeningLinesEscapedAndNothingOfItsDescription() throws {
    let call = try CardsCall.shared.get()
    // Read at ingest by the worker, tidied, and kept with the file's facts.
    let opening = try #require(try call.facts("2_main.txt")?.opening)
    #expect(
      opening.text.hasPrefix(
        "The tide <script>window.__salonPlanted=1</script> & the moon\nover the salt flats,\n\nand"))
    #expect(!opening.text.contains("\u{202E}") && !opening.text.contains("\r") && !opening.text.contains("\t"))
    #expect(opening.continues && !opening.text.contains("LASTWORDS"))
    #expect(opening.text.split(separator: "\n", omittingEmptySubsequences: true).count <= OpeningLines.lineLimit)
    #expect(try call.facts("2_description.pdf")?.opening == nil)
    // Only a work's own text is read for its card: a supplementary note starts no worker.
    #expect(try call.facts("2_supplementary_1.txt") == RecordedFacts())

    let card = try call.card("2")
    #expect(
      card.contains(
        "The tide &lt;script&gt;window.__salonPlanted=1&lt;/script&gt; &amp; the moon\nover the salt flats,"),
      "\(card)")
    #expect(!card.contains("<script"), "escaped")
    #expect(!card.contains("Nightingale") && !card.contains("page 1 of 1"), "nothing of the description PDF")
    #expect(!card.contains("placeholder"))
    let exhibition = try String(contentsOfFile: call.site + "/card-salon-2026/index.html", encoding: .utf8)
    #expect(!exhibition.contains("Nightingale"))

    // Ingested before Salon read opening lines: the title set as type, no placeholder word.
    #expect(try call.facts("3_main.txt") == nil)
    let older = try call.card("3")
    #expect(
      older.contains(#"<span class="text-card text-card-title" aria-hidden="true" dir="auto">Old Archive</span>"#))
    #expect(!older.contains("Older words"))
    // A text of blank lines only has no words to show: its title.
    #expect(try call.facts("4_main.txt") == RecordedFacts())
    #expect(try call.card("4").contains(#"text-card-title" aria-hidden="true" dir="auto">Blank Verse</span>"#))
  }

  @Test func openingLinesAreTidiedAndBounded() {
    func tidy(_ text: String, characters: Int = 400, lines: Int = 12) -> OpeningLines {
      OpeningLines(utf8: Array(text.utf8), cutShort: false, maxCharacters: characters, maxLines: lines)
    }
    #expect(tidy("\n\n  a  b\t c \r\n\r\n\r\n\rd\u{2028}e") == OpeningLines(text: "a b c\n\nd\ne", continues: false))
    #expect(tidy("one\ntwo\nthree\n\nfour", lines: 2) == OpeningLines(text: "one\ntwo", continues: true))
    #expect(tidy("one\ntwo\n\n\n  \n", lines: 2) == OpeningLines(text: "one\ntwo", continues: false))
    #expect(tidy("alpha beta gamma delta", characters: 13) == OpeningLines(text: "alpha beta…", continues: true))
    #expect(tidy("\u{1B}[31mred\u{7}\u{200B}\u{202E}x\u{2066}") == OpeningLines(text: "[31mredx", continues: false))
    // Not UTF-8: nothing. A character cut by the read's end: dropped.
    #expect(
      OpeningLines(utf8: [0x63, 0x61, 0x66, 0xE9, 0x20], cutShort: false, maxCharacters: 400, maxLines: 12).text.isEmpty
    )
    #expect(
      OpeningLines(utf8: Array("café ".utf8) + [0xE2, 0x80], cutShort: true, maxCharacters: 400, maxLines: 12)
        == OpeningLines(text: "café", continues: true))
    #expect(
      OpeningLines(utf8: Array("déjà".utf8), cutShort: true, maxCharacters: 400, maxLines: 12)
        == OpeningLines(text: "déjà", continues: true))
    // The catalog's record is tidied again and bounded, whoever wrote it.
    let long = String(repeating: "word ", count: 500)
    let json = #"{"opening":{"continues":false,"text":"\#(long)\u001b\u202e"}}"#
    let read = RecordedFacts(json: json)?.opening
    #expect((read?.text.count ?? 1000) <= OpeningLines.characterLimit + 1 && read?.text.hasSuffix("…") == true)
  }

  @Test func audioAndTextCardsAsAVisitorSeesThemAt1280And390Pixels() throws {
    let call = try CardsCall.shared.get()
    let views =
      try Chromium.run(["measure", call.site + "/card-salon-2026/index.html"], driver: "cards.py") as! [[String: Any]]
    #expect(views.count == 4)
    for view in views {
      let label = "\(view["width"]!) px, \(view["scheme"]!)"
      #expect(view["overflow"] as? Int == 0, "no sideways scroll at \(label)")
      let cards = view["cards"] as! [[String: Any]]
      let audio = try #require(cards.first { $0["url"] as? String == "works/1.html" }?["waveform"] as? [String: Any])
      #expect(audio["loaded"] as? Bool == true, "\(label): \(audio)")
      #expect((audio["height"] as? Double ?? 0) >= 60, "the waveform is at least 60 px tall at \(label): \(audio)")
      #expect((audio["width"] as? Double ?? 0) >= 180, "\(label): \(audio)")
      #expect((audio["current"] as? String)?.hasSuffix(".webp") == true)
      let text = try #require(cards.first { $0["url"] as? String == "works/2.html" }?["textCard"] as? [String: Any])
      let words = (text["words"] as? String ?? "").replacingOccurrences(of: " ", with: "")
      #expect(words.hasPrefix("Thetide<script>window.__salonPlanted=1</script>&themoon"), "\(label): \(text)")
      #expect(text["visibility"] as? String == "visible" && text["opacity"] as? String == "1")
      #expect((text["fontSize"] as? Double ?? 0) >= 14 && (text["height"] as? Double ?? 0) >= 60, "\(label): \(text)")
      let older = try #require(cards.first { $0["url"] as? String == "works/3.html" })
      #expect((older["typeCard"] as? [String: Any])?["text"] as? String == "Old Archive")
    }
  }
}
