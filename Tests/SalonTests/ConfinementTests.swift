import Foundation
import Testing

@testable import Export
@testable import MediaTools

/// Every tool runs inside bubblewrap: looked at from outside while it runs, and asked to reach
/// what it must not.
@Suite struct ConfinementTests {
  /// ffmpeg reading its input at the input's own pace (`-re`), so it runs for the clip's three
  /// seconds; it writes nothing. `marker` tells it from the tools of tests running alongside.
  struct ReadSlowly: MediaCommand {
    var marker = UUID().uuidString
    var tool: MediaTool { .ffmpeg }
    func arguments(demuxer: String?, folder: String) -> [String] {
      [
        "-nostdin", "-v", "error", "-re", "-i", "file:" + Sandbox.inputPath, "-metadata", "comment=" + marker, "-f",
        "null", "-",
      ]
    }
  }

  /// ffmpeg told to read `source` (a path or a URL) instead of its input.
  struct ReadElsewhere: MediaCommand {
    var source: String
    var tool: MediaTool { .ffmpeg }
    func arguments(demuxer: String?, folder: String) -> [String] {
      ["-nostdin", "-v", "error", "-i", source, "-t", "0.1", "-f", "null", "-"]
    }
  }

  /// ffmpeg writing raw video, megabytes a second, into the job's folder.
  struct WriteRawVideo: MediaCommand {
    var tool: MediaTool { .ffmpeg }
    func arguments(demuxer: String?, folder: String) -> [String] {
      [
        "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x480:d=20", "-c:v", "rawvideo", "-f", "nut",
        "-y", folder + "/raw.nut",
      ]
    }
  }

  /// ffmpeg writing a short clip to `path`.
  struct WriteClip: MediaCommand {
    var path: String
    var tool: MediaTool { .ffmpeg }
    func arguments(demuxer: String?, folder: String) -> [String] {
      ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=64x48:d=0.2", "-f", "nut", "-y", path]
    }
  }

