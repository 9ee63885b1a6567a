import Foundation

/// The external programs Salon runs, declared once and found once: Debian's own tools for the
/// media that only big C parsers read. Nothing else in Salon starts a process.
package enum MediaTool: String, CaseIterable, Sendable {
  case ffprobe, ffmpeg, pdfinfo, pdftoppm, exiftool
  /// Salon's own binary in its image-worker mode: libvips decoding an untrusted image in the
  /// same confinement as the Debian tools.
  case salonWorker = "salon"

  /// The Debian package that provides the tool, for the message when it is missing.
  package var package: String {
    switch self {
    case .ffprobe, .ffmpeg: return "ffmpeg"
    case .pdfinfo, .pdftoppm: return "poppler-utils"
    case .salonWorker: return "salon"
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
    for tool in MediaTool.allCases where tool != .salonWorker { paths[tool] = locate(tool.rawValue) }
    paths[.salonWorker] = salonExecutable
    return paths
  }()

  /// The `salon` binary, by its real path (`/proc/self/exe` itself would name whatever program
  /// execs it): this process when it is salon, else the one beside it (the tests run in
  /// `.build/debug/*.xctest`, salon-bench is installed beside salon).
  static let salonExecutable: String? = {
    guard let current = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
      return nil
    }
    if (current as NSString).lastPathComponent == "salon" { return current }
    let beside = (current as NSString).deletingLastPathComponent + "/salon"
    return FileManager.default.isExecutableFile(atPath: beside) ? beside : nil
  }()

  /// util-linux's `prlimit`: sets the limits in the child itself before it runs the tool.
  static let limiter: String? = locate("prlimit")

  package var path: String? { self == .salonWorker ? Self.salonExecutable : Self.located[self] }

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
  /// bubblewrap is missing, or this system does not let it make the namespaces it needs.
  case sandboxUnavailable(bubblewrapInstalled: Bool)

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
    case .sandboxUnavailable(bubblewrapInstalled: false):
      return
        "Salon reads media only inside a bubblewrap sandbox, and bubblewrap is not installed; install the Debian package bubblewrap (make setup does)."
    case .sandboxUnavailable(bubblewrapInstalled: true):
      return
        "Salon reads media only inside a bubblewrap sandbox, which this system does not allow; allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces above 0), or set SALON_UNCONFINED_MEDIA=1 to accept the risk."
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

/// Runs one tool on one untrusted file: inside bubblewrap (see `Confinement`); fixed argv and no
/// shell; `prlimit` sets CPU, memory and file-size limits inside the sandbox before the tool
/// starts; its own process group, killed at once on timeout or cancellation (the sandbox dies
/// with it); stdin from /dev/null, stderr discarded, a minimal environment; the input opened
/// here read-only (no symlink followed, regular files only) and handed over as descriptor 3, so
/// the tool reads exactly the file Salon checked.
package struct Sandbox: Sendable {
  package var limits: SandboxLimits
  package var isCancelled: @Sendable () -> Bool

  package init(limits: SandboxLimits = SandboxLimits(), isCancelled: @escaping @Sendable () -> Bool = { false }) {
    self.limits = limits
    self.isCancelled = isCancelled
  }

  /// Whether the organiser set SALON_UNCONFINED_MEDIA=1, so that tools run without bubblewrap:
  /// for the commands to record in the event log with the work it touched.
  package static var runsUnconfined: Bool { Confinement.unconfinedByRequest }

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
    let confined = !Confinement.unconfinedByRequest
    if confined, let refusal = Confinement.refusal { throw refusal }
    if isCancelled() { throw MediaToolError.cancelled }
    let workingFolder =
      workingFolder.hasPrefix("/") ? workingFolder : FileManager.default.currentDirectoryPath + "/" + workingFolder
    // A folder, not a link: an earlier tool that could write beside it (a taken-over decoder)
    // may have left a link by that name, and bubblewrap's bind would follow it out of the job.
    var folderStatus = stat()
    guard lstat(workingFolder, &folderStatus) == 0, folderStatus.st_mode & S_IFMT == S_IFDIR else {
      throw MediaToolError.crashed(tool: tool.rawValue)
    }

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

    // What bubblewrap binds besides the system folders: an executable outside /usr with its
    // libraries' folders, then the job's folder on top.
    var bindings: [Confinement.Binding] = []
    // Handed over as 4, 5…: the user namespace (Salon as root), then the seccomp filter's pipe.
    let filter = confined ? Confinement.filterPipe() : nil
    defer { if let filter { close(filter) } }
    let handles = confined ? Confinement.sharedHandles + (filter.map { [$0] } ?? []) : []
    if confined {
      if !Confinement.isSystemPath(executable) {
        bindings += Confinement.libraryFolders.map { Confinement.Binding(path: $0, writable: false) }
        bindings.append(Confinement.Binding(path: executable, writable: false))
      }
      bindings.append(Confinement.Binding(path: workingFolder, writable: true))
    }
    // Salon as root runs the tool as nobody: the job's folder is the tool's while it runs and
    // Salon's again after (the tool is dead by then, the whole sandbox with it). The input must
    // be readable by nobody, who reopens it through /proc/self/fd/3, but never writable or its
    // to change: for the run it keeps its owner and goes to nobody's group with group-read only
    // (inside the owner-only archive, where no one else can reach it), and gets its group and
    // mode back after.
    var folderOwner: (uid: UInt32, gid: UInt32)?
    var lent: LentInputs.Key?
    if confined && Confinement.runsAsRoot {
      var info = stat()
      if stat(workingFolder, &info) == 0 { folderOwner = (info.st_uid, info.st_gid) }
      Confinement.handOver(workingFolder, to: (Confinement.sandboxUser, Confinement.sandboxUser))
      if inputDescriptor >= 0, fstat(inputDescriptor, &info) == 0, info.st_mode & S_IROTH == 0 {
        lent = LentInputs.lend(inputDescriptor, info)
      }
    }
    defer {
      if let folderOwner { Confinement.handOver(workingFolder, to: folderOwner) }
      if let lent { LentInputs.giveBack(inputDescriptor, lent) }
    }

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
    } else if !handles.isEmpty {
      posix_spawn_file_actions_addopen(&actions, 3, "/dev/null", O_RDONLY, 0)
    }
    // Kept for the whole process at 64 or above (`Confinement.moveHigh`), so placing them as 4,
    // 5… never overwrites one another.
    for (index, handle) in handles.enumerated() {
      posix_spawn_file_actions_adddup2(&actions, handle, Int32(4 + index))
    }
    posix_spawn_file_actions_addclosefrom_np(
      &actions, inputDescriptor >= 0 || !handles.isEmpty ? Int32(4 + handles.count) : 3)
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

    let environment = ["PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=\(workingFolder)", "TMPDIR=\(workingFolder)"]
    var argv =
      [
        limiter, "--cpu=\(limits.cpuSeconds):\(limits.cpuSeconds + 2)", "--as=\(limits.memoryBytes)",
        "--fsize=\(limits.fileBytes)",
        "--core=0", "--", executable,
      ] + arguments
    if confined {
      argv =
        Confinement.commandLine(
          bindings: bindings, workingFolder: workingFolder, environment: environment, wallSeconds: limits.wallSeconds,
          filter: filter.map { _ in 4 + Int32(Confinement.sharedHandles.count) })
        + argv
    }
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup($0) } + [nil]
    defer {
      cArguments.forEach { free($0) }
      cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
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
          // The sandbox's first process is killed by hand: as nobody (Salon as root) it is not
          // killed with bubblewrap, whose death signal may not reach another user. The whole
          // sandbox dies with it. One forked too late to be seen here still runs as root
          // inside and dies with bubblewrap.
          for child in Confinement.children(of: pid) { kill(child, SIGKILL) }
          kill(-pid, SIGKILL)
          kill(pid, SIGKILL)
        }
      }
    }
    if let stopped { throw stopped }

    var signal = status & 0x7F
    var code = (status >> 8) & 0xFF
    // The sandbox's first process exits with 128 + the number of the signal that ended the tool.
    if confined && signal == 0 && code > 128 && code <= 128 + 64 {
      signal = code - 128
      code = 0
    }
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

