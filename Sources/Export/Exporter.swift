import Basics
import Catalog
import Foundation
import Hashing
import MediaTools

/// What an export did, and every work it left out with why.
package struct ExportReport: Codable, Equatable, Sendable {
  package struct LeftOut: Codable, Equatable, Sendable {
    package var exhibition: String
    package var id: String
    package var title: String
    package var reasons: [String]
  }
  package struct Failure: Codable, Equatable, Sendable {
    package var exhibition: String
    package var id: String
    package var file: String
    package var code: ExportFailureCode
    package var message: String
    /// True when the file failed at an earlier export with the same bytes, recipe and limits,
    /// and was not tried again (`salon export --retry-failed` tries it).
    package var notRetried: Bool?

    /// A failure recorded at an earlier export, reported again.
    init(exhibition: String, id: String, file: String, code: ExportFailureCode, message: String, notRetried: Bool?) {
      self.exhibition = exhibition
      self.id = id
      self.file = file
      self.code = code
      self.message = message
      self.notRetried = notRetried
    }

    /// The failure `error` caused, with its code and its one sentence (never a raw dump).
    init(exhibition: String, id: String, file: String, error: Error) {
      self.exhibition = exhibition
      self.id = id
      self.file = file
      code = ExportFailureCode(error)
      message =
        switch error {
        case let error as MediaToolError: error.description
        case let error as ImageError: error.description
        case let error as ExportError: error.description
        case let error as PDFPageTimedOut: error.description
        default: FileProblem.plainSentence(for: error)
        }
    }
  }
  package var output: String
  package var exhibitions: [String]
  package var works: Int
  package var pages: Int
  package var written: Int
  package var unchanged: Int
  package var removed: Int
  /// Files an earlier export made that this one no longer does, left in place (see `--prune`).
  package var kept: Int = 0
  /// The pages and media removed because their work is no longer published (declined, rights
  /// or authorship revoked), relative to the site's root: the addresses a CDN should purge.
  package var unpublished: [String]? = nil
  package var derivativesMade: Int
  package var derivativesReused: Int
  /// Seconds of audio and video transcoded by this run.
  package var mediaSecondsTranscoded: Double
  package var leftOut: [LeftOut]
  package var failures: [Failure]
}

/// Why one file of a work was not published: a stable code for scripts. The codes ingest also
/// uses (`media-damaged`, `media-timed-out`, `media-over-limit`, `image-too-large`) mean the same
/// thing there.
package enum ExportFailureCode: String, Codable, CaseIterable, Sendable {
  case mediaDamaged = "media-damaged"
  case mediaTimedOut = "media-timed-out"
  case mediaOverLimit = "media-over-limit"
  case imageTooLarge = "image-too-large"
  case mediaFormatNotAllowed = "media-format-not-allowed"
  case mediaToolMissing = "media-tool-missing"
  case storedFileUnreadable = "stored-file-unreadable"
  case outputNotWritten = "output-not-written"

  init(_ error: Error) {
    switch error {
    case let error as MediaToolError:
      switch error {
      case .timedOut: self = .mediaTimedOut
      case .overLimit: self = .mediaOverLimit
      case .crashed, .failed, .unreadable: self = .mediaDamaged
      case .formatNotAllowed: self = .mediaFormatNotAllowed
      case .missingTool, .sandboxUnavailable: self = .mediaToolMissing
      case .unreadableInput: self = .storedFileUnreadable
      // Never reached: cancellation stops the whole export rather than failing one file.
      case .cancelled: self = .mediaTimedOut
      }
    case is PDFPageTimedOut: self = .mediaTimedOut
    case let error as ImageError:
      switch error {
      case .unreadable, .cannotTransform: self = .mediaDamaged
      case .tooLarge: self = .imageTooLarge
      case .unavailable: self = .mediaToolMissing
      case .cannotSave, .cannotRemoveMetadata: self = .outputNotWritten
      }
    default: self = .outputNotWritten
    }
  }
}