  static func link(_ path: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: path) }

  static func parent(of pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // "pid (name) state ppid …": the name may hold spaces, so read after its last parenthesis.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? Int32(fields[1]) : nil
  }

  /// The processes running `executable` with `marker` among their arguments that descend from
  /// this test process.
  static func descendants(running executable: String, marked marker: String) -> [Int32] {
    let me = getpid()
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
    return pids.filter { pid in
      guard link("/proc/\(pid)/exe") == executable,
        let arguments = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
        arguments.range(of: Data(("comment=" + marker).utf8)) != nil
      else { return false }
      var current = pid
      for _ in 0..<16 {
        guard let up = parent(of: current), up > 1 else { return false }
        if up == me { return true }
        current = up
      }
      return false
    }
  }

  @Test func aRunningToolIsInItsOwnNamespacesAsNobodyWithoutCapabilities() throws {
    let scratch = Scratch()
    let tone = MediaFixtures.path("tone.ogg")  // three seconds, made before the clock starts
    let ffmpeg = try #require(MediaTool.ffmpeg.path)
    let finished = DispatchSemaphore(value: 0)
    let folder = scratch.url.path
    let command = ReadSlowly()
    Thread.detachNewThread {
      _ = try? Sandbox().run(command, input: tone, folder: folder)
      finished.signal()
    }
    var found: [Int32] = []
    let start = Date()
    while found.isEmpty && Date().timeIntervalSince(start) < 2.5 {
      usleep(20_000)
      found = Self.descendants(running: ffmpeg, marked: command.marker)
    }
    let pid = try #require(found.first, "the sandboxed ffmpeg is found while it runs")
    for kind in ["user", "pid", "net", "mnt", "ipc", "uts", "cgroup"] {
      let theirs = Self.link("/proc/\(pid)/ns/\(kind)")
      #expect(theirs != nil && theirs != Self.link("/proc/self/ns/\(kind)"), "its own \(kind) namespace")
    }
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let lines = Dictionary(
      status.split(separator: "\n").compactMap { line -> (String, String)? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
      }, uniquingKeysWith: { first, _ in first })
    // As root, Salon makes the tool nobody outside its namespace too; as anyone else, the
    // kernel shows the tool as that user, the only one an unprivileged namespace may map.
    let expectedUser = geteuid() == 0 ? "65534" : String(geteuid())
    #expect(lines["Uid"]?.split(separator: "\t").map(String.init) == Array(repeating: expectedUser, count: 4))
    #expect(lines["CapEff"] == "0000000000000000")
    #expect(lines["CapPrm"] == "0000000000000000")
    #expect(lines["NoNewPrivs"] == "1")
    #if arch(x86_64)
      #expect(lines["Seccomp"] == "2", "a seccomp filter")
    #endif
    // Its sandbox's process tree: ffmpeg is a small number in its own PID namespace.
    #expect((lines["NSpid"]?.split(separator: "\t").count ?? 0) == 2)
    finished.wait()
  }

  /// A process id seen from the sandbox's polling thread.
  final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32?
    var value: Int32? { lock.withLock { pid } }
    func record(_ pid: Int32) { lock.withLock { self.pid = pid } }
  }

  @Test func cancellingKillsTheWholeSandbox() throws {
    let scratch = Scratch()
    let tone = MediaFixtures.path("tone.ogg")  // three seconds, made before the clock starts
    let ffmpeg = try #require(MediaTool.ffmpeg.path)
    let seen = Seen()
    let command = ReadSlowly()
    // Cancelled as soon as the tool is seen running.
    let sandbox = Sandbox(isCancelled: {
      guard let pid = Self.descendants(running: ffmpeg, marked: command.marker).first else { return false }
      seen.record(pid)
      return true
    })
    #expect(throws: MediaToolError.cancelled) { try sandbox.run(command, input: tone, folder: scratch.url.path) }
    let pid = try #require(seen.value)
    let start = Date()
    while Self.link("/proc/\(pid)/exe") == ffmpeg && Date().timeIntervalSince(start) < 1 { usleep(20_000) }
    #expect(Self.link("/proc/\(pid)/exe") != ffmpeg, "the tool died with its sandbox, not after its three seconds")
  }

  @Test func aToolSeesItsInputButNotTheFilesAroundIt() throws {
    let scratch = Scratch()
    let work = scratch.path("work")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    let beside = scratch.path("catalog.mov")
    try FileManager.default.copyItem(atPath: MediaFixtures.path("phone.mov"), toPath: beside)
    let sandbox = Sandbox()
    // The same bytes through the descriptor Salon opened: read, by the same command.
    #expect(try sandbox.probe(beside, workingFolder: work).video?.codec == "h264")
    try sandbox.run(ReadElsewhere(source: "file:" + Sandbox.inputPath), input: beside, folder: work)
    // By their path, beside the job's folder or anywhere else: not there at all.
    for path in [beside, MediaFixtures.path("phone.mov"), "/proc/1/root" + beside] {
      #expect(throws: MediaToolError.self, "\(path) is out of reach") {
        try sandbox.run(ReadElsewhere(source: "file:" + path), input: nil, folder: work)
      }
    }
    // The job's folder is there and writable: the tool's output lands in it, owned by Salon.
    try sandbox.run(VideoRendition(maxSide: 64, hasAudio: false), input: beside, demuxer: "mov", folder: work)
    var info = stat()
    #expect(stat(work + "/" + VideoRendition.output, &info) == 0 && info.st_uid == geteuid())
    #expect(stat(work, &info) == 0 && info.st_uid == geteuid())
  }

  @Test func aToolCanReadItsInputButNeverChangeIt() throws {
    let scratch = Scratch()
    let work = scratch.path("work")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    // An owner-only file, as everything in the archive's store is.
    let input = scratch.path("stored.mov")
    try FileManager.default.copyItem(atPath: MediaFixtures.path("phone.mov"), toPath: input)
    chmod(input, 0o400)
    let bytes = FileManager.default.contents(atPath: input)
    var before = stat()
    #expect(stat(input, &before) == 0)
    // A tool told to write over its own input, through the descriptor it reads.
    #expect(throws: MediaToolError.self) {
      try Sandbox().run(WriteClip(path: "file:" + Sandbox.inputPath), input: input, folder: work)
    }
    // Read, it is: the same descriptor serves ffprobe.
    #expect(try Sandbox().probe(input, workingFolder: work).video?.codec == "h264")
    var after = stat()
    #expect(stat(input, &after) == 0)
    #expect(FileManager.default.contents(atPath: input) == bytes, "the bytes are untouched")
    #expect(after.st_mode == before.st_mode && after.st_uid == before.st_uid && after.st_gid == before.st_gid)
  }

  @Test func aToolHasAPrivateTemporaryFolder() throws {
    let scratch = Scratch()
    let name = "/tmp/salon-sandbox-\(UUID().uuidString).nut"
    try Sandbox().run(WriteClip(path: name), input: nil, folder: scratch.url.path)
    #expect(!FileManager.default.fileExists(atPath: name), "written to the sandbox's own /tmp, gone with it")
  }

  @Test func aToolHasNoNetwork() throws {
    let scratch = Scratch()
    // A listener on this machine's loopback: the tool's own loopback is another one.
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(listener, socketAddress, length) == 0 && listen(listener, 4) == 0
          && getsockname(listener, socketAddress, &length) == 0
      }
    }
    try #require(bound)
    let port = UInt16(bigEndian: address.sin_port)
    #expect(throws: MediaToolError.self) {
      try Sandbox().run(ReadElsewhere(source: "tcp://127.0.0.1:\(port)"), input: nil, folder: scratch.url.path)
    }
    var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
    #expect(poll(&poller, 1, 200) == 0, "no connection reached this machine's loopback")
  }

  @Test func theSignalOfALimitStillSaysWhichLimit() throws {
    let scratch = Scratch()
    // SIGXFSZ ends ffmpeg inside the sandbox; the sandbox's first process passes it on.
    #expect(throws: MediaToolError.overLimit("disk space")) {
      try Sandbox(limits: SandboxLimits(fileBytes: 1 << 20)).run(WriteRawVideo(), input: nil, folder: scratch.url.path)
    }
  }

  @Test func salonItselfRunsConfinedWithItsOwnLibraries() throws {
    let scratch = Scratch()
    let salon = try #require(MediaTool.salonWorker.path)
    #expect((salon as NSString).lastPathComponent == "salon")
    let printed = try Sandbox().run(.salonWorker, ["help"], input: nil, workingFolder: scratch.url.path)
    #expect(String(decoding: printed, as: UTF8.self).contains("salon"))
  }

  @Test func aRefusedSandboxIsOneSentenceWithTheToolMissingCode() {
    for installed in [false, true] {
      let error = MediaToolError.sandboxUnavailable(bubblewrapInstalled: installed)
      #expect(error.description.hasPrefix("Salon reads media only inside a bubblewrap sandbox"))
      #expect(error.description.hasSuffix(".") && !error.description.contains("\n"))
      #expect(ExportFailureCode(error) == .mediaToolMissing)
    }
    #expect(MediaToolError.sandboxUnavailable(bubblewrapInstalled: false).description.contains("bubblewrap"))
    #expect(MediaToolError.sandboxUnavailable(bubblewrapInstalled: true).description.contains("user namespaces"))
  }

  @Test func anOptOutOfTheSandboxIsRecordedWithEverySubmissionAndExportItTouched() throws {
    let scratch = Scratch()
    scratch.zip("in/1.zip", Parts.valid("1"))
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Opt-out", "--year", "2026", "--archive", archive]).status == 0)
    let unconfined = ["SALON_UNCONFINED_MEDIA": "1"]
    let ingested = try Binary.run(
      ["ingest", scratch.path("in"), "--archive", archive, "--json"], environment: unconfined)
    #expect(ingested.stderr.contains("without their sandbox"), "\(ingested.stderr)")
    let submission = try #require(
      ((try Binary.json(ingested) as? [String: Any])?["submissions"] as? [[String: Any]])?.first)
    let warnings = ((submission["warnings"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
    #expect(warnings.contains("media-unconfined"), "\(warnings)")
    #expect(try Binary.run(["submissions", "decide", "1", "selected", "--archive", archive]).status == 0)
    let exported = try Binary.run(
      ["export", "-o", scratch.path("site"), "--archive", archive], environment: unconfined)
    #expect(exported.status == 0, "\(exported.stderr)")
    let log = try #require(
      try Binary.json(try Binary.run(["log", "--json", "--archive", archive])) as? [[String: Any]])
    let exports = log.filter { $0["kind"] as? String == "export" }
    #expect(exports.count == 1)
    let detail = try #require(exports.first?["detail"] as? String)
    let fields = try #require(try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any])
    #expect(fields["mediaUnconfined"] as? Bool == true, "\(detail)")
    // Confined again, nothing says otherwise.
    let confined = try Binary.run(["export", "-o", scratch.path("site2"), "--archive", archive])
    #expect(!confined.stderr.contains("without their sandbox"))
  }
}
