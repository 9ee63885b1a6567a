import Foundation

/// The external programs Salon runs, declared once and found once: Debian's own tools for the
/// media that only big C parsers read. Nothing else in Salon starts a process.
package enum MediaTool: String, CaseIterable, Sendable {
  case ffprobe, ffmpeg, pdfinfo, pdftoppm, qpdf, exiftool

  /// The Debian package that provides the tool, for the message when it is missing.
  package var package: String {
    switch self {
    case .ffprobe, .ffmpeg: return "ffmpeg"
    case .pdfinfo, .pdftoppm: return "poppler-utils"
    case .qpdf: return "qpdf"
    case .exiftool: return "libimage-exiftool-perl"
    }
  }

  static let searchPath = ["/usr/bin", "/bin", "/usr/local/bin"]

  /// The absolute path of an executable, looked up once in fixed folders (never the caller's PATH).
  static func locate(_ name: String) -> String? {
    searchPath.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  private static let located: [MediaTool: String] = {
    var paths: [MediaTool: String] = [:]
    for tool in MediaTool.allCases { paths[tool] = locate(tool.rawValue) }
    return paths
  }()

  /// util-linux's `prlimit`: sets the limits in the child itself before it runs the tool.
  static let limiter: String? = locate("prlimit")

  package var path: String? { Self.located[self] }

  /// Tools that are missing, for a check at start (like thumbsup's declared dependencies).
  package static var missing: [MediaTool] { allCases.filter { $0.path == nil } }
}

/// Why a sandboxed tool did not deliver, in one sentence a non-programmer understands.
package enum MediaToolError: Error, Equatable, Sendable, CustomStringConvertible {
  case missingTool(tool: String, package: String)
  case timedOut(seconds: Double)
  case overLimit(String)
  case crashed(tool: String)
  case failed(tool: String, status: Int32)
  case unreadable
  case formatNotAllowed(String)
  case unreadableInput
  case cancelled

  package var description: String {
    switch self {
    case .missingTool(let tool, let package):
      return "Salon needs \(tool), which is not installed; install the Debian package \(package) (make setup does)."
    case .timedOut(let seconds):
      return "The file took longer than the limit of \(Self.format(seconds)) s to process and was stopped."
    case .overLimit(let what):
      return "The file needed more \(what) than the limit allows and was stopped."
    case .crashed(let tool):
      return "\(tool) crashed on this file; it is probably damaged or hostile."
    case .failed(let tool, _):
      return "\(tool) could not process this file; it is probably damaged or in a form browsers cannot use."
    case .unreadable:
      return "The file cannot be read as audio, video or a document; it is probably damaged."
    case .formatNotAllowed(let format):
      return "The file is in a format Salon does not process (\(format))."
    case .unreadableInput:
      return "The stored file cannot be opened as a regular file."
    case .cancelled:
      return "Stopped at your request."
    }
  }

  static func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
  }
}

/// Resource limits for one run of a tool. Every number is clamped to a sane range before use.
public struct SandboxLimits: Equatable, Sendable {
  /// Wall-clock time; the whole process group is killed when it passes.
  package var wallSeconds: Double
  /// CPU time (RLIMIT_CPU), summed over the tool's threads.
  package var cpuSeconds: Int
  /// Address space (RLIMIT_AS).
  package var memoryBytes: Int
  /// Largest file the tool may write (RLIMIT_FSIZE).
  package var fileBytes: Int

  package init(
    wallSeconds: Double = 600, cpuSeconds: Int = 1200, memoryBytes: Int = 4 << 30, fileBytes: Int = 2 << 30
  ) {
    self.wallSeconds = wallSeconds.isFinite ? min(max(wallSeconds, 0.05), 86_400) : 600
    self.cpuSeconds = min(max(cpuSeconds, 1), 172_800)
    self.memoryBytes = min(max(memoryBytes, 64 << 20), 1 << 40)
    self.fileBytes = min(max(fileBytes, 1 << 20), 1 << 40)
  }
}

