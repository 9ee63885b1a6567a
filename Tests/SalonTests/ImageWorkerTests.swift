import Catalog
import Foundation
import MediaTools
import SampleContent
import Testing

/// Images are decoded by `salon media-worker`, a sandboxed child, never in Salon's own process:
/// a JPEG whose thousands of empty scans keep libvips busy for minutes is stopped by the media
/// limits or Ctrl-C like any decoder, and a healthy image still gets its derivatives.
@Suite(.serialized) struct ImageWorkerTests {
  let scratch = Scratch()

  /// A well-formed progressive greyscale JPEG of `width` × `height` whose one AC scan is sent
  /// `scans` times. Each scan is a few dozen bytes (one run of empty blocks), but the decoder
  /// walks every block of the picture for each: 8192 × 8192 with 12,000 scans is a minute or
  /// more of processor time in a 1 MB file that zips to a few kilobytes.
  static func scanBomb(width: Int = 8192, height: Int = 8192, scans: Int = 12_000) -> [UInt8] {
    func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
      [0xFF, marker, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }
    // Entropy-coded bits, most significant first, with a 0 stuffed after every 0xFF byte and
    // the last byte padded with ones, as the JPEG standard writes them.
    struct Bits {
      var bytes: [UInt8] = []
      var current = 0
      var count = 0
      mutating func put(_ value: Int, _ length: Int) {
        for shift in stride(from: length - 1, through: 0, by: -1) {
          current = current << 1 | (value >> shift & 1)
          count += 1
          if count == 8 {
            bytes.append(UInt8(current))
            if current == 0xFF { bytes.append(0) }
            (current, count) = (0, 0)
          }
        }
      }
      mutating func finished() -> [UInt8] {
        while count != 0 { put(1, 1) }
        return bytes
      }
    }
    let blocks = ((width + 7) / 8) * ((height + 7) / 8)
    var jpeg: [UInt8] = [0xFF, 0xD8]
    jpeg += segment(0xDB, [0] + [UInt8](repeating: 1, count: 64))
    jpeg += segment(
      0xC2, [8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 1, 1, 0x11, 0])
    // One Huffman code each, "0": DC difference 0, and AC "EOB14" (a run of 16,384 + 14 bits
    // more empty blocks).
    jpeg += segment(
      0xC4,
      [0x00, 1] + [UInt8](repeating: 0, count: 15) + [0x00] + [0x10, 1]
        + [UInt8](repeating: 0, count: 15) + [0xE0])
    var dc = Bits()
    for _ in 0..<blocks { dc.put(0, 1) }
    jpeg += segment(0xDA, [1, 1, 0x00, 0, 0, 0]) + dc.finished()
    var ac = Bits()
    var left = blocks
    while left > 0 {
      let run = max(min(left, 32_767), 16_384)
      ac.put(0, 1)
      ac.put(run - 16_384, 14)
      left -= run
    }
    // Spectral band 1…63, first pass: the same scan again is a valid (if pointless) progression.
    let scan = segment(0xDA, [1, 1, 0x00, 1, 63, 0]) + ac.finished()
    for _ in 0..<scans { jpeg += scan }
    return jpeg + [0xFF, 0xD9]
  }

  func initArchive() throws -> String {
    let archive = scratch.path("archive-\(UUID().uuidString)")
    let made = try Binary.run(["init", "--title", "Images", "--year", "2026", "--archive", archive])
    #expect(made.status == 0, "\(made.stderr)")
    return archive
  }

