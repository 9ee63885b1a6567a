import Foundation
import SampleContent
import Testing

@testable import Catalog
@testable import MediaTools

/// Files made in code carrying each kind of provenance evidence, declared each way on the form,
/// ingested and exported by the real binary.
@Suite(.serialized) struct ProvenanceTests {
  static let iptc = "http://cv.iptc.org/newscodes/digitalsourcetype/"
  /// Text that must never reach the gallery: a prompt, generator settings and names.
  static let secrets = ["secret lighthouse prompt", "Negative prompt", "Steps: 20", "Midjourney", "Firefly", "ComfyUI"]

  // MARK: Files made in code

  /// A PNG with a text chunk (`tEXt`) inserted before its pixels, as generators write them.
  static func png(seed: Int, text: [(String, String)] = []) -> [UInt8] {
    let plain = SampleMedia.png(width: 24, height: 16, seed: seed)
    let headerEnd = 8 + 25  // signature, then IHDR (4 + 4 + 13 + 4)
    var chunks: [UInt8] = []
    for (keyword, value) in text {
      let data = Array(keyword.utf8) + [0] + Array(value.utf8)
      let type = Array("tEXt".utf8)
      chunks +=
        SampleMedia.bigEndian32(data.count) + type + data
        + SampleMedia.bigEndian32(Int(SampleMedia.crc32(type + data)))
    }
    return Array(plain[..<headerEnd]) + chunks + Array(plain[headerEnd...])
  }

  /// A small JPEG made by ffmpeg's colour source.
  static func jpeg(_ scratch: Scratch, colour: String) throws -> [UInt8] {
    let path = scratch.path("made-\(colour).jpg")
    let run = try Tool.run([
      "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=\(colour):s=32x24", "-frames:v", "1", "-y", path,
    ])
    #expect(run.status == 0, "\(run.output)")
    return Array(FileManager.default.contents(atPath: path) ?? Data())
  }

  /// `bytes` with metadata written by exiftool itself (`-TAG=VALUE`).
  static func withExiftool(_ scratch: Scratch, _ bytes: [UInt8], ext: String, _ tags: [String]) throws -> [UInt8] {
    let path = scratch.write("tagged-\(UUID().uuidString).\(ext)", bytes)
    let run = try Tool.run(["exiftool", "-q", "-overwrite_original"] + tags + [path])
    #expect(run.status == 0, "\(run.output)")
    return Array(FileManager.default.contents(atPath: path) ?? Data())
  }

  /// CBOR (RFC 8949) for the few shapes a C2PA claim uses: text, lists and maps of text.
  enum CBOR {
    case text(String), list([CBOR]), map([(String, CBOR)])
    static func head(_ major: UInt8, _ n: Int) -> [UInt8] {
      if n < 24 { return [major << 5 | UInt8(n)] }
      if n < 256 { return [major << 5 | 24, UInt8(n)] }
      return [major << 5 | 25, UInt8(n >> 8), UInt8(n & 0xFF)]
    }
    var bytes: [UInt8] {
      switch self {
      case .text(let s): return Self.head(3, s.utf8.count) + Array(s.utf8)
      case .list(let items): return Self.head(4, items.count) + items.flatMap(\.bytes)
      case .map(let pairs): return Self.head(5, pairs.count) + pairs.flatMap { CBOR.text($0.0).bytes + $0.1.bytes }
      }
    }
  }

