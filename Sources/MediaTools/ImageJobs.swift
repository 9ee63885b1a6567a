import Foundation

/// What the image decoder could not do, one sentence per case. `detail` is libvips' own words for
/// that call, kept for diagnostics and never the sentence itself. Defined here, not in Imaging,
/// because the worker that decodes reports it as JSON and Salon's own process rebuilds it: the
/// sentence a refusal gets is the same whichever side of the sandbox reads it.
package enum ImageError: Error, Equatable, Codable, Sendable, CustomStringConvertible {
  case unavailable
  /// The file cannot be decoded: damaged, or a format (or loader) Salon does not open.
  case unreadable(detail: String)
  case tooLarge(width: Int, height: Int, limitMegapixels: Int)
  case cannotTransform(ImageStep, detail: String)
  case cannotSave(path: String, detail: String)
  case cannotRemoveMetadata(path: String)

  package var description: String {
    switch self {
    case .unavailable: return "The image library (libvips) could not start."
    case .unreadable: return "The image cannot be read: it is damaged or in a format Salon does not open."
    case .tooLarge(let width, let height, let limit):
      return "The image is \(width) × \(height) pixels, more than the limit of \(limit) megapixels."
    case .cannotTransform(let step, _): return "The image cannot be \(step.rawValue)."
    case .cannotSave(let path, _): return "Salon cannot write \(path)."
    case .cannotRemoveMetadata(let path): return "Salon cannot remove the metadata of \(path)."
    }
  }

  /// libvips' (or the system's) own words, for diagnostics.
  package var detail: String {
    switch self {
    case .unreadable(let detail), .cannotTransform(_, let detail), .cannotSave(_, let detail): return detail
    case .unavailable, .tooLarge, .cannotRemoveMetadata: return ""
    }
  }
}

/// A step of making a derivative, as the sentence names it.
package enum ImageStep: String, Equatable, Codable, Sendable {
  case converted = "converted to sRGB colours"
  case resized = "resized"
  case flattened = "flattened onto white"
  case decoded = "decoded into memory"
  case encoded = "encoded as JPEG"
}

/// A job for the image decoder: `salon media-worker JOB OPTION VALUE…`, run through the sandbox
/// like ffmpeg. The worker reads its image from `Sandbox.inputPath`, writes only fixed names into
/// the folder it is given, and prints one `ImageJobReply` as JSON. Arguments are made and parsed
/// here, so the two sides cannot disagree.
package protocol ImageJob: MediaCommand {
  associatedtype Result: Codable & Sendable
  /// The job's name on the worker's command line.
  static var name: String { get }
  /// The options after the name, without the output folder.
  var options: [String: String] { get }
  init(options: [String: String]) throws
}

extension ImageJob {
  package var tool: MediaTool { .salonWorker }

  package func arguments(demuxer: String?, folder: String) -> [String] {
    var arguments = [ImageWorker.command, Self.name]
    for (name, value) in options.sorted(by: { $0.key < $1.key }) { arguments += ["--" + name, value] }
    return arguments + ["--output", folder]
  }
}

/// What the worker prints: the job's result, or the refusal it met.
package struct ImageJobReply<Result: Codable & Sendable>: Codable, Sendable {
  package var result: Result?
  package var error: ImageError?

  package init(result: Result? = nil, error: ImageError? = nil) {
    self.result = result
    self.error = error
  }
}

/// A picture's size in pixels.
package struct ImageSize: Codable, Equatable, Sendable {
  package var width: Int
  package var height: Int

  package init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }
}

/// One width of `ImageDerivatives`: its files are `webp(requestedWidth)` and `jpeg(…)` in the
/// job's folder.
package struct ImageDerivative: Codable, Equatable, Sendable {
  /// The width asked for; the image is never upscaled, so `width` may be smaller.
  package var requestedWidth: Int
  package var width: Int
  package var height: Int

  package init(requestedWidth: Int, width: Int, height: Int) {
    self.requestedWidth = requestedWidth
    self.width = width
    self.height = height
  }
}

