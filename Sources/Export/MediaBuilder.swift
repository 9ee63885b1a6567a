import Catalog
import Foundation
import MediaTools
import Synchronization

/// What the gallery has for one stored file. Never the original: every published byte is a
/// re-encoded derivative.
package struct PublishedMedia: Codable, Equatable, Sendable {
  struct Size: Codable, Equatable, Sendable {
    var width: Int
    var height: Int
    var webp: String
    /// Only at the share width (and a PDF page's largest): WebP is what pages show.
    var jpeg: String?
  }
  enum Kind: String, Codable, Sendable { case image, animation, video, audio, pdf, text }
  var kind: Kind = .image
  /// The picture that stands for the file, smallest first: the image itself, a video's poster,
  /// an audio file's waveform, a PDF's first page, an animation's still.
  var sizes: [Size] = []
  /// Every PDF page shown, each smallest first (the first is `sizes`).
  var pages: [[Size]] = []
  /// A picture drawn at its own size, published as it was made (an audio card's waveform).
  struct Picture: Codable, Equatable, Sendable {
    var width: Int
    var height: Int
    /// Relative to the site root.
    var file: String
  }
  /// An audio file's waveform for its card, at each width, smallest first (`CardWaveform`).
  /// Optional: an entry recorded before cards had one reads as none.
  var waveform: [Picture]?
  /// The playable or downloadable derivative (relative to the site root): a web MP4, an M4A,
  /// a muted looping MP4 of an animation, a PDF rebuilt from the page images alone.
  var rendition: String?
  /// Plain text, to be shown escaped.
  var text: String?
  var textTruncated = false

  /// Every file this entry needs in the site.
  var files: [String] {
    (sizes + pages.flatMap { $0 }).flatMap { [$0.webp] + ($0.jpeg.map { [$0] } ?? []) } + (rendition.map { [$0] } ?? [])
      + (waveform ?? []).map(\.file)
  }
}

