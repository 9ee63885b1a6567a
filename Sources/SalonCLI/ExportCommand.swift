import Basics
import Catalog
import Export
import Foundation
import Imaging
import MediaTools

enum ExportCommand: Command {
  static let usage = """
    Usage: salon export [-o DIR] [--theme DIR] [--prune | --clean] [--video-size PX]
                        [--pdf-pages N] [--media-time-limit SECONDS] [--base-url URL]
                        [--works-per-page N] [--retry-failed] [--json] [--archive DIR]
           salon export --plan FILE [--originals DIR] [the media options above]

    Writes the static gallery of every exhibition in the archive (default: ./gallery). A work
    appears when it is selected, its rights are granted and its authorship affirmed; the report
    lists every work left out and why. Re-exporting rewrites only what changed and removes
    nothing: pages an earlier export made and this one does not stay until you pass --prune.
      -o DIR          Where the site goes (a new folder, or one an earlier export made)
      --theme DIR     A theme folder with Templates/ and/or Gallery/ overriding the default
      --prune         Remove the pages and images an earlier export made that this one does not
      --clean         Remove what an earlier export wrote, then export anew
      --video-size PX Longest side of published videos and animations (default 1280)
      --pdf-pages N   Pages of a PDF work shown as images (default 20)
      --media-time-limit SECONDS
                      Processor time a confined tool may spend on one file (default
                      600; one PDF page 20 at most); the clock allows three times that,
                      and at least 30 s more
      --base-url URL  The address the site will be served from: pages get absolute canonical
                      links and link previews, and a sitemap.xml and an Atom feed are written
      --works-per-page N
                      Works on one page of an exhibition or a filter (default 120, 1 to
                      10000); more go on page-2.html and on, linked from each page
      --retry-failed  Try again the files that failed at an earlier export. A file that
                      failed stays failed (and is listed each time) until its bytes, the
                      settings that shape it or the limits change, so an export does not pay
                      for it again
      --plan FILE     Write no site: list the derivatives the archive's cache lacks, one line
                      each, for `salon derive` on other machines, and copy their originals
                      to --originals DIR (default: originals/ beside FILE); then `salon cache
                      import` and `salon export` (docs/distributed.md)
      --json          Print the report as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments,
      valued: archiveOptions.union([
        "-o", "--theme", "--video-size", "--pdf-pages", "--media-time-limit", "--base-url", "--works-per-page",
        "--plan", "--originals",
      ]
      ),
      flags: ["--clean", "--prune", "--json", "--retry-failed"])
    guard args.positional.isEmpty else { throw UsageError("export takes only options.") }
    let archive = try openArchive(args)
    let theme = try Theme(override: args.value("--theme").map { URL(fileURLWithPath: $0) })
    let output = try archive.checkOutputPath(args.value("-o") ?? "gallery", kind: .folder)
    let seconds = try args.number("--media-time-limit", in: .mediaSeconds) ?? 600
    let showProgress = standardErrorIsTerminal
    let baseURL = try args.value("--base-url").map(ExportSettings.checkedBaseURL)
    var settings = ExportSettings(
      videoMaxSide: try args.wholeNumber("--video-size", in: .videoSide) ?? ExportSettings.defaultVideoMaxSide,
      pdfPages: try args.wholeNumber("--pdf-pages", in: .pdfPages) ?? ExportSettings.defaultPDFPages,
      mediaLimits: SandboxLimits(processorSeconds: seconds),
      isCancelled: { interruption.isCancelled },
      progress: { done, total, mediaSeconds in
        guard showProgress else { return }
        let media = mediaSeconds > 0 ? String(format: ", %.0f s of media transcoded", mediaSeconds) : ""
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] media files\(media)".utf8))
      })
    settings.baseURL = baseURL
    settings.retryFailed = args.has("--retry-failed")
    if let perPage = try args.wholeNumber("--works-per-page", in: .worksPerPage) { settings.worksPerPage = perPage }
    if args.value("--plan") != nil {
      try DeriveCommand.writePlan(args, archive: archive, settings: settings, theme: theme)
      return
    }
    let report: ExportReport
    do {
      let pages = TerminalProgress("pages written", enabled: showProgress)
      report = try Exporter(archive: archive, theme: theme, settings: settings).export(
        to: output, clean: args.has("--clean"), prune: args.has("--prune")
      ) { _, done, total in pages.update(done, of: total) }
      if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    } catch {
      if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      throw error
    }
    if args.has("--json") {
      try writeJSON(report)
      return
    }
    print(
      "Exported \(report.works) works in \(report.exhibitions.count) exhibition\(report.exhibitions.count == 1 ? "" : "s") to \(report.output)"
    )
    print(
      "  \(report.pages) pages: \(report.written) files written, \(report.unchanged) unchanged, \(report.removed) removed; \(report.derivativesMade) media files made, \(report.derivativesReused) reused."
    )
    if report.kept > 0 {
      print(
        "Kept \(report.kept) file\(report.kept == 1 ? "" : "s") an earlier export made that this one no longer does (pages of works no longer shown, or their images); `salon export --prune` removes them."
      )
    }
    if let gone = report.unpublished, !gone.isEmpty {
      // Full addresses with --base-url, for a CDN's purge; the site's paths otherwise.
      print(
        "Removed \(gone.count) file\(gone.count == 1 ? "" : "s") of works no longer published (declined, or their rights or authorship withdrawn); purge these from any CDN too:"
      )
      for path in gone { print(TerminalText.visible("  " + (settings.baseURL ?? "") + path)) }
    }
    if !report.leftOut.isEmpty {
      print("Left out:")
      for item in report.leftOut {
        print(
          TerminalText.visible(
            "  \(item.exhibition)/\(item.id) \(item.title): \(item.reasons.joined(separator: "; "))."))
      }
    }
    if !report.failures.isEmpty {
      print("Could not publish:")
      for f in report.failures {
        let again =
          f.notRetried == true ? " (failed at an earlier export; not retried: --retry-failed tries again)" : ""
        print(TerminalText.visible("  \(f.exhibition)/\(f.id) \(f.file): \(f.code.rawValue): \(f.message)\(again)"))
      }
    }
    print(
      "Open \(output.appendingPathComponent("index.html").path) in a browser, or copy the folder to any static host.")
    // The site's files are everyone's, but a folder inside the private archive cannot be reached.
    if output.path.hasPrefix(archive.root.resolvingSymlinksInPath().path + "/") {
      print(
        "The archive folder is yours alone, so other users (a web server on this machine) cannot open a gallery inside it; copy the folder out, or export with -o outside the archive."
      )
    }
  }
}