/// Decodes every pixel once (libvips' `fail_on` truncation), keeping none: ingest's check.
package struct ImageCheck: ImageJob {
  package typealias Result = ImageSize
  package static let name = "image-check"
  package var maxPixels: Int
  package init(maxPixels: Int) { self.maxPixels = maxPixels }
  package var options: [String: String] { ["max-pixels": String(maxPixels)] }
  package init(options: [String: String]) throws { maxPixels = try ImageWorker.number("max-pixels", in: options) }
}

/// WebP at each width (never upscaled) and JPEG only at `jpegWidths`, metadata stripped: the
/// gallery's pictures. Every browser of 2026 shows WebP; one JPEG remains for what still wants
/// one (link previews, schema.org, the PDF Salon writes around a document's pages).
package struct ImageDerivatives: ImageJob {
  package typealias Result = [ImageDerivative]
  package static let name = "image-derivatives"
  package var widths: [Int]
  /// The widths (among `widths`) that also get a JPEG.
  package var jpegWidths: [Int]
  package var maxPixels: Int
  package init(widths: [Int], jpegWidths: [Int] = [], maxPixels: Int) {
    self.widths = widths
    self.jpegWidths = jpegWidths.filter(widths.contains)
    self.maxPixels = maxPixels
  }
  package var options: [String: String] {
    [
      "widths": widths.map(String.init).joined(separator: ","),
      "jpeg-widths": jpegWidths.map(String.init).joined(separator: ","), "max-pixels": String(maxPixels),
    ]
  }
  package init(options: [String: String]) throws {
    maxPixels = try ImageWorker.number("max-pixels", in: options)
    let list = (options["widths"] ?? "").split(separator: ",").map { Int($0) }
    guard !list.isEmpty, list.count <= 16, list.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw ImageWorker.BadArguments()
    }
    let widths = list.compactMap { $0 }
    let jpegList = (options["jpeg-widths"] ?? "").split(separator: ",").map { Int($0) }
    guard jpegList.allSatisfy({ $0.map(widths.contains) ?? false }) else { throw ImageWorker.BadArguments() }
    self.widths = widths
    jpegWidths = jpegList.compactMap { $0 }
  }
  /// The fixed names the worker writes, by requested width.
  package static func webp(_ width: Int) -> String { "\(width).webp" }
  package static func jpeg(_ width: Int) -> String { "\(width).jpg" }

  /// WebP quality by requested width, chosen by measurement (docs/performance.md): at the
  /// viewer's width (above 1200 px) 83 gives a photograph with grain an SSIM against the original
  /// a little above sigal's JPEG at quality 85, in about four fifths of its bytes; a page's
  /// widths are small enough that 90 costs little and keeps them sharp.
  package static func webpQuality(requestedWidth: Int) -> Int { requestedWidth > 1200 ? 83 : 90 }
  /// libwebp's effort (method): 1 encodes the viewer's width in four fifths of the time 2 takes,
  /// with files 6% smaller and an SSIM still above sigal's at the same width (docs/performance.md).
  package static let webpEffort = 1
  /// The JPEG's quality: a link preview is shown small (SSIM 0.967 at 1200 px on the bench's
  /// photographs, in 40 KB), and a PDF page is mostly text and lines.
  package static let jpegQuality = 75
  /// What the recipe is, for the derivative cache's key: a change of quality remakes them.
  package static let recipe = "webp q83/90 effort 1, jpeg q75"
}

/// An animated WebP of every frame, longest side at most `maxSide`: `animation.webp`.
package struct AnimatedWebP: ImageJob {
  package typealias Result = ImageSize
  package static let name = "animated-webp"
  package static let output = "animation.webp"
  package var maxSide: Int
  package var maxPixels: Int
  package init(maxSide: Int, maxPixels: Int) {
    self.maxSide = maxSide
    self.maxPixels = maxPixels
  }
  package var options: [String: String] { ["max-side": String(maxSide), "max-pixels": String(maxPixels)] }
  package init(options: [String: String]) throws {
    maxSide = try ImageWorker.number("max-side", in: options)
    maxPixels = try ImageWorker.number("max-pixels", in: options)
  }
}