/// Inputs lent to the sandbox's user (Salon as root), by file: several tools may read one file
/// at once (a photograph's decoder and its provenance read), so the first run lends it (nobody's
/// group, group-read only) and the last one to finish gives its group and mode back. Without
/// the count, the first to finish would take the file back from a tool still reading it.
enum LentInputs {
  struct Key: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
  }
  private struct Loan {
    var count: Int
    var gid: UInt32
    var mode: mode_t
  }
  nonisolated(unsafe) private static var loans: [Key: Loan] = [:]
  private static let lock = NSLock()

  /// Lends the open file `descriptor` (whose status is `info`) for one run; nil if it cannot be.
  static func lend(_ descriptor: Int32, _ info: stat) -> Key? {
    let key = Key(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    return lock.withLock {
      if loans[key] != nil {
        loans[key]!.count += 1
        return key
      }
      guard fchown(descriptor, UInt32.max, Confinement.sandboxUser) == 0 else { return nil }
      loans[key] = Loan(count: 1, gid: info.st_gid, mode: info.st_mode & 0o7777)
      fchmod(descriptor, (info.st_mode & 0o700) | S_IRGRP)
      return key
    }
  }

  /// Ends one run's loan; the last gives the file its group and mode back.
  static func giveBack(_ descriptor: Int32, _ key: Key) {
    lock.withLock {
      guard var loan = loans[key] else { return }
      loan.count -= 1
      if loan.count > 0 {
        loans[key] = loan
        return
      }
      loans[key] = nil
      fchown(descriptor, UInt32.max, loan.gid)
      fchmod(descriptor, loan.mode)
    }
  }
}
