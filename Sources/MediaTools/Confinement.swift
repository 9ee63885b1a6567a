import Foundation

/// Where every tool runs: inside Debian's bubblewrap, so that a decoder taken over by a hostile
/// file finds nothing worth having. Its own user, PID, IPC, UTS, cgroup, network (loopback
/// only) and mount namespaces; the user nobody with no capabilities and no new privileges; a
/// root holding only read-only system folders, a private /tmp, the one input descriptor and the
/// job's own output folder.
///
/// Salon run by a user: bubblewrap makes the user namespace, in which the tool is nobody (the
/// kernel maps it to that user, the only one an unprivileged namespace may use), and disables
/// further user namespaces. Salon run as root: the tool is nobody outside its namespace too,
/// not root without capabilities; bubblewrap enters a user namespace made once (see
/// `userNamespace`) and `setpriv` makes the tool nobody for good before it starts.
enum Confinement {
  /// The user and group the tools run as: nobody, which owns nothing of Salon's.
  static let sandboxUser: UInt32 = 65534

  static let bubblewrap: String? = MediaTool.locate("bwrap")
  static let setpriv: String? = MediaTool.locate("setpriv")

  /// coreutils' `timeout`, the sandbox's first process (`--as-pid-1`), in front of `prlimit`
  /// and the tool. bubblewrap's own first process would exit before Salon could learn the
  /// processor time the tool used; `timeout` waits for the tool, so that time reaches Salon's
  /// wait4 through it, and ends with 128 + the number of a signal that ended the tool, as
  /// bubblewrap does. The tool is not the first process itself, from which the kernel would
  /// hold back SIGXCPU and SIGXFSZ, the signals of two limits. Its own clock, a second after
  /// Salon's, kills the tool even if Salon itself was killed.
  static let timeout: String? = MediaTool.locate("timeout")

  /// `SALON_UNCONFINED_MEDIA=1`: the organiser's explicit choice to run the tools as before
  /// bubblewrap (limits only), for a machine that forbids user namespaces. Said once on
  /// standard error so that it is never silent.
  static let unconfinedByRequest: Bool = {
    guard ProcessInfo.processInfo.environment["SALON_UNCONFINED_MEDIA"] == "1" else { return false }
    FileHandle.standardError.write(
      Data("Media tools run without their sandbox, as SALON_UNCONFINED_MEDIA=1 asks.\n".utf8))
    return true
  }()

  static let runsAsRoot = geteuid() == 0

  /// Why tools cannot run confined here, found once per process by running `true` in the same
  /// sandbox (bubblewrap missing, or user namespaces forbidden); nil when they can.
  static let refusal: MediaToolError? = {
    guard bubblewrap != nil else { return .sandboxUnavailable(bubblewrapInstalled: false) }
    guard timeout != nil else { return .missingTool(tool: "timeout", package: "coreutils") }
    guard !runsAsRoot || setpriv != nil else { return .missingTool(tool: "setpriv", package: "util-linux") }
    guard !runsAsRoot || userNamespace != nil else { return .sandboxUnavailable(bubblewrapInstalled: true) }
    let argv = commandLine(bindings: [], workingFolder: "/", environment: [], wallSeconds: 10) + ["/usr/bin/true"]
    return runQuietly(argv, handles: sharedHandles) == 0 ? nil : .sandboxUnavailable(bubblewrapInstalled: true)
  }()