/// A small JPEG (for the offline scoring sheet): `preview.jpg`; the result is its length.
package struct JPEGPreview: ImageJob {
  package typealias Result = Int
  package static let name = "jpeg-preview"
  package static let output = "preview.jpg"
  package var width: Int
  package var maxPixels: Int
  package init(width: Int, maxPixels: Int) {
    self.width = width
    self.maxPixels = maxPixels
  }
  package var options: [String: String] { ["width": String(width), "max-pixels": String(maxPixels)] }
  package init(options: [String: String]) throws {
    width = try ImageWorker.number("width", in: options)
    maxPixels = try ImageWorker.number("max-pixels", in: options)
  }
}

/// The worker's command line, both ways.
package enum ImageWorker {
  /// `salon media-worker …`: hidden from the help, started only by Salon itself.
  package static let command = "media-worker"
  /// Exit status of a worker given arguments it does not understand.
  package static let usageStatus: Int32 = 64

  package struct BadArguments: Error { package init() {} }

  /// The job name, its options and the output folder, from the arguments after `media-worker`.
  package static func parse(_ arguments: [String]) throws -> (job: String, options: [String: String], output: String) {
    guard let job = arguments.first, arguments.count % 2 == 1 else { throw BadArguments() }
    var options: [String: String] = [:]
    var index = 1
    while index + 1 < arguments.count {
      let name = arguments[index]
      guard name.hasPrefix("--"), options[String(name.dropFirst(2))] == nil else { throw BadArguments() }
      options[String(name.dropFirst(2))] = arguments[index + 1]
      index += 2
    }
    guard let output = options.removeValue(forKey: "output"), output.hasPrefix("/") else { throw BadArguments() }
    return (job, options, output)
  }

  static func number(_ name: String, in options: [String: String]) throws -> Int {
    guard let value = options[name].flatMap({ Int($0) }), value > 0 else { throw BadArguments() }
    return value
  }
}

extension Sandbox {
  /// Runs an image job in the worker on `input`, its outputs in `folder`. Throws the worker's
  /// `ImageError` as it met it, or the sandbox's `MediaToolError` (time, limits, cancellation).
  package func run<Job: ImageJob>(_ job: Job, input: String, folder: String) throws -> Job.Result {
    // The same processor, memory and disk limits as every tool; the clock never below the few
    // seconds a busy machine may take to start Salon itself, or a tiny `--media-time-limit`
    // (meant for a decoder that spins) would refuse every healthy image.
    var sandbox = self
    sandbox.limits.wallSeconds = max(limits.wallSeconds, ImageWorker.minimumWallSeconds)
    let output: Data
    do {
      output = try sandbox.run(
        job.tool, job.arguments(demuxer: nil, folder: folder), input: input, workingFolder: folder)
    } catch MediaToolError.crashed, MediaToolError.failed {
      // A worker that died or exited without a verdict: its decoder gave up on the file.
      throw MediaToolError.crashed(tool: ImageWorker.decoderName)
    }
    // The worker is as untrusted as the file it read: anything but a well-formed reply is a crash.
    guard let reply = try? JSONDecoder().decode(ImageJobReply<Job.Result>.self, from: output) else {
      throw MediaToolError.crashed(tool: ImageWorker.decoderName)
    }
    if let error = reply.error { throw error }
    guard let result = reply.result else { throw MediaToolError.crashed(tool: ImageWorker.decoderName) }
    return result
  }
}

extension ImageWorker {
  /// The shortest wall clock a worker gets (see `Sandbox.run(_:input:folder:)`).
  package static let minimumWallSeconds = 3.0

  /// How a sentence names the worker.
  package static let decoderName = "The image decoder (libvips)"
}
