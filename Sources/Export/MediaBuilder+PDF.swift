import Foundation
import MediaTools

/// A page of a PDF that ran past its own bound while poppler rendered it.
struct PDFPageTimedOut: Error, Equatable, CustomStringConvertible {
  var page: Int
  var seconds: Int

  var description: String {
    "Page \(page) of the PDF took longer than its limit of \(seconds) s to render and was stopped; it is probably hostile or far too complex to show."
  }
}

extension MediaBuilder {
  /// Processor seconds one page's render may take. A dense page (a vector map, a scanned page)
  /// renders at 150 dpi in well under 2 s, so this leaves ten times that; a page made to spin
  /// poppler costs 20 s, not the file's whole limit (600 s by default), and 20 pages of 20 s
  /// still fit in it. The juror sheet's preview has the same bound.
  static let pageProcessorSeconds = 20
  /// Clock seconds one page's render may take: three times its processor time, for a machine
  /// busy with other work.
  static let pageWallSeconds = 60.0

  /// What a PDF work publishes: its pages as pictures (poppler renders each in the sandbox under
  /// its own bound; the image worker only reads the PNGs), and a PDF Salon writes around those pictures.
  /// Nothing of the artist's document reaches the site but what its pages look like: no script,
  /// action, link, annotation, attachment, outline, text layer or metadata.
  func pdf(_ source: String, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox) throws -> PublishedMedia {
    var media = PublishedMedia(kind: .pdf)
    let count = try sandbox.pdfPageCount(source, workingFolder: folder.path)
    guard count > 0 else { throw MediaToolError.unreadable }
    // Every page is rendered before any is encoded: a hostile page further on fails the file
    // before libvips has spent anything on the pages before it.
    let started = DispatchTime.now().uptimeNanoseconds
    var renders: [String] = []
    for number in 1...min(count, settings.pdfPages) {
      renders.append(try renderPage(number, of: source, folder: folder, sandbox: sandbox, started: started))
    }
    for (index, page) in renders.enumerated() {
      // The largest width's JPEG is what the PDF Salon writes holds (a PDF cannot hold WebP).
      media.pages.append(
        try images(
          of: page, maxPixels: 100_000_000, base: "\(base)-p\(index + 1)", folder: folder, sandbox,
          jpegWidths: [Self.shareWidth, Exporter.widths.max() ?? Self.shareWidth]))
    }
    media.sizes = media.pages[0]
    // (A jury room shows only the pages: a document's text may name its artist.)
    if keepsPDFFile {
      var pages: [ImagePDF.Page] = []
      for (render, sizes) in zip(renders, media.pages) {
        guard let largest = sizes.last, let jpeg = largest.jpeg else { throw MediaToolError.unreadable }
        // The page keeps its printed size: poppler drew it at `pdfDPI` dots per inch.
        let pixels = ImagePDF.pngSize(render) ?? (largest.width, largest.height)
        let inches = 72 / Double(settings.pdfDPI)
        pages.append(
          ImagePDF.Page(
            jpeg: try site.contents(of: jpeg), width: Double(pixels.width) * inches,
            height: Double(pixels.height) * inches))
      }
      let name = base + ".pdf"
      let made = folder.file("document.pdf")
      try ImagePDF.write(pages, to: made)
      try publish(made, as: name)
      media.rendition = name
    }
    return media
  }

  /// Renders page `number` alone, under the page's bound (or what is left of the file's, when
  /// less), into its own folder; the path of the PNG.
  func renderPage(_ number: Int, of source: String, folder: PrivateFolder, sandbox: Sandbox, started: UInt64)
    throws -> String
  {
    let file = sandbox.limits
    let spent = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let left = file.wallSeconds - spent
    guard left > 0 else { throw MediaToolError.timedOut(seconds: file.wallSeconds) }
    var page = sandbox
    page.limits = SandboxLimits(
      wallSeconds: min(Self.pageWallSeconds, left), cpuSeconds: min(Self.pageProcessorSeconds, file.cpuSeconds),
      memoryBytes: file.memoryBytes, fileBytes: file.fileBytes)
    let pageFolder = folder.file("page-\(number)")
    try FileManager.default.createDirectory(atPath: pageFolder, withIntermediateDirectories: false)
    do {
      try page.run(PDFPages(page: number, dpi: settings.pdfDPI), input: source, folder: pageFolder)
    } catch MediaToolError.timedOut where left < Self.pageWallSeconds {
      // The file's own clock ran out, not the page's.
      throw MediaToolError.timedOut(seconds: file.wallSeconds)
    } catch MediaToolError.timedOut, MediaToolError.overLimit("processor time") {
      throw PDFPageTimedOut(page: number, seconds: page.limits.cpuSeconds)
    }
    guard let render = PDFPages.pages(in: pageFolder).first else { throw MediaToolError.unreadable }
    return render
  }
}