/// Runs one tool on one untrusted file: fixed argv and no shell; `prlimit` sets CPU, memory and
/// file-size limits inside the child before the tool starts; its own process group, killed at
/// once on timeout or cancellation; stdin from /dev/null, stderr discarded, a minimal
/// environment; the input opened here read-only (no symlink followed, regular files only) and
/// handed over as descriptor 3, so the tool reads exactly the file Salon checked.
package struct Sandbox: Sendable {
  package var limits: SandboxLimits
  package var isCancelled: @Sendable () -> Bool

  package init(limits: SandboxLimits = SandboxLimits(), isCancelled: @escaping @Sendable () -> Bool = { false }) {
    self.limits = limits
    self.isCancelled = isCancelled
  }

  /// How the tool names its input: the descriptor Salon opened, as a path the tool can seek in.
  package static let inputPath = "/proc/self/fd/3"

  /// The largest standard output kept (ffprobe's JSON, pdfinfo's text).
  static let outputLimit = 4 << 20

  /// Runs `tool` with `arguments` (which name `Sandbox.inputPath` where the input goes).
  /// Returns what it printed on standard output.
  @discardableResult
  package func run(_ tool: MediaTool, _ arguments: [String], input: String?, workingFolder: String) throws -> Data {
    guard let executable = tool.path else {
      throw MediaToolError.missingTool(tool: tool.rawValue, package: tool.package)
    }
    guard let limiter = MediaTool.limiter else {
      throw MediaToolError.missingTool(tool: "prlimit", package: "util-linux")
    }
    if isCancelled() { throw MediaToolError.cancelled }

    var inputDescriptor: Int32 = -1
    if let input {
      inputDescriptor = open(input, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
      guard inputDescriptor >= 0 else { throw MediaToolError.unreadableInput }
      var info = stat()
      guard fstat(inputDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
        close(inputDescriptor)
        throw MediaToolError.unreadableInput
      }
    }
    defer { if inputDescriptor >= 0 { close(inputDescriptor) } }

    var pipeEnds: [Int32] = [-1, -1]
    guard pipe2(&pipeEnds, O_CLOEXEC) == 0 else { throw MediaToolError.failed(tool: tool.rawValue, status: -1) }
    defer { close(pipeEnds[0]) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    if inputDescriptor >= 0 {
      posix_spawn_file_actions_adddup2(&actions, inputDescriptor, 3)
      posix_spawn_file_actions_addclosefrom_np(&actions, 4)
    } else {
      posix_spawn_file_actions_addclosefrom_np(&actions, 3)
    }
    posix_spawn_file_actions_addchdir_np(&actions, workingFolder)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group (so a kill reaches every thread and helper), signals at their
    // defaults and unblocked whatever Salon does with them.
    var everything = sigset_t()
    sigfillset(&everything)
    var nothing = sigset_t()
    sigemptyset(&nothing)
    posix_spawnattr_setsigdefault(&attributes, &everything)
    posix_spawnattr_setsigmask(&attributes, &nothing)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv =
      [
        limiter, "--cpu=\(limits.cpuSeconds):\(limits.cpuSeconds + 2)", "--as=\(limits.memoryBytes)",
        "--fsize=\(limits.fileBytes)",
        "--core=0", "--", executable,
      ] + arguments
    let environment = ["PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=\(workingFolder)", "TMPDIR=\(workingFolder)"]
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup($0) } + [nil]
    defer {
      cArguments.forEach { free($0) }
      cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, limiter, &actions, &attributes, cArguments, cEnvironment)
    close(pipeEnds[1])
    guard spawned == 0 else { throw MediaToolError.failed(tool: tool.rawValue, status: -1) }

    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(limits.wallSeconds * 1e9)
    var output = Data()
    var status: Int32 = 0
    var usage = rusage()
    var exited = false
    var outputOpen = true
    var stopped: MediaToolError?
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while !exited {
      if outputOpen {
        var poller = pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)
        if poll(&poller, 1, 20) > 0 {
          let count = read(pipeEnds[0], &buffer, buffer.count)
          if count > 0 {
            if output.count < Self.outputLimit { output.append(contentsOf: buffer[0..<count]) }
          } else if count == 0 || errno != EINTR {
            outputOpen = false
          }
        }
      } else {
        usleep(10_000)
      }
      let waited = wait4(pid, &status, WNOHANG, &usage)
      if waited == pid {
        exited = true
        break
      }
      if stopped == nil {
        if isCancelled() {
          stopped = .cancelled
        } else if DispatchTime.now().uptimeNanoseconds > deadline {
          stopped = .timedOut(seconds: limits.wallSeconds)
        }
        if stopped != nil {
          kill(-pid, SIGKILL)
          kill(pid, SIGKILL)
        }
      }
    }
    if let stopped { throw stopped }

    let signal = status & 0x7F
    let code = (status >> 8) & 0xFF
    // Tools catch SIGXCPU and exit on their own (ffmpeg does), so the time used tells best.
    let processorSeconds =
      Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
      + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    if (signal != 0 || code != 0) && processorSeconds >= Double(limits.cpuSeconds) - 0.05 {
      throw MediaToolError.overLimit("processor time")
    }
    if signal != 0 {
      switch signal {
      case SIGXCPU: throw MediaToolError.overLimit("processor time")
      case SIGXFSZ: throw MediaToolError.overLimit("disk space")
      case SIGKILL: throw MediaToolError.overLimit("memory")
      default: throw MediaToolError.crashed(tool: tool.rawValue)
      }
    }
    guard code == 0 else { throw MediaToolError.failed(tool: tool.rawValue, status: code) }
    return output
  }
}

/// A private folder for one job's outputs (mkdtemp: mode 0700, a name nobody can guess),
/// removed with everything in it when the job ends.
package final class PrivateFolder {
  package let path: String

  /// - Parameter parent: where to make it; on the same file system as the final destination,
  ///   so finished files can be renamed into place atomically.
  package init(in parent: String, prefix: String = "salon-media-") throws {
    var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw MediaToolError.failed(tool: "mkdtemp", status: errno)
    }
    path = String(cString: made)
  }

  package func file(_ name: String) -> String { path + "/" + name }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

// glibc's GNU extensions, which Swift's Glibc module leaves out (it is built without
// _GNU_SOURCE); all three exist since glibc 2.34 (Debian 12 has 2.36). Declared here, by their C
// symbols, rather than through a header module, so that this stays the one module that starts
// processes. Every argument is an int or a pointer, which Swift passes as C does; like the
// other file actions above, their results are not checked.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np") @discardableResult
private func posix_spawn_file_actions_addclosefrom_np(
  _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32
) -> Int32

@_silgen_name("posix_spawn_file_actions_addchdir_np") @discardableResult
private func posix_spawn_file_actions_addchdir_np(
  _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>
) -> Int32

@_silgen_name("pipe2")
private func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