/// Makes derivatives (in parallel, skipping those an earlier export made): images through
/// libvips in `salon media-worker`; audio, video, animation and PDF through Debian's tools; each
/// a sandboxed child of MediaTools, none in Salon's own process.
///
/// Unchecked Sendable: the parallel jobs read only the archive's file paths and the builder's
/// immutable settings, never the catalog's database connection.
package struct MediaBuilder: @unchecked Sendable {
  /// Nil on a node that derives from a plan (`salon derive`): it has the originals only.
  let archive: SalonArchive?
  let output: URL
  /// Every derivative is made in a private folder, then moved in through the site's no-follow
  /// path: a link planted in `media/` while the export runs is never written through.
  let site: SiteFolder
  let previous: Exporter.Manifest
  let settings: ExportSettings
  /// Other folders whose derivatives may be copied in rather than made again (a jury room takes
  /// the gallery's, and an earlier room's).
  package var donors: [Donor] = []
  /// Which of a work's files get derivatives.
  package var roles: Set<FileRole> = MediaBuilder.publishedRoles
  /// False in a jury room: a PDF's text may name its artist, so only its page images go in.
  package var keepsPDFFile = true
  /// Whether the archive's derivatives, shared by its exports and rooms, are looked up before
  /// anything is made and given whatever is made.
  package var usesCache = true
  var cache: DerivativeCache? { usesCache ? archive.map(DerivativeCache.init) : nil }
  /// A folder of originals named by their SHA-256 (a node's copy, `salon derive`), read instead
  /// of the archive's store.
  package var originals: URL?
  /// Set by `salon export --plan`: derivatives the cache lacks are listed here, not made.
  package var planned: PlannedDerivatives?
  /// Only fill the cache: what it holds already is not placed in `output` (a scratch folder).
  package var fillsCacheOnly = false

  package init(
    archive: SalonArchive?, output: URL, site: SiteFolder, previous: Exporter.Manifest, settings: ExportSettings
  ) {
    self.archive = archive
    self.output = output
    self.site = site
    self.previous = previous
    self.settings = settings
  }

  package struct Donor {
    var folder: URL
    var manifest: Exporter.Manifest

    package init(folder: URL, manifest: Exporter.Manifest) {
      self.folder = folder
      self.manifest = manifest
    }
  }

  package struct Outcome {
    var media: [String: PublishedMedia] = [:]
    package var files: [String: String] = [:]
    package var sizes: [String: [Int]] = [:]
    /// What each stored file published, by `cacheKey`, for the next export.
    package var published: [String: PublishedMedia] = [:]
    package var made = 0
    package var reused = 0
    /// Of those reused, how many were copied from a donor.
    var donated = 0
    var mediaSeconds = 0.0
    package var failures: [ExportReport.Failure] = []
  }

  static let publishedRoles: Set<FileRole> = [.main, .video, .supplementary]
  /// What a jury room shows of a work: its description too.
  static let juryRoomRoles: Set<FileRole> = [.main, .video, .supplementary, .description]
  static let textLimit = 256 * 1024

  struct Job {
    var sha: String
    var type: String
    var maxPixels: Int
    var owner: (exhibition: String, id: String, file: String)
    /// What ingest's decoders learnt of the file, so it is neither probed nor sniffed again;
    /// nil for a file ingested by an older Salon.
    var facts: RecordedFacts?
    /// An animation's frames, as ingest counted them.
    var frames: Int?
    /// Where the file's bytes are (loose in the store or inside its zip), found before the
    /// parallel work starts, which reads no catalog.
    var source: StoredFile
  }

  /// A stored file and the settings that shape its derivatives: a change of either remakes them.
  /// The keys under which the shared cache may hold what this builder needs: a PDF's pages made
  /// for a room (no cleaned PDF beside them) serve a room, never an export.
  func cacheKeys(_ job: Job) -> [String] {
    let key = cacheKey(job)
    return Self.family(job.type) == .pdf && !keepsPDFFile ? [key, key + " pages"] : [key]
  }

  func storageKey(_ key: String, _ media: PublishedMedia) -> String {
    media.kind == .pdf && media.rendition == nil ? key + " pages" : key
  }

  /// The recipe and the versions of the tools that follow it (`ToolVersions`): another ffmpeg
  /// or libvips may make other bytes, so it makes another key. Salon's own version is not in
  /// it: an upgrade of Salon must not make a call's 400,000 photographs again, and a recipe
  /// text (`ImageDerivatives.recipe`, `CardWaveform.recipe`) changes when Salon's output does.
  func cacheKey(_ job: Job) -> String { recipeKey(job) + " tools " + ToolVersions.current }

  func recipeKey(_ job: Job) -> String {
    if isAnimation(job) { return "\(job.sha) animation \(settings.videoMaxSide) \(CleanRemux.recipe)" }
    switch Self.family(job.type) {
    case .video, .animation: return "\(job.sha) video \(settings.videoMaxSide) \(CleanRemux.recipe)"
    // "image-pdf": the PDF beside the pages is rebuilt from them; an entry from before, whose
    // PDF qpdf copied with its scripts and attachments, is never reused.
    case .pdf: return "\(job.sha) image-pdf \(settings.pdfPages) \(settings.pdfDPI)"
    // The card's waveform came later: an entry from before, which has none, is made again.
    case .audio: return "\(job.sha) audio \(CardWaveform.recipe) \(CleanRemux.recipe)"
    default: return "\(job.sha) image \(Exporter.widths) \(ImageDerivatives.recipe)"
    }
  }

  static func family(_ type: String) -> PublishedMedia.Kind {
    if type.hasPrefix("video/") { return .video }
    if type.hasPrefix("audio/") { return .audio }
    if type == "application/pdf" { return .pdf }
    if type == "text/plain" { return .text }
    return .image
  }

  func build(_ exhibitions: [SiteModel.ExhibitionModel], progress: @Sendable (Int, Int, Double) -> Void) throws
    -> Outcome
  {
    try build(works: exhibitions.map { ($0.exhibition, $0.works.map(\.work)) }, progress: progress)
  }

  package func build(
    works sources: [(exhibition: Exhibition, works: [Work])], progress: @Sendable (Int, Int, Double) -> Void
  )
    throws
    -> Outcome
  {
    var outcome = Outcome()
    var jobs: [String: Job] = [:]
    for (exhibition, works) in sources {
      for work in works {
        for file in work.files where roles.contains(file.role) {
          if outcome.media[file.sha256] != nil { continue }
          if var job = jobs[file.sha256] {
            // The same bytes received again since Salon records facts: the new record serves.
            if job.facts == nil, file.facts != nil, job.type == file.type {
              (job.facts, job.frames) = (file.facts, file.frames)
              jobs[file.sha256] = job
            }
            continue
          }
          if Self.family(file.type) == .text {
            outcome.media[file.sha256] = readText(try storedFile(file.sha256))
          } else if file.type.hasPrefix("image/") || Self.family(file.type) != .image {
            jobs[file.sha256] = Job(
              sha: file.sha256, type: file.type, maxPixels: exhibition.limits.maxPixels,
              owner: (exhibition.slug, work.id, file.path), facts: file.facts, frames: file.frames,
              source: try storedFile(file.sha256))
          }
        }
      }
    }

    cache?.sweepPartials()
    let ordered = jobs.values.sorted { $0.sha < $1.sha }
    let shared = Mutex(SharedOutcome())
    let sandbox = Sandbox(limits: settings.mediaLimits, isCancelled: settings.isCancelled)
    DispatchQueue.concurrentPerform(iterations: ordered.count) { index in
      let job = ordered[index]
      let key = cacheKey(job)
      // The manifest lives in the site, where anyone may edit it: reuse only this file's own
      // derivatives of this key, inside the site, recorded and present (an entry published
      // under names without the key's digest is placed again from the cache, under new names).
      let own = Self.publishedStem(sha: job.sha, key: key)
      func reuse(_ cached: PublishedMedia) {
        shared.withLock { shared in
          shared.published[key] = cached
          shared.media[job.sha] = cached
          shared.reused += 1
          shared.done += 1
          progress(shared.done, ordered.count, shared.mediaSeconds)
        }
      }
      if let cached = previous.published?[key].map(shown), cached.text == nil,
        cached.files.allSatisfy({
          SiteFolder.isSafe($0) && $0.hasPrefix(own) && previous.files[$0] != nil && site.hasFile($0)
        })
      {
        reuse(cached)
        return
      }
      if let cache,
        let (cacheKey, cached) = cacheKeys(job).lazy.compactMap({ k in
          cache.entry(for: k, sha: job.sha).map { (k, self.shown($0)) }
        }).first,
        fillsCacheOnly || (try? placeFromCache(cached, key: cacheKey, cache: cache, sha: job.sha, stem: own)) != nil
      {
        reuse(cached.renamed { Self.publishedName($0, sha: job.sha, stem: own) })
        return
      }
      if let given = copyFromDonor(key: key, own: own) {
        cache?.store(given, key: storageKey(key, given), from: output)
        shared.withLock { shared in
          shared.published[key] = given
          shared.media[job.sha] = given
          shared.reused += 1
          shared.donated += 1
          shared.done += 1
          progress(shared.done, ordered.count, shared.mediaSeconds)
        }
        return
      }
      if settings.isCancelled() {
        shared.withLock { shared in shared.cancelled = true }
        return
      }
      let failureKey = self.failureKey(job)
      if let cache, !settings.retryFailed, let failed = cache.failure(for: failureKey) {
        shared.withLock { shared in
          shared.failures.append(
            .init(
              exhibition: job.owner.exhibition, id: job.owner.id, file: job.owner.file, code: failed.code,
              message: failed.message, notRetried: true))
          shared.done += 1
          progress(shared.done, ordered.count, shared.mediaSeconds)
        }
        return
      }
      if let planned, planned.add(job, key: key, builder: self) {
        shared.withLock { shared in
          shared.done += 1
          progress(shared.done, ordered.count, shared.mediaSeconds)
        }
        return
      }
      do {
        // An earlier file of this name may share its bytes with the cache (a hard link): it
        // goes first, so nothing made anew can touch the cache's copy.
        removePartialOutputs(of: job.sha)
        var (made, seconds) = try make(job, sandbox: sandbox)
        if !keepsPDFFile, made.kind == .pdf, let file = made.rendition {
          site.remove(file)
          made.rendition = nil
        }
        cache?.store(made, key: storageKey(key, made), from: output)
        cache?.forgetFailure(key: failureKey)
        shared.withLock { shared in
          shared.published[key] = made
          shared.media[job.sha] = made
          shared.made += 1
          shared.mediaSeconds += seconds
        }
      } catch MediaToolError.cancelled {
        shared.withLock { shared in shared.cancelled = true }
      } catch {
        removePartialOutputs(of: job.sha)
        let failure = ExportReport.Failure(
          exhibition: job.owner.exhibition, id: job.owner.id, file: job.owner.file, error: error)
        cache?.storeFailure(.init(code: failure.code, message: failure.message), key: failureKey)
        shared.withLock { shared in shared.failures.append(failure) }
      }
      shared.withLock { shared in
        shared.done += 1
        progress(shared.done, ordered.count, shared.mediaSeconds)
      }
    }
    let found = shared.withLock { $0 }
    if found.cancelled { throw ExportError.interrupted }
    for (sha, media) in found.media { outcome.media[sha] = media }
    for media in outcome.media.values {
      for size in media.sizes + media.pages.flatMap({ $0 }) {
        outcome.files[size.webp] = "derived:\(size.webp)"
        if let jpeg = size.jpeg { outcome.files[jpeg] = "derived:\(jpeg)" }
        outcome.sizes[size.webp] = [size.width, size.height]
      }
      if let rendition = media.rendition { outcome.files[rendition] = "derived:\(rendition)" }
      for picture in media.waveform ?? [] { outcome.files[picture.file] = "derived:\(picture.file)" }
    }
    outcome.published = found.published
    outcome.made = found.made
    outcome.reused = found.reused
    outcome.donated = found.donated
    outcome.mediaSeconds = found.mediaSeconds
    outcome.failures = found.failures.sorted { ($0.exhibition, $0.id, $0.file) < ($1.exhibition, $1.id, $1.file) }
    return outcome
  }

  /// An entry as this builder shows it: without the PDF file where only pages may go.
  func shown(_ media: PublishedMedia) -> PublishedMedia {
    var media = media
    if !keepsPDFFile, media.kind == .pdf { media.rendition = nil }
    return media
  }

  /// Derivatives the archive's cache holds, copied into the site through its no-follow path,
  /// each under its published name (`publishedName`, with `stem`).
  func placeFromCache(_ entry: PublishedMedia, key: String, cache: DerivativeCache, sha: String, stem: String)
    throws
  {
    let folder = try PrivateFolder(in: output.path, prefix: ".partial-media-")
    // (A PDF lists its first page twice: once as its poster.)
    for (index, file) in Set(entry.files).sorted().enumerated() {
      let name = Self.publishedName(file, sha: sha, stem: stem)
      guard SiteFolder.isSafe(file), SiteFolder.isSafe(name) else {
        throw ExportError.output("The cache names an unsafe file \(file).")
      }
      let temporary = folder.file("cached-\(index)")
      try cache.give(file, key: key, to: temporary)
      try publish(temporary, as: name)
    }
  }

  /// A donor's derivatives of one stored file, copied in: only its own files, listed in its
  /// manifest, regular files inside its folder. Nil when no donor has them all.
  func copyFromDonor(key: String, own: String) -> PublishedMedia? {
    for donor in donors {
      guard let entry = donor.manifest.published?[key].map(shown), entry.text == nil, !entry.files.isEmpty,
        entry.files.allSatisfy({
          SiteFolder.isSafe($0) && $0.hasPrefix(own) && donor.manifest.files[$0] != nil
            && Self.isRegularFile(donor.folder.appendingPathComponent($0).path)
        })
      else { continue }
      do {
        let folder = try PrivateFolder(in: output.path, prefix: ".partial-media-")
        for (index, file) in entry.files.enumerated() {
          let temporary = folder.file("copy-\(index)")
          try FileManager.default.copyItem(atPath: donor.folder.appendingPathComponent(file).path, toPath: temporary)
          try publish(temporary, as: file)
        }
        return entry
      } catch {
        removePartialOutputs(of: String(own.dropFirst(9)))
        continue
      }
    }
    return nil
  }

  /// The stored file of `sha`: the archive's, or a node's copy in `originals`.
  func storedFile(_ sha: String) throws -> StoredFile {
    if let originals { return StoredFile(loose: originals.appendingPathComponent(sha), sha256: sha) }
    guard let archive else { throw StoredFileError.unreadable(sha) }
    return try archive.storedFile(sha256: sha)
  }

  static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
  }

  func readText(_ source: StoredFile) -> PublishedMedia {
    var media = PublishedMedia(kind: .text)
    let data = try? source.withPath { path -> Data? in
      guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
      defer { try? handle.close() }
      return (try? handle.read(upToCount: Self.textLimit + 1)) ?? Data()
    }
    if let data {
      media.text = String(decoding: data.prefix(Self.textLimit), as: UTF8.self)
      media.textTruncated = data.count > Self.textLimit
    }
    return media
  }
}

/// What the parallel jobs have found so far, kept under one lock.
private struct SharedOutcome: Sendable {
  var media: [String: PublishedMedia] = [:]
  var published: [String: PublishedMedia] = [:]
  var made = 0
  var reused = 0
  var donated = 0
  var done = 0
  var mediaSeconds = 0.0
  var cancelled = false
  var failures: [ExportReport.Failure] = []
}