/// How the gallery's media is made. Every number is clamped to a sane range.
package struct ExportSettings: Sendable {
  /// Longest side of a published video or animation, in pixels.
  package var videoMaxSide: Int
  /// Pages of a PDF work shown as images.
  package var pdfPages: Int
  /// Resolution PDF pages are rendered at (the images are then never upscaled).
  package var pdfDPI: Int
  /// Limits for each run of ffmpeg or poppler on one file (a PDF page has its own, smaller bound).
  package var mediaLimits: SandboxLimits
  /// The site's web address, checked, with a trailing slash (`--base-url`).
  package var baseURL: String? = nil
  /// Works on one page of an exhibition or a filter (`--works-per-page`), within 1...10,000.
  package var worksPerPage = PageRenderer.defaultWorksPerPage {
    didSet {
      worksPerPage = min(max(worksPerPage, Self.worksPerPageRange.lowerBound), Self.worksPerPageRange.upperBound)
    }
  }
  package static let worksPerPageRange = PageRenderer.worksPerPageRange
  /// The defaults of `--video-size` and `--pdf-pages`, in one place.
  package static let defaultVideoMaxSide = 1280
  package static let defaultPDFPages = 20
  /// Try again the files that failed at an earlier export (their failures are otherwise
  /// remembered, by bytes, recipe and limits, and reported without running a tool).
  package var retryFailed = false
  /// Raised by the caller (Ctrl-C): the running tool is killed at once and the export stops.
  package var isCancelled: @Sendable () -> Bool
  /// Files done, files in all, seconds of media transcoded: for a progress line.
  package var progress: (@Sendable (_ done: Int, _ total: Int, _ mediaSeconds: Double) -> Void)?

  package init(
    videoMaxSide: Int = defaultVideoMaxSide, pdfPages: Int = defaultPDFPages, pdfDPI: Int = 150,
    mediaLimits: SandboxLimits = SandboxLimits(),
    isCancelled: @escaping @Sendable () -> Bool = { false },
    progress: (@Sendable (_ done: Int, _ total: Int, _ mediaSeconds: Double) -> Void)? = nil
  ) {
    // The command line refuses numbers outside these ranges; other callers are clamped.
    self.videoMaxSide = Int(
      min(max(Double(videoMaxSide), SettingRange.videoSide.lowest), SettingRange.videoSide.highest))
    self.pdfPages = Int(min(max(Double(pdfPages), SettingRange.pdfPages.lowest), SettingRange.pdfPages.highest))
    self.pdfDPI = min(max(pdfDPI, 36), 600)
    self.mediaLimits = mediaLimits
    self.isCancelled = isCancelled
    self.progress = progress
  }
}

