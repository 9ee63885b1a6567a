import Foundation
import Imaging
import MediaTools
import SampleContent
import Testing

@testable import Export

/// PDFs and SVGs are never parsed in Salon's own process: libvips refuses them, and the scoring
/// sheet's PDF preview is rendered by poppler in the media sandbox.
@Suite struct SheetPreviewTests {
  let scratch = Scratch()

  @Test func libvipsRefusesPDFSVGAndEveryFormatBeyondTheRasterOnesInProcess() throws {
    let pdf = scratch.write("d.pdf", SampleMedia.pdf(pages: 1))
    let svg = scratch.write(
      "p.svg", #"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30"/></svg>"#)
    // libvips' matrix format: plain text it would otherwise take for a 2 × 2 image.
    let matrix = scratch.write("m.mat", "2 2\n1 2\n3 4\n")
    for path in [pdf, svg, matrix, scratch.write("bomb.pdf", MediaFixtures.fillBombPDF())] {
      #expect(throws: ImagingError.self, "\(path)") { try Imaging.size(of: path) }
      #expect(throws: ImagingError.self, "\(path)") {
        try Imaging.jpegPreview(of: path, width: 64, maxPixels: 1_000_000)
      }
    }
    // The raster formats a call sends still load.
    let png = scratch.write("ok.png", SampleMedia.png(width: 40, height: 30))
    #expect(try Imaging.size(of: png) == (40, 30))
    let jpeg = scratch.write("ok.jpg", try Imaging.jpegPreview(of: png, width: 40, maxPixels: 1_000_000))
    #expect(try Imaging.size(of: jpeg) == (40, 30))
  }

  @Test func aPDFsFirstPageIsRenderedByPopplerInTheSandbox() throws {
    let pdf = scratch.write("d.pdf", SampleMedia.pdf(pages: 2))
    let bytes = try #require(SheetPreview.firstPage(of: pdf, sandbox: Sandbox(), in: scratch.url))
    #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]), "a JPEG")
    let jpeg = scratch.write("preview.jpg", bytes)
    #expect(try Imaging.size(of: jpeg).width == SheetPreview.width)
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
    #expect(!left.contains { $0.hasPrefix("sheet-preview-") }, "the private folder is removed")
  }

  @Test func aHostilePDFIsStoppedByTheSandboxAndGetsNoPreview() throws {
    let bomb = scratch.write("bomb.pdf", MediaFixtures.fillBombPDF())
    let start = Date()
    let limited = Sandbox(limits: SandboxLimits(wallSeconds: 30, cpuSeconds: 1))
    #expect(SheetPreview.firstPage(of: bomb, sandbox: limited, in: scratch.url) == nil)
    // A liveness bound: stopped by the sandbox, where poppler alone would spin for minutes.
    #expect(Date().timeIntervalSince(start) < 40)
    // The same file through the same tool, with room enough for a real page: still stopped,
    // by the processor-time limit (the spin is poppler's, not a failure to start it).
    #expect(throws: MediaToolError.overLimit("processor time")) {
      try limited.run(PDFPages(maxPages: 1, dpi: 72), input: bomb, folder: scratch.url.path)
    }
  }
}
