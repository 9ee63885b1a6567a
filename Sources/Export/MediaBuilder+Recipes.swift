import Basics
import Catalog
import Foundation
import MediaTools

/// The recipes: what each medium publishes, made by the confined tools in a private folder and
/// moved into the site under its published names.
extension MediaBuilder {
  /// The derivatives of one stored file, and the seconds of media it transcoded.
  func make(_ job: Job, sandbox: Sandbox) throws -> (PublishedMedia, Double) {
    do {
      // A file stored inside its zip is unpacked to `tmp/` for the tools, and removed after.
      return try job.source.withPath { try make(job, from: $0, sandbox: sandbox) }
    } catch is StoredFileError {
      throw MediaToolError.unreadableInput
    }
  }

  private func make(_ job: Job, from source: String, sandbox: Sandbox) throws -> (PublishedMedia, Double) {
    let base = publishedStem(job)
    // Outputs are made in a private folder inside the site (swept if a run is killed), then
    // renamed into place: a later export never finds half a file under a published name.
    let folder = try PrivateFolder(in: output.path, prefix: AtomicFile.partialPrefix + "media-")
    switch Self.family(job.type) {
    case .video:
      guard let facts = try facts(of: job, source, folder, sandbox) else { throw MediaToolError.unreadable }
      if facts.video == nil, facts.audio != nil { return try audio(source, facts, base, folder, sandbox) }
      return try video(source, facts, base, folder, sandbox)
    case .audio:
      guard let facts = try facts(of: job, source, folder, sandbox) else { throw MediaToolError.unreadable }
      return try audio(source, facts, base, folder, sandbox)
    case .pdf:
      return (try pdf(source, base, folder, sandbox), 0)
    default:
      if isAnimation(job, source: source) {
        if job.type == "image/webp" { return (try animatedWebP(source, job, base, folder, sandbox), 0) }
        if let facts = try facts(of: job, source, folder, sandbox, countPackets: true),
          let frames = facts.video?.packets, frames > 1
        {
          return try animation(source, facts, base, folder, sandbox)
        }
      }
      var media = PublishedMedia(kind: .image)
      media.sizes = try images(of: source, maxPixels: job.maxPixels, base: base, folder: folder, sandbox)
      return (media, 0)
    }
  }

  /// ffprobe's facts of the file, as ingest recorded them (nil when ingest had nothing to probe).
  /// Only a file ingested by an older Salon, which recorded none, is probed here, as export did
  /// before; `countPackets` then counts an animation's frames.
  func facts(of job: Job, _ source: String, _ folder: PrivateFolder, _ sandbox: Sandbox, countPackets: Bool = false)
    throws -> MediaFacts?
  {
    guard let recorded = job.facts else {
      return try sandbox.probe(source, workingFolder: folder.path, countPackets: countPackets)
    }
    return recorded.probe
  }

  /// Whether the file is an animation (GIF, APNG or WebP of more than one frame), as ingest
  /// counted its frames. Only a file ingested by an older Salon, which recorded no facts, is
  /// sniffed from its header here, as export did before.
  func isAnimation(_ job: Job) -> Bool {
    guard job.facts == nil else { return isAnimation(job, source: "") }
    guard ["image/gif", "image/png", "image/webp"].contains(job.type) else { return false }
    return (try? job.source.withPath { Self.mayBeAnimated($0, type: job.type) }) ?? false
  }

  func isAnimation(_ job: Job, source: String) -> Bool {
    guard ["image/gif", "image/png", "image/webp"].contains(job.type) else { return false }
    guard job.facts != nil else { return Self.mayBeAnimated(source, type: job.type) }
    return (job.frames ?? 0) > 1
  }

  func video(_ source: String, _ facts: MediaFacts, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox)
    throws -> (PublishedMedia, Double)
  {
    guard facts.video != nil else { throw MediaToolError.unreadable }
    var media = PublishedMedia(kind: .video)
    media.sizes = try poster(source, facts, base + "-poster", folder, sandbox)
    try sandbox.run(
      VideoRendition(maxSide: settings.videoMaxSide, hasAudio: facts.audio != nil), input: source,
      demuxer: facts.demuxer, folder: folder.path)
    let name = "\(base)-\(settings.videoMaxSide).mp4"
    try publishCleaned(folder.file(VideoRendition.output), .video, as: name, folder, sandbox)
    media.rendition = name
    return (media, facts.duration ?? 0)
  }

  /// Publishes the rendition as `name`, copied clean (`CleanRemux`), the same step `salon cache
  /// import` takes a node's rendition through, so both give the same bytes. The copy's folder is
  /// new, never one by a fixed name that the tool before it, which could write in `folder`, might
  /// have made a link.
  func publishCleaned(
    _ rendition: String, _ kind: CleanRemux.Kind, as name: String, _ folder: PrivateFolder, _ sandbox: Sandbox
  ) throws {
    let clean = try PrivateFolder(in: folder.path, prefix: "clean-")
    try sandbox.run(CleanRemux(kind: kind), input: Self.madeFile(rendition), demuxer: "mov", folder: clean.path)
    try publish(clean.file(CleanRemux.output), as: name)
  }