/// Builds the static gallery: every exhibition, newest first, with only the works that are
/// selected, have their rights granted and their authorship affirmed.
package final class Exporter {
  let archive: SalonArchive
  var theme: Theme
  let settings: ExportSettings
  /// Derivative widths for images and PDF previews; 2400 is for the full-screen viewer, made
  /// only from originals that large (never upscaled).
  package static let widths = [480, 1200, 2400]
  package static let manifestName = ".salon-export.json"

  package init(archive: SalonArchive, theme: Theme, settings: ExportSettings = ExportSettings()) {
    self.archive = archive
    self.theme = theme
    self.settings = settings
  }

  package struct Manifest: Codable {
    var format = "salon-export-1"
    /// Every file the export wrote, by relative path, with its SHA-256.
    package var files: [String: String] = [:]
    /// Derivative sizes, by file name, so a re-export need not decode anything.
    package var sizes: [String: [Int]] = [:]
    /// What each stored file published, by source and settings, so a re-export does no media work.
    package var published: [String: PublishedMedia]? = nil
    /// Each published work's page and media, by "exhibition/id", so a work unpublished later
    /// loses what was made for it.
    package var works: [String: [String]]? = nil

    package init() {}
  }

  /// Writes the site into `output`. Files an earlier export made and this one does not stay
  /// unless `prune` is set (a catalog that suddenly knows fewer works must not unpublish them);
  /// `clean` removes everything an earlier export made first. Progress is the stage ("images",
  /// "pages"), then done and total (media files report through the settings).
  package func export(
    to output: URL, clean: Bool, prune: Bool = false, progress: ((String, Int, Int) -> Void)? = nil
  ) throws -> ExportReport {
    let inputs = ExportStamp.inputs(settings: settings, theme: theme)
    let changesAtStart = try archive.changeCount()
    if !clean, !prune, let inputs, let stamp = ExportStamp.load(archive: archive, output: output),
      stamp.format == ExportStamp.currentFormat, stamp.inputs == inputs, stamp.catalogChanges == changesAtStart,
      stamp.report.failures.isEmpty, stamp.siteIsAsLeft(output)
    {
      return try exportWithNothingChanged(to: output, stamp: stamp)
    }
    // Until this run finishes, the site may be anything: the next export must look at it whole.
    ExportStamp.remove(archive: archive, output: output)
    let fileManager = FileManager.default
    var previous = Manifest()
    var isFolder: ObjCBool = false
    if fileManager.fileExists(atPath: output.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else {
        throw ExportError.output("\(output.path) is a file; export writes a site into a folder, so choose one with -o.")
      }
      let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
      if let data = Self.readManifest(in: output),
        let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
      {
        // The manifest lives in the site, where anyone may edit it: trust none of its paths.
        if let bad = manifest.files.keys.sorted().first(where: { !SiteFolder.isSafe($0) }) {
          throw ExportError.output(
            "The export manifest in \(output.path) lists \"\(bad)\", which is not inside the site; it has been edited, so export to a new folder."
          )
        }
        previous = manifest
      } else if contents.contains(where: { !Self.isPartial($0) }) {
        // (A folder of `.partial-` files only is an export killed before its manifest was written.)
        throw ExportError.output(
          "\(output.path) is not empty and was not made by `salon export`; choose an empty or new folder so nothing of yours is overwritten."
        )
      }
    }
    do {
      let isNew = !fileManager.fileExists(atPath: output.path)
      try fileManager.createDirectory(at: output, withIntermediateDirectories: true)
      // Everyone reads the site, no one else writes it: Foundation asks for 0777, which a umask
      // of 000 leaves writable by all (the files and folders inside are 0644 and 0755).
      if isNew { chmod(output.path, 0o755) }
    } catch {
      throw ExportError.output(
        FileProblem.sentence(for: error, path: output.path, writing: true)?.description
          ?? "Salon could not make the export folder \(output.path).")
    }
    let folder = try SiteFolder(output)
    if let link = folder.links().first {
      throw ExportError.output(
        "\(link) in the export folder \(output.path) is a link; Salon does not write through links, so remove it and export again."
      )
    }
    if clean {
      for path in previous.files.keys { folder.remove(path) }
      folder.remove(Self.manifestName)
      folder.removeEmptyFolders()
      previous = Manifest()
    }
    // Mark the folder as an export before anything else goes in, so a run killed midway can be
    // resumed; and sweep the partial files such a run left.
    if !folder.hasFile(Self.manifestName) {
      try SiteWriter(folder: folder, previous: previous).writeManifest()
    }
    Self.removePartialFiles(in: output)

    var site = SiteWriter(folder: folder, previous: previous)
    let model = try SiteModel(archive: archive)
    var report = ExportReport(
      output: output.path, exhibitions: model.exhibitions.map(\.exhibition.slug),
      works: model.exhibitions.map(\.works.count).reduce(0, +), pages: 0, written: 0, unchanged: 0, removed: 0,
      derivativesMade: 0, derivativesReused: 0, mediaSecondsTranscoded: 0, leftOut: model.leftOut, failures: [])

    // Derivatives first (in parallel), then the pages that show them.
    let media = MediaBuilder(archive: archive, output: output, site: folder, previous: previous, settings: settings)
    let mediaProgress = settings.progress
    let outcome = try media.build(model.exhibitions) { done, total, seconds in
      mediaProgress?(done, total, seconds)
    }
    try prepareJuryRooms(model.exhibitions.map(\.exhibition))
    report.derivativesMade = outcome.made
    report.derivativesReused = outcome.reused
    report.mediaSecondsTranscoded = (outcome.mediaSeconds * 10).rounded() / 10
    report.failures = outcome.failures
    for (path, sha) in outcome.files { site.record(path, sha256: sha) }
    site.manifest.sizes = outcome.sizes
    site.manifest.published = outcome.published

    // Gallery/room/ is the jury room's, never published.
    for asset in try theme.assets() where !asset.relative.hasPrefix(Theme.roomAssets) {
      guard let data = try Theme.readThemeFile(asset.url, name: "Gallery/\(asset.relative)") else { continue }
      try site.write("assets/" + asset.relative, data)
    }
    let renderer = PageRenderer(
      model: model, media: outcome, baseURL: settings.baseURL, worksPerPage: settings.worksPerPage)
    let pageCount = renderer.pageCount
    var paths: [String] = []
    // One theme for every page, so each template and partial is read and parsed once, not per page.
    var theme = self.theme
    try renderer.forEachPage { page in
      paths.append(page.path)
      guard let template = try theme.template(page.template) else {
        throw ExportError.theme("The theme has no template \(page.template).")
      }
      let html = try template.render(page.context) { name in try theme.template("_\(name).html") }
      try site.write(page.path, Data(html.utf8))
      report.pages += 1
      progress?("pages", report.pages, pageCount)
    }
    for file in try renderer.extraFiles(paths: paths) { try site.write(file.path, file.data) }
    site.recordWorks(model, media: outcome)
    report.unpublished = site.removeUnpublished(model.unpublished)
    report.unpublished = (report.unpublished ?? []) + site.removeWithheld(model.withheld)
    // Not among those to purge: no page names them, and each name kept its one content.
    report.removed = site.removeSuperseded(published: Set(outcome.media.keys)).count
    if prune {
      report.removed += site.removeStale()
    } else {
      report.kept = site.keepStale()
    }
    report.written = site.written
    report.unchanged = site.unchanged
    try site.writeManifest()
    let changesAfter = try archive.record(
      "export",
      detail: [
        "output": output.path, "works": report.works, "pages": report.pages, "written": report.written,
        // An opt-out of the media sandbox is recorded with the export it touched.
        "mediaUnconfined": Sandbox.runsUnconfined,
      ],
      unchangedSince: changesAtStart)
    // Remembered only when the catalog did not change while the pages were made from it, and
    // nothing failed (a failed file is tried again next time).
    if let changesAfter, let inputs, report.failures.isEmpty,
      let manifest = ExportStamp.FileIdentity(
        output.resolvingSymlinksInPath().appendingPathComponent(Self.manifestName).path)
    {
      let stamp = ExportStamp(
        catalogChanges: changesAfter, inputs: inputs, manifest: manifest,
        folders: ExportStamp.folders(of: output, holding: site.manifest.files.keys), report: report)
      try? stamp.save(archive: archive, output: output)
    }
    return report
  }

  /// The export when neither the catalog, the settings, the theme, Salon itself nor the site
  /// changed since the last one: every file it would write is already there, so it writes none.
  func exportWithNothingChanged(to output: URL, stamp: ExportStamp) throws -> ExportReport {
    var report = stamp.report
    report.output = output.path
    report.unchanged += report.written
    report.written = 0
    report.removed = 0
    report.unpublished = nil
    report.derivativesReused += report.derivativesMade
    report.derivativesMade = 0
    report.mediaSecondsTranscoded = 0
    let changesAfter = try archive.record(
      "export", detail: ["output": output.path, "works": report.works, "pages": report.pages, "written": 0],
      unchangedSince: stamp.catalogChanges)
    if let changesAfter {
      var next = stamp
      next.catalogChanges = changesAfter
      next.report = report
      try? next.save(archive: archive, output: output)
    } else {
      ExportStamp.remove(archive: archive, output: output)
    }
    return report
  }

  /// A jury room shows more than the gallery: each assigned work's description as page images,
  /// and works not selected for it. Those are made now into the archive's derivative cache (never
  /// into the site), so a room built after this export only copies finished files.
  func prepareJuryRooms(_ exhibitions: [Exhibition]) throws {
    // An exhibition whose rooms leave descriptions out (`exhibition room-descriptions`) needs no
    // page of them made.
    var sources: [Bool: [(exhibition: Exhibition, works: [Work])]] = [:]
    for exhibition in exhibitions {
      let assigned = Set(try archive.assignments(exhibition: exhibition.id).map(\.work))
      if assigned.isEmpty { continue }
      let descriptions = try archive.roomDescriptions(exhibition: exhibition) != .leftOut
      sources[descriptions, default: []].append(
        (exhibition, try archive.works(exhibition: exhibition).filter { assigned.contains($0.rowID) }))
    }
    guard !sources.isEmpty else { return }
    // In the archive's own scratch space, private like the cache it fills.
    let scratch = try PrivateFolder(in: archive.temporaryRoot.path, prefix: "jury-rooms-")
    let scratchURL = URL(fileURLWithPath: scratch.path)
    for (descriptions, works) in sources.sorted(by: { !$0.key && $1.key }) {
      var rooms = MediaBuilder(
        archive: archive, output: scratchURL, site: try SiteFolder(scratchURL), previous: Manifest(), settings: settings
      )
      rooms.roles = descriptions ? MediaBuilder.juryRoomRoles : MediaBuilder.juryRoomRoles.subtracting([.description])
      rooms.keepsPDFFile = false
      rooms.fillsCacheOnly = true
      _ = try rooms.build(works: works) { _, _, _ in }
    }
  }

  /// Files named `.partial-…` are being written, or were when a run was killed.
  package static func isPartial(_ name: String) -> Bool { AtomicFile.isPartial(name) }

  package static func removePartialFiles(in root: URL) {
    guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return }
    while let path = enumerator.nextObject() as? String {
      if isPartial((path as NSString).lastPathComponent) {
        try? FileManager.default.removeItem(at: root.appendingPathComponent(path))
      }
    }
  }

  /// The manifest's bytes, read only if it is a regular file in the folder.
  static func readManifest(in output: URL) -> Data? {
    try? InputFile.read(output.appendingPathComponent(manifestName).path, limit: 256 << 20, followingLinks: false)
  }
}