  func submissions(_ run: SalonRun) throws -> [String: [String: Any]] {
    let list = (try Binary.json(run) as? [String: Any])?["submissions"] as? [[String: Any]] ?? []
    return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }) { first, _ in first }
  }

  func codes(_ submission: [String: Any]?) -> [String] {
    ((submission?["problems"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
  }

  /// The running children of `parent` whose command line holds `word`, with their arguments.
  /// The processes below `ancestor` (its children, theirs, and so on: the sandbox puts a few
  /// between salon and the worker) whose arguments contain `word`.
  static func children(of ancestor: pid_t, running word: String) -> [(pid: pid_t, arguments: [String])] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var parents: [pid_t: pid_t] = [:]
    var commands: [pid_t: [String]] = [:]
    for entry in entries {
      guard let pid = pid_t(entry),
        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // After the name in parentheses: state, then the parent's pid.
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 1, let parent = pid_t(fields[1]),
        let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
      else { continue }
      parents[pid] = parent
      commands[pid] = line.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
    func descends(_ pid: pid_t) -> Bool {
      var current = parents[pid]
      for _ in 0..<32 {
        guard let step = current, step > 1 else { return false }
        if step == ancestor { return true }
        current = parents[step]
      }
      return false
    }
    return commands.compactMap { pid, arguments in
      descends(pid) && arguments.contains(word) ? (pid, arguments) : nil
    }
  }

  @Test func theScanBombIsAValidJPEGThatOnlyTakesLong() throws {
    // The same construction with one scan decodes at once: the bomb is slowness, not damage.
    let one = scratch.write("one.jpg", Self.scanBomb(width: 640, height: 480, scans: 1))
    let folder = try PrivateFolder(in: scratch.url.path)
    let size = try Sandbox().run(ImageCheck(maxPixels: 100_000_000), input: one, folder: folder.path)
    #expect(size == ImageSize(width: 640, height: 480))
    // The bomb under a one-second processor limit: stopped, with the sandbox's own verdict.
    let bomb = scratch.write("bomb.jpg", Self.scanBomb())
    let limited = Sandbox(limits: SandboxLimits(wallSeconds: 60, cpuSeconds: 1))
    #expect(throws: MediaToolError.overLimit("processor time")) {
      try limited.run(ImageCheck(maxPixels: 100_000_000), input: bomb, folder: folder.path)
    }
  }

  @Test func theWorkersRefusalsAreTheSameErrorsAsLibvipsGives() throws {
    let folder = try PrivateFolder(in: scratch.url.path)
    let wide = scratch.write("wide.png", SampleMedia.png(width: 3000, height: 1000))
    #expect(throws: ImageError.tooLarge(width: 3000, height: 1000, limitMegapixels: 2)) {
      try Sandbox().run(ImageCheck(maxPixels: 2_000_000), input: wide, folder: folder.path)
    }
    // A PNG whose pixel data is overwritten: the header reads, the decoding fails.
    var bytes = SampleMedia.png(width: 50, height: 50)
    bytes.replaceSubrange(40..<bytes.count - 12, with: [UInt8](repeating: 7, count: bytes.count - 52))
    let corrupt = scratch.write("corrupt.png", bytes)
    #expect {
      try Sandbox().run(ImageDerivatives(widths: [40, 20], maxPixels: 1_000_000), input: corrupt, folder: folder.path)
    } throws: { error in
      // libvips' refusal, rebuilt: the export reports it as damage (media-damaged).
      switch error as? ImageError {
      case .unreadable?, .cannotTransform?: return true
      default: return false
      }
    }
    let text = scratch.write("not.png", "hello, not an image")
    #expect {
      try Sandbox().run(JPEGPreview(width: 100, maxPixels: 1_000_000), input: text, folder: folder.path)
    } throws: { error in
      guard case .unreadable = error as? ImageError else { return false }
      return "\(error)" == "The image cannot be read: it is damaged or in a format Salon does not open."
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing written")
    // The worker takes nothing by hand: no archive option, no path of its own choosing.
    let run = try Binary.run(["media-worker", "image-check", "--max-pixels", "10", "--archive", scratch.path("x")])
    #expect(run.status == ImageWorker.usageStatus && run.stdout.isEmpty)
  }

  @Test func aScanBombIsStoppedWithinTheMediaTimeLimitAndTheBatchGoesOn() throws {
    scratch.zip("in/1.zip", [("1_main.jpg", Self.scanBomb()), ("1_description.pdf", Parts.description)])
    scratch.zip("in/2.zip", Parts.valid("2"))
    #expect((try FileManager.default.attributesOfItem(atPath: scratch.path("in/1.zip"))[.size] as? Int ?? 0) < 64_000)
    let archive = try initArchive()
    let started = Date()
    let run = try Binary.run(
      ["ingest", scratch.path("in"), "--media-time-limit", "1", "--json", "--archive", archive], timeout: 300)
    let took = Date().timeIntervalSince(started)
    #expect(run.status == 0, "\(run.stderr)")
    // One second of processor time for the worker (the bomb needs a minute or more), and the
    // rest of the batch: far below what decoding it would take, with room for a busy machine.
    #expect(took < 30, "ingest took \(took) s")
    let byID = try submissions(run)
    let stopped = codes(byID["1"])
    #expect(stopped.contains("media-over-limit") || stopped.contains("media-timed-out"), "\(stopped)")
    #expect(byID["1"]?["status"] as? String == "rejected")
    #expect(byID["2"]?["status"] as? String == "accepted", "\(codes(byID["2"]))")
  }

  @Test func ctrlCDuringTheDecodeStopsTheWorkerAndTheRunWithinTwoSeconds() throws {
    scratch.zip("bomb/1.zip", [("1_main.jpg", Self.scanBomb()), ("1_description.pdf", Parts.description)])
    let archive = try initArchive()
    // The default limits: a minute of processor time, so only Ctrl-C can end it soon.
    let process = try Binary.start(["ingest", scratch.path("bomb"), "--archive", archive])
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    var worker: (pid: pid_t, arguments: [String])?
    let deadline = Date().addingTimeInterval(60)
    while worker == nil, process.isRunning, Date() < deadline {
      // (bubblewrap, setpriv, timeout and prlimit carry the worker's arguments too: the worker
      // is the process that is salon itself.)
      worker = Self.children(of: process.processIdentifier, running: ImageCheck.name).first {
        $0.arguments.dropFirst().first == ImageWorker.command
      }
      if worker == nil { Thread.sleep(forTimeInterval: 0.05) }
    }
    let decoding = try #require(worker, "a worker child decodes the image")
    // Seen from outside: the decoder is Salon's own binary in its worker mode, a child of salon.
    #expect(decoding.pid != process.processIdentifier)
    #expect(decoding.arguments.dropFirst().first == ImageWorker.command, "\(decoding.arguments)")
    #expect(decoding.arguments.contains("--output") && !decoding.arguments.contains("--archive"))
    Thread.sleep(forTimeInterval: 0.5)
    #expect(process.isRunning, "still decoding")
    let signalled = Date()
    kill(process.processIdentifier, SIGINT)
    while process.isRunning && Date().timeIntervalSince(signalled) < 10 { Thread.sleep(forTimeInterval: 0.02) }
    let took = Date().timeIntervalSince(signalled)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(took < 2, "stopped \(took) s after Ctrl-C")
    #expect(kill(decoding.pid, 0) != 0, "the worker is gone too")
    let opened = try SalonArchive.open(at: archive)
    #expect(try opened.database.query("SELECT * FROM submission").isEmpty, "nothing half-done is recorded")
    #expect(try FileManager.default.contentsOfDirectory(atPath: opened.temporaryRoot.path).isEmpty)
  }

  @Test func aHealthyImageIsCheckedByTheWorkerAndStillGetsItsDerivatives() throws {
    scratch.zip(
      "ok/1.zip", [("1_main.png", SampleMedia.png(width: 800, height: 600)), ("1_description.pdf", Parts.description)])
    let archive = try initArchive()
    // strace from outside: which processes start which programs.
    let trace = scratch.path("execve.log")
    let form = scratch.write(
      "form.csv",
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
        + "1,Work 1,Artist 1,a1@private.example,Photograph,A statement.,,,no,,no,yes,yes,none,\n")
    let traced = try Tool.run([
      "strace", "-f", "-qq", "-s", "512", "-v", "-e", "trace=execve", "-o", trace, Binary.url.path, "ingest",
      scratch.path("ok"), "--form", form, "--json", "--archive", archive,
    ])
    #expect(traced.status == 0, "\(traced.output)")
    let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
    let salonPID = lines.first.flatMap { $0.split(separator: " ").first }
    // (bubblewrap, setpriv, timeout and prlimit carry the worker's arguments too: a worker is
    // a process that executes the salon binary itself in its worker mode.)
    let workers = Set(
      lines.filter {
        $0.contains("execve(\"\(Binary.url.path)\"")
          && $0.contains("\"\(ImageWorker.command)\", \"\(ImageCheck.name)\"")
      }
      .compactMap { $0.split(separator: " ").first })
    #expect(workers.count == 1, "one image, one worker: \(lines)")
    #expect(salonPID != nil && !workers.contains(salonPID!), "the decode is in a child")
    #expect(traced.output.contains("\"accepted\""), "\(traced.output)")

    #expect(try Binary.run(["submissions", "decide", "1", "selected", "--archive", archive]).status == 0)
    let site = scratch.path("site")
    let export = try Binary.run(["export", "-o", site, "--archive", archive], timeout: 300)
    #expect(export.status == 0, "\(export.stderr)")
    let media = (FileManager.default.enumerator(atPath: site + "/media")?.allObjects as? [String] ?? [])
    let webp = media.filter { $0.hasSuffix(".webp") }
    let jpeg = media.filter { $0.hasSuffix(".jpg") }
    // WebP at every width, and the one JPEG (for link previews) of the one image.
    #expect(!webp.isEmpty && jpeg.count == 1 && webp.count >= jpeg.count, "\(media)")
    for name in webp {
      #expect(FileManager.default.contents(atPath: site + "/media/" + name)?.starts(with: Array("RIFF".utf8)) == true)
    }
    for name in jpeg {
      #expect(FileManager.default.contents(atPath: site + "/media/" + name)?.starts(with: [0xFF, 0xD8, 0xFF]) == true)
    }
    #expect(!media.contains { $0.contains(".partial") || $0.contains("images-") }, "\(media)")
  }
}