  /// A frame that is not black: at 10% of the duration, then further on while nearly black;
  /// the brightest tried when all are dark.
  func poster(_ source: String, _ facts: MediaFacts, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox)
    throws -> [PublishedMedia.Size]
  {
    let duration = facts.duration ?? facts.video?.duration ?? 0
    var best: (brightness: Double, path: String)?
    for (attempt, fraction) in [0.1, 0.3, 0.5, 0.7, 0.0].enumerated() {
      let frameFolder = folder.file("poster-\(attempt)")
      try FileManager.default.createDirectory(atPath: frameFolder, withIntermediateDirectories: true)
      try sandbox.run(
        PosterFrame(at: duration * fraction, maxSide: settings.videoMaxSide), input: source, demuxer: facts.demuxer,
        folder: frameFolder)
      guard let brightness = PosterFrame.meanBrightness(in: frameFolder),
        FileManager.default.fileExists(atPath: frameFolder + "/" + PosterFrame.output)
      else { continue }
      if best == nil || brightness > best!.brightness {
        best = (brightness, frameFolder + "/" + PosterFrame.output)
      }
      if brightness >= 24 { break }
    }
    guard let best else { throw MediaToolError.unreadable }
    return try images(of: best.path, maxPixels: 100_000_000, base: base, folder: folder, sandbox)
  }

  func audio(_ source: String, _ facts: MediaFacts, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox)
    throws -> (PublishedMedia, Double)
  {
    guard facts.audio != nil else { throw MediaToolError.unreadable }
    var media = PublishedMedia(kind: .audio)
    try sandbox.run(Waveform(), input: source, demuxer: facts.demuxer, folder: folder.path)
    media.sizes = try images(
      of: folder.file(Waveform.output), maxPixels: 100_000_000, base: base + "-wave", folder: folder, sandbox)
    media.waveform = try cardWaveform(source, facts, base, folder, sandbox)
    try sandbox.run(AudioRendition(), input: source, demuxer: facts.demuxer, folder: folder.path)
    let name = base + ".m4a"
    try publishCleaned(folder.file(AudioRendition.output), .audio, as: name, folder, sandbox)
    media.rendition = name
    return (media, facts.duration ?? 0)
  }

  func animation(_ source: String, _ facts: MediaFacts, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox)
    throws -> (PublishedMedia, Double)
  {
    var media = PublishedMedia(kind: .animation)
    let stillFolder = folder.file("still")
    try FileManager.default.createDirectory(atPath: stillFolder, withIntermediateDirectories: true)
    try sandbox.run(
      PosterFrame(at: 0, maxSide: settings.videoMaxSide), input: source, demuxer: facts.demuxer, folder: stillFolder)
    media.sizes = try images(
      of: stillFolder + "/" + PosterFrame.output, maxPixels: 100_000_000, base: base, folder: folder, sandbox)
    try sandbox.run(
      AnimationRendition(maxSide: settings.videoMaxSide), input: source, demuxer: facts.demuxer, folder: folder.path)
    let name = "\(base)-anim-\(settings.videoMaxSide).mp4"
    try publishCleaned(folder.file(AnimationRendition.output), .video, as: name, folder, sandbox)
    media.rendition = name
    return (media, facts.duration ?? 0)
  }

  /// An animated WebP stays one, re-encoded by libvips in the worker (its loader is trusted;
  /// ffmpeg cannot decode animated WebP), with its first frame as the still.
  func animatedWebP(_ source: String, _ job: Job, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox)
    throws -> PublishedMedia
  {
    var media = PublishedMedia(kind: .animation)
    media.sizes = try images(of: source, maxPixels: job.maxPixels, base: base, folder: folder, sandbox)
    let name = "\(base)-anim-\(settings.videoMaxSide).webp"
    let scratch = try PrivateFolder(in: folder.path, prefix: "animation-")
    _ = try sandbox.run(
      AnimatedWebP(maxSide: settings.videoMaxSide, maxPixels: job.maxPixels), input: source, folder: scratch.path)
    try publish(try Self.madeFile(scratch.file(AnimatedWebP.output)), as: name)
    media.rendition = name
    return media
  }

  /// The one width that also gets a JPEG, for what wants one (link previews, schema.org): the
  /// page's width, which is also the size link previews ask for.
  static let shareWidth = 1200

