import Foundation
import SampleContent
import Testing

/// Ingest reads facts with real decoders: the `salon` binary on real files made by ffmpeg.
@Suite(.serialized) struct MediaIngestTests {
  func initArchive(_ scratch: Scratch, _ options: [String] = []) throws -> String {
    let archive = scratch.path("archive")
    let made = try Binary.run(["init", "--title", "Media", "--year", "2026", "--archive", archive] + options)
    #expect(made.status == 0, "\(made.stderr)")
    return archive
  }

  func ingest(_ archive: String, _ folder: String, _ options: [String] = []) throws -> [[String: Any]] {
    let run = try Binary.run(["ingest", folder, "--archive", archive, "--json"] + options, timeout: 600)
    #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
    return (try Binary.json(run) as? [String: Any])?["submissions"] as? [[String: Any]] ?? []
  }

  func codes(_ submission: [String: Any], _ key: String) -> [String] {
    ((submission[key] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
  }

  @Test func durationsAreRightInEveryContainerAndTheVideoLimitHoldsInEach() throws {
    let scratch = Scratch()
    for (index, fixture) in MediaFixtures.containers.enumerated() {
      let ext = fileExtension(fixture.name)
      let role = fixture.name.hasPrefix("c-clip") ? "video" : "main"
      var files = [
        ("\(index)_\(role).\(ext)", MediaFixtures.bytes(fixture.name)), ("\(index)_description.pdf", Parts.description),
      ]
      if role == "video" { files.append(("\(index)_main.png", Parts.image)) }
      scratch.zip("in/\(index).zip", files)
    }
    // Every video lasts 2 s: a limit of 1.5 s rejects each, whatever its container.
    let archive = try initArchive(scratch, ["--max-video-seconds", "1.5"])
    let submissions = try ingest(archive, scratch.path("in"))
    #expect(submissions.count == MediaFixtures.containers.count)
    for (index, fixture) in MediaFixtures.containers.enumerated() {
      guard let submission = submissions.first(where: { $0["id"] as? String == "\(index)" }) else {
        Issue.record("no report for \(fixture.name)")
        continue
      }
      let files = submission["files"] as? [[String: Any]] ?? []
      let media = files.first {
        ($0["path"] as? String)?.contains("_description") == false
          && ($0["path"] as? String)?.hasSuffix(".png") == false
      }
      let duration = media?["duration"] as? Double
      #expect(
        duration.map { abs($0 - fixture.seconds) < 0.1 } == true,
        "\(fixture.name) lasts \(String(describing: duration))")
      #expect(
        !codes(submission, "problems").contains("media-damaged"), "\(fixture.name): \(codes(submission, "problems"))")
      if fixture.name.hasPrefix("c-clip") {
        #expect(codes(submission, "problems") == ["video-too-long"], "\(fixture.name)")
        #expect(media?["width"] as? Int == 160 && media?["height"] as? Int == 120, "\(fixture.name)")
      } else {
        #expect(submission["status"] as? String == "accepted", "\(fixture.name): \(codes(submission, "problems"))")
      }
    }
  }

  @Test func aTruncatedPNGAndATruncatedMP4AreCaught() throws {
    let scratch = Scratch()
    let png = SampleMedia.png(width: 200, height: 150, seed: 5)
    scratch.zip(
      "in/png.zip", [("png_main.png", Array(png.prefix(png.count / 2))), ("png_description.pdf", Parts.description)])
    let mp4 = MediaFixtures.bytes("c-clip.mp4")
    scratch.zip(
      "in/mp4.zip",
      [
        ("mp4_video.mp4", Array(mp4.prefix(mp4.count * 2 / 3))), ("mp4_main.png", Parts.image),
        ("mp4_description.pdf", Parts.description),
      ])
    // A damaged supplement only warns, by default. Its bytes are png.zip's, read earlier in the
    // same run: a decoder's failure is never remembered as a fact, so it is decoded again.
    scratch.zip(
      "in/supp.zip", Parts.valid("supp") + [("supp_supplementary_1.png", Array(png.prefix(png.count / 2)))])
    let archive = try initArchive(scratch)
    let submissions = try ingest(archive, scratch.path("in"))
    let byID = Dictionary(uniqueKeysWithValues: submissions.map { ($0["id"] as? String ?? "", $0) })
    #expect(codes(byID["png"] ?? [:], "problems") == ["media-damaged"])
    #expect(codes(byID["mp4"] ?? [:], "problems") == ["media-damaged"])
    #expect(byID["supp"]?["status"] as? String == "accepted")
    #expect(codes(byID["supp"] ?? [:], "warnings").contains("supplementary-damaged"))

    // The organiser may reject damaged supplements too.
    let strict = Scratch()
    strict.zip("in/supp.zip", Parts.valid("supp") + [("supp_supplementary_1.png", Array(png.prefix(png.count / 2)))])
    let strictArchive = try initArchive(strict, ["--damaged-supplementary", "reject"])
    let again = try ingest(strictArchive, strict.path("in"))
    #expect(codes(again.first ?? [:], "problems") == ["media-damaged"])
  }

