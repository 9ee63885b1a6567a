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
    let filter = filterPipe()
    defer { if let filter { close(filter) } }
    let argv =
      commandLine(
        bindings: [], workingFolder: "/", environment: [], wallSeconds: 10,
        filter: filter.map { _ in 4 + Int32(sharedHandles.count) }) + ["/usr/bin/true"]
    let handles = sharedHandles + (filter.map { [$0] } ?? [])
    return runQuietly(argv, handles: handles) == 0 ? nil : .sandboxUnavailable(bubblewrapInstalled: true)
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
  static func commandLine(
    bindings: [Binding], workingFolder: String, environment: [String], wallSeconds: Double, filter: Int32?
  ) -> [String] {
    let user = String(sandboxUser)
    var arguments = [bubblewrap ?? "bwrap"]
    if let filter { arguments += ["--seccomp", String(filter)] }
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
    var arguments = ["--ro-bind", "/usr", "/usr"] + libvipsModules
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

  /// libvips loads every module in its modules folder as it starts: ImageMagick, poppler,
  /// OpenSlide and JPEG XL, none of which Salon asks it for (the first three are refused as
  /// untrusted anyway). In the sandbox that folder holds only the HEIF module (HEIC and AVIF),
  /// so the image worker starts some 30 ms sooner and maps less code an artist's file could reach.
  static let libvipsModules: [String] = {
    var arguments: [String] = []
    for architecture in (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib"))?.sorted() ?? [] {
      let folder = "/usr/lib/" + architecture
      for name in (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted() ?? []
      where name.hasPrefix("vips-modules-") {
        let modules = folder + "/" + name
        var info = stat()
        guard lstat(modules, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
        arguments += ["--perms", "0755", "--tmpfs", modules]
        let heif = modules + "/vips-heif.so"
        if lstat(heif, &info) == 0, info.st_mode & S_IFMT == S_IFREG { arguments += ["--ro-bind", heif, heif] }
        arguments += ["--remount-ro", modules]
      }
    }
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

  /// A seccomp filter (classic BPF, as bubblewrap's `--seccomp` reads it) refusing with EPERM
  /// what no decoder needs and what attacks on the kernel use most: new namespaces (unshare,
  /// setns, clone with a namespace flag; clone3 says ENOSYS, so the C library uses clone),
  /// mounts, ptrace and process_vm_*, bpf, perf_event_open, userfaultfd, io_uring, keyrings,
  /// kernel modules and kexec, and every syscall of another ABI (32-bit, x32). x86-64 only:
  /// other architectures number their syscalls differently and run without it.
  static let filterProgram: [UInt8]? = {
    #if arch(x86_64)
      let architecture: UInt32 = 0xC000_003E  // AUDIT_ARCH_X86_64
      let refused: [UInt32] = [
        101, 310, 311,  // ptrace, process_vm_readv, process_vm_writev
        248, 249, 250,  // add_key, request_key, keyctl
        321, 298, 323,  // bpf, perf_event_open, userfaultfd
        272, 308,  // unshare, setns
        165, 166, 155, 161,  // mount, umount2, pivot_root, chroot
        428, 429, 430, 431, 432, 433,  // open_tree, move_mount, fsopen, fsconfig, fsmount, fspick
        425, 426, 427,  // io_uring_setup, io_uring_enter, io_uring_register
        246, 320, 175, 313, 176,  // kexec_load, kexec_file_load, init_module, finit_module, delete_module
        303, 304, 103, 163, 167, 168, 169, 172, 173,  // handles, syslog, acct, swap, reboot, iopl, ioperm
      ]
      let (clone, clone3): (UInt32, UInt32) = (56, 435)
    #else
      return nil
    #endif
    let namespaceFlags: UInt32 = 0x7E02_0000  // CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
    let allow: UInt32 = 0x7FFF_0000
    let refuse: UInt32 = 0x0005_0000 | UInt32(EPERM)
    let absent: UInt32 = 0x0005_0000 | UInt32(ENOSYS)
    // (code, jump if true, jump if false, k); jumps count the instructions skipped.
    var program: [(UInt16, UInt8, UInt8, UInt32)] = [
      (0x20, 0, 0, 4),  // load the architecture
      (0x15, 1, 0, architecture),
      (0x06, 0, 0, refuse),
      (0x20, 0, 0, 0),  // load the syscall number
    ]
    // The tests, then the three answers they jump to: allow, refuse, say absent.
    let allowAt = program.count + 1 + refused.count + 4
    let (refuseAt, absentAt) = (allowAt + 1, allowAt + 2)
    func add(_ code: UInt16, _ k: UInt32, ifTrue: Int? = nil, ifFalse: Int? = nil) {
      let at = program.count
      program.append((code, ifTrue.map { UInt8($0 - at - 1) } ?? 0, ifFalse.map { UInt8($0 - at - 1) } ?? 0, k))
    }
    add(0x35, 0x4000_0000, ifTrue: refuseAt)  // the x32 ABI
    for number in refused { add(0x15, number, ifTrue: refuseAt) }
    add(0x15, clone3, ifTrue: absentAt)
    add(0x15, clone, ifFalse: allowAt)
    add(0x20, 16)  // clone's flags (the low half of its first argument)
    add(0x45, namespaceFlags, ifTrue: refuseAt)
    precondition(program.count == allowAt)
    program += [(0x06, 0, 0, allow), (0x06, 0, 0, refuse), (0x06, 0, 0, absent)]
    var bytes: [UInt8] = []
    for (code, ifTrue, ifFalse, k) in program {
      bytes += [UInt8(code & 0xFF), UInt8(code >> 8), ifTrue, ifFalse]
      bytes += [UInt8(k & 0xFF), UInt8((k >> 8) & 0xFF), UInt8((k >> 16) & 0xFF), UInt8(k >> 24)]
    }
    return bytes
  }()

  /// A pipe holding the filter, its read end for bubblewrap, which reads it to its end: one
  /// per run. Nil where there is no filter.
  static func filterPipe() -> Int32? {
    guard let program = filterProgram else { return nil }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return nil }
    let reader = moveHigh(ends[0])
    let written = program.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
    close(ends[1])
    guard written == program.count else {
      close(reader)
      return nil
    }
    return reader
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