  /// WebP at each width and JPEG at `jpegWidths`, smallest first, each width once: made by the
  /// worker in a private folder inside `folder` (one decode, each width resized from the larger),
  /// then moved to their published names.
  func images(
    of source: String, maxPixels: Int, base: String, folder: PrivateFolder, _ sandbox: Sandbox,
    jpegWidths: [Int] = [MediaBuilder.shareWidth]
  ) throws -> [PublishedMedia.Size] {
    let scratch = try PrivateFolder(in: folder.path, prefix: "images-")
    let job = ImageDerivatives(widths: Exporter.widths, jpegWidths: jpegWidths, maxPixels: maxPixels)
    let made = try sandbox.run(job, input: source, folder: scratch.path)
    // The worker read a hostile file: only the widths asked for, each once, with sizes that fit.
    guard !made.isEmpty,
      made.allSatisfy({ Exporter.widths.contains($0.requestedWidth) && $0.width > 0 && $0.height > 0 }),
      Set(made.map(\.requestedWidth)).count == made.count
    else { throw MediaToolError.crashed(tool: ImageWorker.decoderName) }
    // A small picture gives the same width twice; the page lists each width once and the
    // site keeps no file it does not list. Of two alike, the one with a JPEG is kept.
    func rank(_ d: ImageDerivative) -> (Int, Int, Int) {
      (d.width, job.jpegWidths.contains(d.requestedWidth) ? 0 : 1, d.requestedWidth)
    }
    var seenWidths = Set<Int>()
    var kept: [PublishedMedia.Size] = []
    for derivative in made.sorted(by: { rank($0) < rank($1) }) {
      let hasJPEG = job.jpegWidths.contains(derivative.requestedWidth)
      let size = PublishedMedia.Size(
        width: derivative.width, height: derivative.height, webp: "\(base)-\(derivative.requestedWidth).webp",
        jpeg: hasJPEG ? "\(base)-\(derivative.requestedWidth).jpg" : nil)
      // A duplicate stays in the private folder and goes with it.
      if seenWidths.insert(derivative.width).inserted {
        try publish(
          try Self.madeFile(scratch.file(ImageDerivatives.webp(derivative.requestedWidth))), as: size.webp)
        if let jpeg = size.jpeg {
          try publish(try Self.madeFile(scratch.file(ImageDerivatives.jpeg(derivative.requestedWidth))), as: jpeg)
        }
        kept.append(size)
      }
    }
    return kept
  }

  /// A file the worker says it made: published only when it is a regular file (never a link it
  /// planted to something private).
  static func madeFile(_ path: String) throws -> String {
    guard isRegularFile(path) else { throw MediaToolError.crashed(tool: ImageWorker.decoderName) }
    return path
  }

  /// A file that failed publishes nothing: whatever of it was already in place (a poster made
  /// before its transcode ran out of time) goes, so no file outlives the manifest's record.
  func removePartialOutputs(of sha: String) {
    let folder = "media/\(sha.prefix(2))"
    for name in site.names(in: folder) where name.hasPrefix(sha) { site.remove(folder + "/" + name) }
  }

  /// Moves a finished file from the private folder to its published name, atomically, through
  /// the site's no-follow path.
  func publish(_ made: String, as name: String) throws {
    // A tool wrote `made`: a link there (to the archive's key, say) is neither followed by the
    // mode change nor moved into the site.
    let descriptor = open(made, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    var status = stat()
    guard descriptor >= 0, fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      if descriptor >= 0 { close(descriptor) }
      throw MediaToolError.crashed(tool: ImageWorker.decoderName)
    }
    fchmod(descriptor, 0o644)
    close(descriptor)
    try site.moveIn(made, as: name)
  }

  /// GIFs, PNGs with an animation control chunk before their image data, and WebPs whose
  /// extended header says "animation" (bounded header reads); the probe then counts GIF and PNG
  /// frames. Only for a file ingested before ingest recorded its facts (`isAnimation`).
  static func mayBeAnimated(_ path: String, type: String) -> Bool {
    if type == "image/gif" { return true }
    guard type == "image/png" || type == "image/webp", let handle = FileHandle(forReadingAtPath: path) else {
      return false
    }
    defer { try? handle.close() }
    let head = [UInt8]((try? handle.read(upToCount: 64 * 1024)) ?? Data())
    if type == "image/webp" {
      // RIFF, size, WEBP, then a VP8X chunk whose flags byte has the animation bit.
      return head.count >= 21 && head[12..<16].elementsEqual("VP8X".utf8) && head[20] & 0x02 != 0
    }
    let actl = Array("acTL".utf8)
    let idat = Array("IDAT".utf8)
    var index = 8
    while index + 8 <= head.count {
      let length = head[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
      let name = Array(head[index + 4..<index + 8])
      if name == actl { return true }
      if name == idat || length > head.count { return false }
      index += 12 + length
    }
    return false
  }
}