  @Test func aStaleCountAndMarkupWithAPDFMarkerAreHandled() throws {
    let scratch = Scratch()
    // A 3-page PDF, then an incremental save that leaves one page: the old /Count 3 is still in
    // the file, and pdfinfo reads the newest page tree.
    var pdf = SampleMedia.pdf(pages: 3)
    let update = "2 0 obj\n<< /Type /Pages /Kids [4 0 R] /Count 1 >>\nendobj\n"
    let objectOffset = pdf.count
    pdf += Array(update.utf8)
    let previous = String(decoding: pdf, as: UTF8.self).components(separatedBy: "startxref\n")[1].prefix { $0.isNumber }
    let xref = pdf.count
    pdf += Array(
      (String(format: "xref\n0 1\n0000000000 65535 f \n2 1\n%010d 00000 n \n", objectOffset)
        + "trailer\n<< /Size 10 /Root 1 0 R /Prev \(previous) >>\nstartxref\n\(xref)\n%%EOF\n").utf8)
    scratch.zip("in/stale.zip", [("stale_main.png", Parts.image), ("stale_description.pdf", pdf)])
    let svg = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- %PDF-1.7 --><script>alert(1)</script></svg>".utf8)
    scratch.zip("in/svg.zip", [("svg_main.png", Parts.image), ("svg_description.pdf", svg)])
    let archive = try initArchive(scratch, ["--max-description-pages", "1"])
    let submissions = try ingest(archive, scratch.path("in"))
    let byID = Dictionary(uniqueKeysWithValues: submissions.map { ($0["id"] as? String ?? "", $0) })
    #expect(byID["stale"]?["status"] as? String == "accepted", "\(codes(byID["stale"] ?? [:], "problems"))")
    let pages = (byID["stale"]?["files"] as? [[String: Any]])?.first {
      ($0["path"] as? String)?.hasSuffix(".pdf") == true
    }?["pages"]
    #expect(pages as? Int == 1)
    #expect(codes(byID["svg"] ?? [:], "problems").contains("svg-not-allowed"))
  }

  @Test func aFileThatKeepsTheDecoderBusyIsStoppedAndTheBatchGoesOn() throws {
    let scratch = Scratch()
    scratch.zip(
      "in/1.zip",
      [
        ("1_video.mp4", MediaFixtures.bytes("heavy.mp4")), ("1_main.png", Parts.image),
        ("1_description.pdf", Parts.description),
      ])
    scratch.zip("in/2.zip", Parts.valid("2"))
    let archive = try initArchive(scratch)
    let started = Date()
    let submissions = try ingest(archive, scratch.path("in"), ["--media-time-limit", "0.05"])
    #expect(Date().timeIntervalSince(started) < 60)
    let byID = Dictionary(uniqueKeysWithValues: submissions.map { ($0["id"] as? String ?? "", $0) })
    let stopped = codes(byID["1"] ?? [:], "problems")
    #expect(stopped.contains("media-timed-out") || stopped.contains("media-over-limit"), "\(stopped)")
    #expect(byID["2"]?["status"] as? String == "accepted")
    let stored = FileManager.default.enumerator(atPath: archive + "/store")?.allObjects.count ?? 0
    #expect(stored > 2)
  }
}

private func fileExtension(_ name: String) -> String { String(name.split(separator: ".").last ?? "") }
