import Foundation
import SampleContent
import Zip

/// Row 13: the media work of a call of photographs spread over two ssh "nodes" on this machine
/// (two sshd of Debian's openssh-server on 127.0.0.1), against the same derivatives made by one
/// `salon export`. Processor time of everything, children included: the plan, sshd, ssh, tar,
/// `salon derive` on the nodes, the import, and the export that then finds every derivative in
/// the cache. The main figure sends each node one shard of the plan (its originals in one tar
/// stream through one ssh connection, the derivatives back in the same connection); the second
/// runs GNU parallel one plan line per job (four ssh connections and a `salon derive` each), only
/// up to 40 photographs, where it already costs more than the media work itself.
extension Bench {
  mutating func distributed() throws {
    let count = galleryWorks ?? (quick ? 20 : 200)
    let load = Self.loadAverage()
    say("13. media work of \(count) photographs over two ssh nodes vs one machine (processor time)")
    let zips = root.appendingPathComponent("distributed-zips-\(count)")
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)
    let texture = path("texture.v")
    let spare = (width: 1000, height: 750)
    if !FileManager.default.fileExists(atPath: texture) {
      let png = path("texture-\(Self.originalSize.width).png")
      try Data(
        Self.photoLikePNG(
          width: Self.originalSize.width + spare.width, height: Self.originalSize.height + spare.height, seed: 1)
      ).write(to: URL(fileURLWithPath: png))
      _ = try Measure.run(["vips", "copy", png, texture])
    }
    var csv = "id,title,artists,medium,rights,authorship\n"
    for n in 0..<count {
      let zip = zips.appendingPathComponent("\(n).zip").path
      csv += "\(n),Work \(n),Artist \(n),Photography,yes,yes\n"
      if FileManager.default.fileExists(atPath: zip) { continue }
      let jpeg = path("distributed-original.jpg")
      let crop = try Measure.run([
        "vips", "crop", texture, jpeg + "[Q=85]", String(n * 37 % spare.width), String(n * 53 % spare.height),
        String(Self.originalSize.width), String(Self.originalSize.height),
      ])
      guard crop.status == 0 else { throw BenchError("vips crop failed for original \(n)") }
      let writer = try ZipWriter(path: zip, compress: false)
      try writer.add("\(n)_main.jpg", contentsOf: jpeg)
      try writer.add("\(n)_description.pdf", bytes: SampleMedia.pdf(pages: 1))
      try writer.close()
    }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path("distributed-form.csv")))
    let archive = path("distributed-archive")
    let twin = path("distributed-twin")
    let third = path("distributed-third")
    for name in [
      "distributed-archive", "distributed-twin", "distributed-third", "distributed-work", "distributed-shards",
      "distributed-nodes", "site-alone", "site-spread",
    ] {
      remove(name)
    }
    _ = try salonRun(["init", "--title", "Bench Far", "--year", "2026", "--archive", archive])
    _ = try salonRun(["ingest", zips.path, "--form", path("distributed-form.csv"), "--archive", archive])
    _ = try salonRun(["submissions", "decide", "--all-accepted", "--archive", archive])
    _ = try Measure.run(["cp", "-a", archive, twin])
    let perLine = count <= 40
    if perLine { _ = try Measure.run(["cp", "-a", archive, third]) }

    say("   one machine: salon export")
    let alone = try salonRun(["export", "-o", path("site-alone"), "--archive", archive])
    say("   two nodes, one shard each: plan, ssh with tar each way, import, export")
    let work = path("distributed-shards")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    let plan = try salonRun(["export", "--plan", work + "/plan.tsv", "--archive", twin])
    let nodes = try Measure.run(
      ["/bin/sh", "-c", Self.twoNodes, "sh", path("distributed-nodes"), salon, work, "shards"],
      output: path("distributed-shards.log"))
    // What `salon derive` itself took on each node (GNU time around it there).
    let derive = (1...2).map { n in
      (try? String(contentsOfFile: path("distributed-nodes") + "/derive-\(n).time", encoding: .utf8))
        .map { $0.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }.reduce(0, +) } ?? 0
    }.reduce(0, +)
    let taken = try salonRun(
      ["cache", "import", work + "/derived", "--json", "--archive", twin], output: path("distributed-import.json"))
    let planned = (try? String(contentsOfFile: work + "/plan.tsv", encoding: .utf8))?.split(separator: "\n").count ?? 0
    let imported =
      (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("distributed-import.json")))))
      .flatMap { ($0 as? [String: Any])?["imported"] as? Int } ?? -1
    guard imported == planned, planned > 0 else {
      throw BenchError(
        "the nodes made \(imported) of \(planned) planned derivatives (see bench-out/distributed-shards.log)")
    }
    let spread = try salonRun(["export", "-o", path("site-spread"), "--archive", twin])
    for step in [alone, plan, nodes, taken, spread] where step.status != 0 {
      throw BenchError("a step of the distributed run failed (see bench-out/distributed-shards.log)")
    }
    let same = try Measure.run(["diff", "-r", "-q", path("site-alone"), path("site-spread")]).status == 0
    let total = plan.cpuSeconds + nodes.cpuSeconds + taken.cpuSeconds + spread.cpuSeconds
    let ratio = total / alone.cpuSeconds

    // The same plan one GNU parallel job per line, into a third copy of the archive.
    var lineText =
      " One GNU parallel job per plan line was not run at \(count) photographs (four ssh connections and a `salon derive` per line: over 1 s of processor time each; run --works 40 for it)."
    var lineRatio: String?
    if perLine {
      say("   two nodes, one GNU parallel job per plan line")
      let lineWork = path("distributed-work")
      try FileManager.default.createDirectory(atPath: lineWork, withIntermediateDirectories: true)
      let linePlan = try salonRun(["export", "--plan", lineWork + "/plan.tsv", "--archive", third])
      remove("distributed-nodes")
      let lines = try Measure.run(
        ["/bin/sh", "-c", Self.twoNodes, "sh", path("distributed-nodes"), salon, lineWork],
        output: path("distributed-parallel.log"))
      let lineTaken = try salonRun(["cache", "import", lineWork + "/derived", "--archive", third])
      for step in [linePlan, lines, lineTaken] where step.status != 0 {
        throw BenchError("a step of the per-line run failed (see bench-out/distributed-parallel.log)")
      }
      let lineTotal = linePlan.cpuSeconds + lines.cpuSeconds + lineTaken.cpuSeconds + spread.cpuSeconds
      lineRatio = String(format: "%.2fx", lineTotal / alone.cpuSeconds)
      lineText = String(
        format:
          " One GNU parallel job per plan line (four ssh connections and a `salon derive` each): the nodes %.1f s (%.0f s wall), the import %.1f s, %.2fx one machine in all.",
        lines.cpuSeconds, lines.seconds, lineTaken.cpuSeconds, lineTotal / alone.cpuSeconds)
    }
    rows.append(
      row(
        "13",
        "media work of \(count) photographs 3000×2250 over two ssh nodes on this machine (one shard each: plan, ssh and tar, `salon derive`, `salon cache import`, export), processor time",
        String(
          format: "%.1f s CPU: nodes %.1f s (derive %.1f s), import %.1f s, plan %.1f s, export %.1f s", total,
          nodes.cpuSeconds, derive, taken.cpuSeconds, plan.cpuSeconds, spread.cpuSeconds),
        String(format: "one machine's `salon export`: %.1f s CPU", alone.cpuSeconds),
        String(format: "%.2fx", ratio) + (lineRatio.map { " (per line: \($0))" } ?? ""), "≤ 1.10x",
        ratio <= 1.10 && same))
    note(
      "13", start: load,
      String(
        format:
          "Processor time of every process, children included. One shard of the plan per node, its originals sent in one tar stream through one ssh connection that runs `salon derive` and brings the derivatives back: the plan %.1f s, the two nodes %.1f s (%.0f s wall; `salon derive` itself %.1f s, so sshd, ssh, tar and the nodes' start %.1f s), the import (every picture decoded wholly again by libvips in the sandbox, in batches of folders per worker run, and stripped) %.1f s, the export that then found every derivative in the cache %.1f s: %.1f s, against one machine's `salon export` %.1f s (%.0f s wall): %.2fx. The two sites are %@.",
        plan.cpuSeconds, nodes.cpuSeconds, nodes.seconds, derive, nodes.cpuSeconds - derive, taken.cpuSeconds,
        spread.cpuSeconds, total, alone.cpuSeconds, alone.seconds, ratio, same ? "byte-identical" : "NOT identical")
        + lineText)
  }

  /// Two sshd on 127.0.0.1 (free ports, throwaway keys), both stopped by their process ids at
  /// the end, running the plan: ($4 = shards) one shard of it per node, through one ssh
  /// connection each that takes the shard and its originals as a tar stream, runs `salon derive`
  /// (GNU time around it, into derive-N.time) and sends the derivatives back as a tar stream; or
  /// GNU parallel one line per job, one job on each node at a time. $1 the nodes' folder, $2
  /// salon, $3 the work folder with plan.tsv and originals/.
  static let twoNodes = #"""
    set -e
    d="$1"; salon="$2"; work="$3"
    mkdir -p "$d"
    ssh-keygen -q -t ed25519 -N '' -f "$d/host"
    ssh-keygen -q -t ed25519 -N '' -f "$d/client"
    cp "$d/client.pub" "$d/authorized_keys"
    [ "$(id -u)" != 0 ] || mkdir -p /run/sshd
    user=$(id -un)
    : >"$d/pids"; : >"$d/nodes"; : >"$d/ssh_config"
    for n in 1 2; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s/host\nAuthorizedKeysFile %s/authorized_keys\nPidFile %s/sshd-%s.pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nAllowUsers %s\n' \
        "$port" "$d" "$d" "$d" "$n" "$user" >"$d/sshd-$n.conf"
      /usr/sbin/sshd -D -e -f "$d/sshd-$n.conf" >"$d/sshd-$n.log" 2>&1 </dev/null &
      echo $! >>"$d/pids"
      printf 'Host node%s\n  HostName 127.0.0.1\n  Port %s\n  User %s\n  IdentityFile %s/client\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n  BatchMode yes\n  Ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com\n' \
        "$n" "$port" "$user" "$d" >>"$d/ssh_config"
      echo "1/node$n" >>"$d/nodes"
    done
    # Each sshd is stopped only once it has reaped the processes of its last connection: one
    # stopped before would leave them to init, and their processor time (a node's whole `salon
    # derive`) out of the measurement.
    trap 'for pid in $(cat "$d/pids"); do
        for i in $(seq 400); do [ -z "$(ps -o pid= --ppid "$pid")" ] && break; sleep 0.05; done
        kill "$pid" 2>/dev/null || true
      done; wait' EXIT
    # (AES-GCM first in ssh_config: with the processor's AES instructions it takes about half of
    # ChaCha20's time per byte.) sshd writes its pid file once it listens (a login to find out would cost a whole one).
    for n in 1 2; do
      for i in $(seq 200); do [ -s "$d/sshd-$n.pid" ] && break; sleep 0.05; done
    done
    cd "$work"
    if [ "$4" = shards ]; then
      # One shard of the plan per node, in one ssh connection: the shard and its originals in as
      # a tar stream, `salon derive` (its report on standard error), the derivatives out as one.
      split -n r/2 -d plan.tsv shard-
      mkdir -p derived
      for n in 1 2; do
        (
          set -e
          shard="shard-0$((n - 1))"; r="$d/remote-$n"
          { echo "$shard"; cut -f1 "$shard" | sed 's|^|originals/|'; } >"$d/files-$n"
          tar -c -f - -T "$d/files-$n" | ssh -F "$d/ssh_config" "node$n" "set -e; mkdir -p '$r'; cd '$r'; tar -x -f -; /usr/bin/time -f '%U %S' -o '$d/derive-$n.time' '$salon' derive '$shard' --originals originals -o derived >&2; tar -c -f - derived; cd /; rm -rf '$r'" | tar -x -f -
        ) &
        eval "job$n=\$!"
      done
      wait "$job1"; wait "$job2"
      exit 0
    fi
    parallel --will-cite --sshloginfile "$d/nodes" --ssh "ssh -F $d/ssh_config" --colsep '\t' \
      --workdir "$d/remote" --transferfile 'originals/{1}' --return 'derived/{2}' --cleanup \
      "$salon" derive --recipe '{3}' --originals originals -o derived :::: plan.tsv
    """#
}