  /// A JPEG carrying a hand-built C2PA manifest store in an APP11 JUMBF segment: a claim naming
  /// its generator and an actions assertion. Unsigned, as Salon cannot validate one anyway.
  static func withC2PA(_ jpeg: [UInt8], generator: String) -> [UInt8] {
    func box(_ type: String, _ body: [UInt8]) -> [UInt8] {
      SampleMedia.bigEndian32(8 + body.count) + Array(type.utf8) + body
    }
    func superbox(_ kind: String, _ label: String, _ content: [UInt8]) -> [UInt8] {
      let uuid = Array(kind.utf8) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
      return box("jumb", box("jumd", uuid + [3] + Array(label.utf8) + [0]) + content)
    }
    let actions = CBOR.map([
      (
        "actions",
        .list([
          .map([("action", .text("c2pa.created")), ("digitalSourceType", .text(iptc + "trainedAlgorithmicMedia"))])
        ])
      )
    ])
    let claim = CBOR.map([("claim_generator", .text(generator)), ("dc:format", .text("image/jpeg"))])
    let store = superbox(
      "c2pa", "c2pa",
      superbox(
        "c2ma", "urn:uuid:6a1c0f2e",
        superbox("c2as", "c2pa.assertions", superbox("cbor", "c2pa.actions", box("cbor", actions.bytes)))
          + superbox("c2cl", "c2pa.claim", box("cbor", claim.bytes))))
    let payload = Array("JP".utf8) + [0, 1, 0, 0, 0, 1] + store
    let length = payload.count + 2
    let segment: [UInt8] = [0xFF, 0xEB, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    return Array(jpeg[..<2]) + segment + Array(jpeg[2...])
  }

  // MARK: The call

  struct Case {
    var id: String
    var file: String
    var bytes: [UInt8]
    var declared: String
    var medium = "Digital image"
    var finding: String
    var source: String?
  }

  static func cases(_ scratch: Scratch) throws -> [Case] {
    let trained = iptc + "trainedAlgorithmicMedia"
    let parameters = [
      ("parameters", "a secret lighthouse prompt\nNegative prompt: fog\nSteps: 20, Sampler: Euler a, Model: sdxl_base")
    ]
    let blue = try jpeg(scratch, colour: "blue")
    return [
      Case(
        id: "xmp-assisted", file: "png",
        bytes: try withExiftool(scratch, png(seed: 1), ext: "png", ["-XMP-iptcExt:DigitalSourceType=\(trained)"]),
        declared: "assisted", finding: "contradiction", source: "XMP DigitalSourceType"),
      Case(
        id: "xmp-generated", file: "png",
        bytes: try withExiftool(scratch, png(seed: 2), ext: "png", ["-XMP-iptcExt:DigitalSourceType=\(trained)"]),
        declared: "generated", finding: "consistent", source: "XMP DigitalSourceType"),
      Case(
        id: "capture-none", file: "jpg",
        bytes: try withExiftool(
          scratch, try jpeg(scratch, colour: "green"), ext: "jpg",
          ["-XMP-iptcExt:DigitalSourceType=\(iptc)digitalCapture"]),
        declared: "none", medium: "Photography", finding: "consistent", source: "XMP DigitalSourceType"),
      Case(
        id: "params-none", file: "png", bytes: png(seed: 3, text: parameters), declared: "none",
        finding: "contradiction", source: "PNG parameters"),
      Case(
        id: "params-assisted", file: "png", bytes: png(seed: 4, text: parameters), declared: "assisted",
        finding: "consistent", source: "PNG parameters"),
      Case(
        id: "comfy-none", file: "png",
        bytes: png(seed: 5, text: [("prompt", "{\"6\":{\"inputs\":{\"text\":\"a secret lighthouse prompt\"}}}")]),
        declared: "none", finding: "contradiction", source: "PNG prompt (ComfyUI)"),
      Case(
        id: "software-none", file: "jpg",
        bytes: try withExiftool(
          scratch, try jpeg(scratch, colour: "red"), ext: "jpg", ["-EXIF:Software=Midjourney v6"]),
        declared: "none", finding: "contradiction", source: "Software"),
      Case(
        id: "c2pa-none", file: "jpg", bytes: withC2PA(blue, generator: "Adobe_Firefly/2.0 c2pa-rs/0.28"),
        declared: "none", finding: "unverified", source: "C2PA claim generator"),
      Case(id: "plain-none", file: "png", bytes: png(seed: 6), declared: "none", finding: "absent"),
      Case(
        id: "film-none", file: "mp4",
        bytes: try withExiftool(
          scratch, SampleVideo.mp4(seconds: 1), ext: "mp4", ["-XMP-iptcExt:DigitalSourceType=\(trained)"]),
        declared: "none", medium: "Short film", finding: "contradiction", source: "XMP DigitalSourceType"),
      Case(
        id: "xmp-undeclared", file: "png",
        bytes: try withExiftool(scratch, png(seed: 7), ext: "png", ["-XMP-iptcExt:DigitalSourceType=\(trained)"]),
        declared: "", finding: "undeclared", source: "XMP DigitalSourceType"),
    ]
  }

  /// The cases ingested with their declarations, every one selected for the gallery.
  static func ingested() throws -> (scratch: Scratch, archive: String, cases: [Case], ingest: [[String: Any]]) {
    let scratch = Scratch()
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Provenance", "--year", "2026", "--archive", archive]).status == 0)
    let cases = try cases(scratch)
    var form = "id,title,artists,medium,rights,authorship,ai use\n"
    for c in cases {
      scratch.zip(
        "in/\(c.id).zip", [("\(c.id)_main.\(c.file)", c.bytes), ("\(c.id)_description.pdf", Parts.description)])
      form += "\(c.id),Work \(c.id),Ann Lee,\(c.medium),yes,yes,\(c.declared)\n"
    }
    scratch.write("form.csv", form)
    let run = try Binary.run(
      ["ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--json", "--archive", archive], timeout: 600)
    #expect(run.status == 0, "\(run.stderr)")
    let ingest = (try Binary.json(run) as? [String: Any])?["submissions"] as? [[String: Any]] ?? []
    return (scratch, archive, cases, ingest)
  }

  @Test func eachKindOfEvidenceIsSetBesideTheDeclaration() throws {
    let (scratch, archive, cases, ingest) = try Self.ingested()
    defer { withExtendedLifetime(scratch) {} }
    #expect(ingest.count == cases.count)
    for c in cases {
      let report = ingest.first { $0["id"] as? String == c.id }
      #expect(report?["status"] as? String == "accepted", "\(c.id): a contradiction is never a rejection")
      let warnings = (report?["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
      #expect(
        warnings.contains("ai-use-contradicted") == (c.finding == "contradiction"), "\(c.id): \(warnings)")
      #expect((report?["provenance"] as? [String: Any])?["finding"] as? String == c.finding, "\(c.id) in ingest --json")

      let show = try Binary.run(["submissions", "show", c.id, "--json", "--archive", archive])
      #expect(show.status == 0, "\(show.stderr)")
      let provenance = (try Binary.json(show) as? [String: Any])?["provenance"] as? [String: Any]
      #expect(provenance?["finding"] as? String == c.finding, "\(c.id): \(String(describing: provenance))")
      let files = provenance?["files"] as? [[String: Any]] ?? []
      #expect(files.count == 1 && files.first?["path"] as? String == "\(c.id)_main.\(c.file)", "\(c.id)")
      let evidence = files.first?["evidence"] as? [[String: Any]] ?? []
      if let source = c.source {
        #expect(
          evidence.contains { $0["source"] as? String == source && !(($0["value"] as? String) ?? "").isEmpty },
          "\(c.id): \(evidence)")
      } else {
        #expect(evidence.isEmpty, "\(c.id): \(evidence)")
      }
      // exiftool looks for C2PA in JPEG and PNG, and says whether it found a manifest.
      let c2pa = c.file == "mp4" ? "not examined" : c.id.hasPrefix("c2pa") ? "present" : "absent"
      #expect(files.first?["c2pa"] as? String == c2pa, "\(c.id)")
      // The catalog never keeps a prompt, only a generator's settings line.
      #expect(!show.stdout.contains("secret lighthouse"), "\(c.id) keeps no prompt")
    }
    let c2pa = try Binary.json(try Binary.run(["submissions", "show", "c2pa-none", "--json", "--archive", archive]))
    let values =
      (((c2pa as? [String: Any])?["provenance"] as? [String: Any])?["files"] as? [[String: Any]])?.first?[
        "evidence"] as? [[String: Any]] ?? []
    #expect(values.contains { $0["value"] as? String == "Adobe_Firefly/2.0 c2pa-rs/0.28" })
    #expect(values.contains { ($0["value"] as? String)?.hasPrefix("c2pa.created") == true })

    // The text report names the code too.
    let text = try Binary.run(["submissions", "show", "params-none", "--archive", archive])
    #expect(text.stdout.contains("ai-use-contradicted") && text.stdout.contains("Provenance: contradiction"))
    #expect(text.stdout.contains("Steps: 20, Sampler: Euler a, Model: sdxl_base"))
  }

  @Test func theListFiltersByFinding() throws {
    let (scratch, archive, cases, _) = try Self.ingested()
    defer { withExtendedLifetime(scratch) {} }
    for finding in ["contradiction", "consistent", "absent", "unverified", "undeclared"] {
      let run = try Binary.run(["submissions", "list", "--provenance", finding, "--json", "--archive", archive])
      #expect(run.status == 0, "\(run.stderr)")
      let ids = Set(((try Binary.json(run) as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
      #expect(ids == Set(cases.filter { $0.finding == finding }.map(\.id)), "\(finding): \(ids)")
    }
    let text = try Binary.run(["submissions", "list", "--provenance", "unverified", "--archive", archive])
    #expect(text.stdout.contains("c2pa-none") && !text.stdout.contains("plain-none"))
    let wrong = try Binary.run(["submissions", "list", "--provenance", "contradicted", "--archive", archive])
    #expect(wrong.status != 0 && wrong.stderr.contains("contradiction"), "\(wrong.stderr)")
  }

  @Test func workPagesCarryTheDeclaredSourceTypeAndNoEmbeddedText() throws {
    let (scratch, archive, cases, _) = try Self.ingested()
    #expect(try Binary.run(["submissions", "decide", "--all-accepted", "--archive", archive]).status == 0)
    let site = scratch.path("site")
    let run = try Binary.run(["export", "-o", site, "--archive", archive], timeout: 600)
    #expect(run.status == 0, "\(run.stderr)")
    let expected: [String: String?] = [
      "none": Self.iptcTerm("digitalCreation"), "assisted": Self.iptcTerm("compositeWithTrainedAlgorithmicMedia"),
      "generated": Self.iptcTerm("trainedAlgorithmicMedia"), "": nil,
    ]
    let pages = try FileManager.default.contentsOfDirectory(atPath: site + "/provenance-2026/works")
    for c in cases {
      guard let page = pages.first(where: { $0.hasPrefix(c.id) }),
        let html = FileManager.default.contents(atPath: site + "/provenance-2026/works/" + page).map({
          String(decoding: $0, as: UTF8.self)
        })
      else {
        Issue.record("no page for \(c.id) in \(pages)")
        continue
      }
      guard let object = Self.jsonLD(html) else {
        Issue.record("\(c.id): no JSON-LD")
        continue
      }
      #expect(object["@context"] as? String == "https://schema.org")
      #expect(object["name"] as? String == "Work \(c.id)")
      #expect((object["creator"] as? [String: Any])?["name"] as? String == "Ann Lee")
      #expect(object["datePublished"] as? String == "2026")
      #expect((object["image"] as? String)?.hasSuffix(".jpg") == true, "\(c.id): \(object)")
      // Taken from the declaration and the medium, whatever the file says.
      let captured = c.medium == "Photography" || c.medium == "Short film"
      let want = captured ? Self.iptcTerm("digitalCapture") : (expected[c.declared] ?? nil)
      #expect(object["digitalSourceType"] as? String == want, "\(c.id): \(object)")
      let type = ["Photography": "Photograph", "Short film": "Movie"][c.medium] ?? "VisualArtwork"
      #expect(object["@type"] as? String == type, "\(c.id)")
    }
    for (path, data) in GalleryFixture.files(in: site) {
      let text = String(decoding: data, as: UTF8.self)
      for secret in Self.secrets {
        #expect(!text.contains(secret), "\(path) carries \"\(secret)\"")
        #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) carries \"\(secret)\"")
      }
    }
  }

  @Test func theRoomCardIsTheOrganisersChoiceAndTheBagKeepsTheFindings() throws {
    let (scratch, archive, cases, _) = try Self.ingested()
    defer { withExtendedLifetime(scratch) {} }
    #expect(try Binary.run(["submissions", "decide", "--all-accepted", "--archive", archive]).status == 0)
    #expect(try Binary.run(["jury", "add", "Dana Juror", "--archive", archive]).status == 0)
    #expect(try Binary.run(["jury", "assign", "--archive", archive]).status == 0)
    func room(_ name: String) throws -> String {
      let run = try Binary.run(["jury", "room", "dana-juror", "-o", scratch.path(name), "--archive", archive])
      #expect(run.status == 0, "\(run.stderr)")
      return String(
        decoding: FileManager.default.contents(atPath: scratch.path(name) + "/index.html") ?? Data(), as: UTF8.self)
    }
    // Off unless the organiser turns it on.
    let plain = try room("room-off")
    #expect(plain.contains("params-none") || plain.contains("Work params-none"), "the room holds the works")
    #expect(!plain.contains("provenance-card") && !plain.contains("What the files say"))
    let on = try Binary.run(["exhibition", "provenance-card", "provenance-2026", "on", "--archive", archive])
    #expect(on.status == 0, "\(on.stderr)")
    let card = try room("room-on")
    #expect(card.contains("class=\"provenance-card\""))
    #expect(card.contains(ProvenanceFinding.contradiction.label) && card.contains(ProvenanceFinding.unverified.label))
    #expect(card.contains("Steps: 20, Sampler: Euler a, Model: sdxl_base") && card.contains("Adobe_Firefly/2.0"))
    #expect(!card.contains("secret lighthouse"), "no prompt in a room")
    #expect(!card.contains("params-none_main.png"), "no file name (it often names the artist) in a room")
    let off = try Binary.run(["exhibition", "provenance-card", "provenance-2026", "off", "--archive", archive])
    #expect(off.status == 0)
    #expect(!(try room("room-off-again")).contains("provenance-card"))
    #expect(
      try Binary.run(["exhibition", "provenance-card", "provenance-2026", "maybe", "--archive", archive]).status != 0)

    // The archive package keeps what was known at judging time.
    let bag = scratch.path("bag")
    let packed = try Binary.run(["bag", "-o", bag, "--archive", archive])
    #expect(packed.status == 0, "\(packed.stderr)")
    let records =
      try JSONSerialization.jsonObject(
        with: FileManager.default.contents(atPath: bag + "/data/records/declarations.json") ?? Data())
      as? [[String: Any]] ?? []
    for c in cases {
      let record = records.first { $0["submission"] as? String == "provenance-2026/\(c.id)" }
      #expect((record?["provenance"] as? [String: Any])?["finding"] as? String == c.finding, "\(c.id) in the bag")
    }
  }

  @Test func hostileTextInAFileIsCutShortOrNotReadNeverTrusted() throws {
    let scratch = Scratch()
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Hostile", "--year", "2026", "--archive", archive]).status == 0)
    // More text than the sandbox keeps of a tool's output: the file is "not read", and accepted.
    let stuffed = Self.png(seed: 11, text: [("parameters", String(repeating: "\u{1B}[31mred ", count: 700_000))])
    // Escapes and a long settings line: kept visible and cut to one line of 300 characters.
    let steps = "prompt\nSteps: 20, Model: \u{1B}]0;pwned\u{07}" + String(repeating: "x", count: 2_000)
    scratch.zip("in/stuffed.zip", [("stuffed_main.png", stuffed), ("stuffed_description.pdf", Parts.description)])
    scratch.zip(
      "in/escapes.zip",
      [
        ("escapes_main.png", Self.png(seed: 12, text: [("parameters", steps)])),
        ("escapes_description.pdf", Parts.description),
      ])
    scratch.write("form.csv", "id,title,ai use\nstuffed,S,none\nescapes,E,none\n")
    let run = try Binary.run(
      ["ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--json", "--archive", archive], timeout: 600)
    #expect(run.status == 0, "\(run.stderr)")
    let reports = (try Binary.json(run) as? [String: Any])?["submissions"] as? [[String: Any]] ?? []
    let stuffedReport = reports.first { $0["id"] as? String == "stuffed" }
    #expect(stuffedReport?["status"] as? String == "accepted")
    let stuffedFiles = (stuffedReport?["provenance"] as? [String: Any])?["files"] as? [[String: Any]]
    #expect(stuffedFiles?.first?["c2pa"] as? String == "not read", "\(String(describing: stuffedFiles))")
    let escapes = reports.first { $0["id"] as? String == "escapes" }
    let value =
      (((escapes?["provenance"] as? [String: Any])?["files"] as? [[String: Any]])?.first?["evidence"]
      as? [[String: Any]])?.first?["value"] as? String ?? ""
    #expect(value.hasPrefix("Steps: 20, Model: ") && value.count <= 301, "\(value.prefix(80))")
    #expect(!value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "no control characters kept")
    let text = try Binary.run(["submissions", "show", "escapes", "--archive", archive])
    #expect(
      !text.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "nothing reaches the terminal raw")
  }

  @Test func aNewDeclarationForTheSameFilesIsComparedAfresh() throws {
    let scratch = Scratch()
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Again", "--year", "2026", "--archive", archive]).status == 0)
    let parameters = [("parameters", "a secret lighthouse prompt\nSteps: 20, Sampler: Euler a")]
    scratch.zip(
      "in/again.zip",
      [("again_main.png", Self.png(seed: 21, text: parameters)), ("again_description.pdf", Parts.description)])
    func ingest(declaring use: String) throws -> SalonRun {
      scratch.write("form.csv", "id,title,ai use\nagain,Again,\(use)\n")
      return try Binary.run(
        ["ingest", scratch.path("in/again.zip"), "--form", scratch.path("form.csv"), "--archive", archive],
        timeout: 600)
    }
    func finding() throws -> String? {
      let show = try Binary.run(["submissions", "show", "again", "--json", "--archive", archive])
      return ((try Binary.json(show) as? [String: Any])?["provenance"] as? [String: Any])?["finding"] as? String
    }
    #expect(try ingest(declaring: "none").stdout.contains("ai-use-contradicted"))
    #expect(try finding() == "contradiction")
    // The same zip and declarations again change nothing, and record nothing twice.
    #expect(try ingest(declaring: "none").status == 0)
    #expect(try finding() == "contradiction")
    let corrected = try ingest(declaring: "generated")
    #expect(corrected.status == 0, "\(corrected.stderr)")
    #expect(!corrected.stdout.contains("ai-use-contradicted"), "\(corrected.stdout)")
    #expect(try finding() == "consistent")
    let listed = try Binary.run(["submissions", "list", "--provenance", "contradiction", "--archive", archive])
    #expect(!listed.stdout.contains("again"), "\(listed.stdout)")
  }

  static func iptcTerm(_ term: String) -> String { iptc + term }

  /// The JSON-LD object of a page, parsed.
  static func jsonLD(_ html: String) -> [String: Any]? {
    guard let open = html.range(of: "<script type=\"application/ld+json\">"),
      let close = html.range(of: "</script>", range: open.upperBound..<html.endIndex)
    else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(html[open.upperBound..<close.lowerBound].utf8))
      as? [String: Any]
  }

  @Test func rulesRankTheFindings() {
    func evidence(_ shows: AIUse?) -> ProvenanceEvidence {
      ProvenanceEvidence(source: "s", value: "v", indicates: shows)
    }
    #expect(
      ProvenanceRules.finding(evidence: [evidence(.generated)], hasManifest: false, declared: .assisted)
        == .contradiction)
    #expect(
      ProvenanceRules.finding(evidence: [evidence(.assisted)], hasManifest: false, declared: .assisted) == .consistent)
    #expect(
      ProvenanceRules.finding(evidence: [evidence(.none)], hasManifest: false, declared: .generated) == .consistent)
    #expect(ProvenanceRules.finding(evidence: [evidence(nil)], hasManifest: true, declared: .none) == .unverified)
    #expect(
      ProvenanceRules.finding(evidence: [evidence(.assisted), evidence(nil)], hasManifest: true, declared: .none)
        == .contradiction)
    #expect(ProvenanceRules.finding(evidence: [], hasManifest: false, declared: .none) == .absent)
    #expect(
      ProvenanceRules.finding(evidence: [evidence(.generated)], hasManifest: false, declared: .unknown) == .undeclared)
    func file(_ finding: ProvenanceFinding) -> FileProvenance {
      FileProvenance(path: "p", finding: finding, c2pa: "absent", evidence: [])
    }
    #expect(
      ProvenanceRules.submission([file(.unverified), file(.contradiction), file(.absent)], declared: .none)
        == .contradiction)
    #expect(
      ProvenanceRules.submission([file(.absent), file(.unverified), file(.consistent)], declared: .none) == .unverified)
    #expect(ProvenanceRules.submission([], declared: .none) == .absent)
    // Read again against a corrected declaration, the same evidence is judged afresh.
    let recorded = ProvenanceReport(
      finding: .contradiction, declared: .none,
      files: [FileProvenance(path: "p", finding: .contradiction, c2pa: "absent", evidence: [evidence(.generated)])])
    #expect(recorded.judged(against: .generated).finding == .consistent)
    #expect(recorded.judged(against: .generated).files.map(\.finding) == [.consistent])
    #expect(recorded.judged(against: .unknown).finding == .undeclared)
    let manifest = ProvenanceReport(
      finding: .unverified, declared: .none,
      files: [FileProvenance(path: "p", finding: .unverified, c2pa: "present", evidence: [evidence(nil)])])
    #expect(manifest.judged(against: .generated).finding == .unverified)
  }

  /// exiftool's cost per file at ingest: one run in the sandbox, as ingest makes it.
  @Test func exiftoolCostPerFile() throws {
    let scratch = Scratch()
    let path = scratch.write("one", Self.png(seed: 9, text: [("parameters", "x\nSteps: 1")]))
    let folder = try PrivateFolder(in: scratch.url.path)
    let sandbox = Sandbox(limits: SandboxLimits(wallSeconds: 60))
    let runs = 10
    let start = Date()
    for _ in 0..<runs {
      let found = try sandbox.embeddedProvenance(path, fileExtension: "png", workingFolder: folder.path)
      #expect(found.parameters == ["x\nSteps: 1"] && found.c2paExamined && found.c2pa == nil)
    }
    let each = Date().timeIntervalSince(start) / Double(runs)
    print("exiftool: \(String(format: "%.0f", each * 1000)) ms per file (mean of \(runs))")
    #expect(each < 5)
  }
}