  /// Root only: a user namespace in which root is root and nobody is nobody, made once per
  /// process by util-linux's `unshare` and kept by a descriptor. bubblewrap enters it as root,
  /// so it can bind a job's folder inside Salon's private folders (bubblewrap run as nobody
  /// could not even look there), and `setpriv` in the sandbox then leaves root for nobody.
  static let userNamespace: Int32? = {
    guard runsAsRoot, let unshare = MediaTool.locate("unshare"), let sleep = MediaTool.locate("sleep") else {
      return nil
    }
    var pid: pid_t = 0
    let argv = [unshare, "--user", sleep, "30"]
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    guard posix_spawn(&pid, unshare, nil, nil, cArguments, nil) == 0 else { return nil }
    defer {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/user")
    let link = "/proc/\(pid)/ns/user"
    for _ in 0..<400 {
      if let theirs = try? FileManager.default.destinationOfSymbolicLink(atPath: link), theirs != own { break }
      usleep(5_000)
    }
    let mapping = "0 0 1\n\(sandboxUser) \(sandboxUser) 1\n"
    for file in ["uid_map", "gid_map"] {
      // The kernel takes a map in one write only.
      let descriptor = open("/proc/\(pid)/\(file)", O_WRONLY | O_CLOEXEC)
      guard descriptor >= 0 else { return nil }
      let written = Array(mapping.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      close(descriptor)
      guard written == mapping.utf8.count else { return nil }
    }
    let descriptor = open(link, O_RDONLY | O_CLOEXEC)
    return descriptor >= 0 ? moveHigh(descriptor) : nil
  }()

  /// Descriptors every run hands to bubblewrap as 4, 5…: the user namespace when Salon is root.
  static let sharedHandles: [Int32] = runsAsRoot ? [userNamespace].compactMap { $0 } : []

  /// A folder or file bound into the sandbox at its own path.
  struct Binding {
    var path: String
    var writable: Bool
  }

  /// Everything in front of `prlimit`: bubblewrap and its options, then (Salon as root)
  /// `setpriv`, then the first process.
  static func commandLine(bindings: [Binding], workingFolder: String, environment: [String], wallSeconds: Double)
    -> [String]
  {
    let user = String(sandboxUser)
    var arguments = [bubblewrap ?? "bwrap"]
    if runsAsRoot {
      arguments += [
        "--userns", "4", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup",
      ]
    } else {
      arguments += [
        "--unshare-all", "--unshare-user", "--disable-userns", "--uid", user, "--gid", user, "--cap-drop", "ALL",
      ]
    }
    arguments += ["--die-with-parent", "--new-session", "--as-pid-1", "--clearenv"]
    for variable in environment {
      guard let equals = variable.firstIndex(of: "=") else { continue }
      arguments += ["--setenv", String(variable[..<equals]), String(variable[variable.index(after: equals)...])]
    }
    arguments += systemFolders + ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    var bound: [String] = []
    for binding in bindings {
      // A folder inside one already bound is there, and may not be changed.
      let parent = (binding.path as NSString).deletingLastPathComponent
      if !bound.contains(where: { parent == $0 || parent.hasPrefix($0 + "/") }) { arguments += openFolder(parent) }
      arguments += [binding.writable ? "--bind" : "--ro-bind", binding.path, binding.path]
      bound.append(binding.path)
    }
    arguments += ["--chdir", workingFolder, "--"]
    if runsAsRoot {
      arguments += [
        setpriv ?? "setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--inh-caps=-all",
        "--bounding-set=-all", "--no-new-privs", "--",
      ]
    }
    return arguments + [timeout ?? "timeout", "--signal=KILL", String(format: "%.1f", wallSeconds + 1)]
  }

  /// /usr read-only, with /bin, /lib and the rest as this system has them (symbolic links on a
  /// merged-/usr Debian); of /etc only the loader's cache, the alternatives' links (ffmpeg's
  /// libblas.so.3 is one) and fontconfig (poppler finds the fonts a PDF does not embed through
  /// it) with fontconfig's cache.
  static let systemFolders: [String] = {
    var arguments = ["--ro-bind", "/usr", "/usr"]
    for name in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
      var info = stat()
      guard lstat(name, &info) == 0 else { continue }
      if (info.st_mode & S_IFMT) == S_IFLNK,
        let target = try? FileManager.default.destinationOfSymbolicLink(atPath: name)
      {
        arguments += ["--symlink", target, name]
      } else if (info.st_mode & S_IFMT) == S_IFDIR {
        arguments += ["--ro-bind", name, name]
      }
    }
    arguments += openFolder("/etc")
    for path in ["/etc/ld.so.cache", "/etc/alternatives", "/etc/fonts"] { arguments += ["--ro-bind-try", path, path] }
    arguments += openFolder("/var/cache") + ["--ro-bind-try", "/var/cache/fontconfig", "/var/cache/fontconfig"]
    return arguments
  }()

  /// The folders above what is bound, made by bubblewrap as root when Salon is root, are open
  /// to nobody only when made explicitly so (it makes them 0700 otherwise).
  static func openFolder(_ path: String) -> [String] {
    ["", "/", "/tmp"].contains(path) ? [] : ["--perms", "0755", "--dir", path]
  }

  static func isSystemPath(_ path: String) -> Bool {
    ["/usr/", "/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/"].contains { path.hasPrefix($0) }
  }

  /// The folders of the shared libraries this process has loaded from outside the system
  /// folders (the Swift runtime, for a toolchain unpacked in /opt). The image worker is the
  /// `salon` binary, and every Salon process links the same runtime, so these are the folders
  /// it needs too.
  static let libraryFolders: [String] = {
    guard let maps = readAll("/proc/self/maps") else { return [] }
    var folders = Set<String>()
    for line in maps.split(separator: "\n") {
      guard let slash = line.firstIndex(of: "/") else { continue }
      let path = String(line[slash...])
      let name = (path as NSString).lastPathComponent
      guard name.hasSuffix(".so") || name.contains(".so."), !isSystemPath(path), !path.hasPrefix("/etc/") else {
        continue
      }
      var info = stat()
      guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
      folders.insert((path as NSString).deletingLastPathComponent)
    }
    return folders.sorted()
  }()

  /// The whole of a file the kernel makes up as it is read (its size says 0), read to its end.
  static func readAll(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
      bytes += buffer[0..<count]
    }
  }

  /// Gives the job's folder and the files in it to `owner` (nobody before the run, Salon's
  /// user after it). Only the first level: the tools write their outputs there, and anything
  /// deeper stays behind a folder only Salon may enter once it is handed back.
  static func handOver(_ folder: String, to owner: (uid: UInt32, gid: UInt32)) {
    let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    fchown(descriptor, owner.uid, owner.gid)
    guard let listing = fdopendir(fcntl(descriptor, F_DUPFD_CLOEXEC, 0)) else { return }
    defer { closedir(listing) }
    while let entry = readdir(listing) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name == "." || name == ".." { continue }
      fchownat(descriptor, name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW)
    }
  }

  /// The processes `pid` started: bubblewrap's one child is the sandbox's first process.
  static func children(of pid: pid_t) -> [pid_t] {
    (readAll("/proc/\(pid)/task/\(pid)/children") ?? "").split(separator: " ").compactMap { pid_t($0) }
  }

  /// Moves a descriptor kept for the whole process to 64 or above, so that placing it as 4 in a
  /// child never overwrites another descriptor being placed.
  static func moveHigh(_ descriptor: Int32) -> Int32 {
    let high = fcntl(descriptor, F_DUPFD_CLOEXEC, 64)
    close(descriptor)
    return high
  }

  /// Runs `argv` with nothing in or out and returns its exit status (-1 when it could not start).
  static func runQuietly(_ argv: [String], handles: [Int32]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    for (index, handle) in handles.enumerated() {
      posix_spawn_file_actions_adddup2(&actions, handle, Int32(4 + index))
    }
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
    defer {
      cArguments.forEach { free($0) }
      cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    guard posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
  }
}
