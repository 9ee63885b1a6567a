import Foundation
import Imaging
import MediaTools
import SampleContent
import Testing

/// What visitors get of a picture (issue 25): WebP at every width, which every browser of 2026
/// shows, and one JPEG at the page's width for what still wants one (link previews and
/// schema.org); the viewer keeps its 2400 px and the page its `srcset`.
@Suite(.serialized) struct WebPDerivativeTests {
  let scratch = Scratch()

  @Test func everyWidthIsWebPAndTheOneJPEGIsForLinkPreviews() throws {
    scratch.zip(
      "in/1.zip",
      [("1_main.png", SampleMedia.png(width: 2500, height: 1250, seed: 3)), ("1_description.pdf", Parts.description)])
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Pictures", "--year", "2026", "--archive", archive]).status == 0)
    let form = scratch.write(
      "form.csv",
      "id,title,artists,medium,rights,authorship,ai use\n1,Wide,Artist 1,Photograph,yes,yes,none\n")
    let ingest = try Binary.run(["ingest", scratch.path("in"), "--form", form, "--archive", archive], timeout: 300)
    #expect(ingest.status == 0, "\(ingest.stderr)")
    #expect(try Binary.run(["submissions", "decide", "1", "selected", "--archive", archive]).status == 0)
    let site = scratch.path("site")
    let export = try Binary.run(
      ["export", "-o", site, "--base-url", "https://salon.example.org/archive", "--archive", archive], timeout: 300)
    #expect(export.status == 0, "\(export.stderr)")

    let media = (FileManager.default.enumerator(atPath: site + "/media")?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".webp") || $0.hasSuffix(".jpg") }.sorted()
    let webp = media.filter { $0.hasSuffix(".webp") }
    let jpeg = media.filter { $0.hasSuffix(".jpg") }
    #expect(Set(webp.map { $0.split(separator: "-").last! }) == ["480.webp", "1200.webp", "2400.webp"], "\(media)")
    #expect(jpeg.count == 1 && jpeg[0].hasSuffix("-1200.jpg"), "one JPEG, at the share width: \(media)")
    let jpegSize = try Imaging.size(of: site + "/media/" + jpeg[0])
    #expect(jpegSize.width == 1200 && jpegSize.height == 600)
    let viewerSize = try Imaging.size(of: site + "/media/" + webp.first { $0.hasSuffix("-2400.webp") }!)
    #expect(viewerSize.width == 2400 && viewerSize.height == 1200)

    let exhibition = try #require(
      try FileManager.default.contentsOfDirectory(atPath: site).first {
        FileManager.default.fileExists(atPath: "\(site)/\($0)/works/1.html")
      })
    let page = try String(contentsOfFile: "\(site)/\(exhibition)/works/1.html", encoding: .utf8)
    // The page's picture: WebP at each width in its srcset, the 2400 px one for the viewer.
    let img = try #require(page.range(of: #"<img src="[^"]+" srcset="[^"]+""#, options: .regularExpression))
    let srcset = page[img]
    #expect(
      srcset.contains("-480.webp 480w") && srcset.contains("-1200.webp 1200w") && srcset.contains("-2400.webp 2400w"))
    #expect(!srcset.contains(".jpg"), "\(srcset)")
    #expect(page.range(of: #"class="viewer-link" href="[^"]+-2400\.webp""#, options: .regularExpression) != nil)
    // The JPEG is what link previews and schema.org are given, and nothing else.
    #expect(page.contains(#"<meta property="og:image" content="https://salon.example.org/archive/media/"#))
    #expect(page.contains(jpeg[0] + #"">"#), "og:image names the JPEG")
    #expect(page.contains(#""image":"https://salon.example.org/archive/media/"# + jpeg[0] + #"""#))
    #expect(
      page.components(separatedBy: ".jpg").count - 1 == 3, "only og:image, twitter:image and schema.org name a JPEG")
  }

  @Test func theWorkerWritesAJPEGOnlyWhereOneIsAskedFor() throws {
    let source = scratch.write("wide.png", SampleMedia.png(width: 1000, height: 500, seed: 1))
    let made = try Imaging.derivatives(of: source, widths: [200, 600, 900], maxPixels: 10_000_000) { width in
      (scratch.path("out-\(width).webp"), width == 600 ? scratch.path("out-\(width).jpg") : nil)
    }
    #expect(made.map(\.width) == [900, 600, 200])
    #expect(made.map(\.height) == [450, 300, 100])
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasPrefix("out-") }
    #expect(Set(left) == ["out-200.webp", "out-600.webp", "out-900.webp", "out-600.jpg"], "\(left)")
    for width in [200, 600, 900] {
      #expect(try Imaging.size(of: scratch.path("out-\(width).webp")).width == width)
    }
  }

  @Test func theJobSaysWhichWidthsGetAJPEGAndRefusesOthers() throws {
    let job = ImageDerivatives(widths: [480, 1200, 2400], jpegWidths: [1200], maxPixels: 1000)
    let parsed = try ImageDerivatives(options: job.options)
    #expect(parsed.widths == [480, 1200, 2400] && parsed.jpegWidths == [1200] && parsed.maxPixels == 1000)
    var stray = job.options
    stray["jpeg-widths"] = "1000"
    #expect(throws: ImageWorker.BadArguments.self) { try ImageDerivatives(options: stray) }
    // The viewer's width is encoded a little lower than a page's, as measured (docs/performance.md).
    #expect(ImageDerivatives.webpQuality(requestedWidth: 2400) < ImageDerivatives.webpQuality(requestedWidth: 1200))
  }
}
