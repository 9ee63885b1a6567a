import Foundation
import SampleContent
import Zip

/// Row 11: the media work of a call of photographs spread over two ssh "nodes" on this machine
/// (two sshd of Debian's openssh-server on 127.0.0.1, GNU parallel sending originals and bringing
/// derivatives back through rsync), against the same work done by one `salon export`. Processor
/// time of everything: the plan, sshd, ssh, rsync, parallel, `salon derive`, the import and the
/// export that then finds every derivative in the cache.
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
    for name in [
      "distributed-archive", "distributed-twin", "distributed-work", "distributed-nodes", "site-alone",
      "site-spread",
    ] {
      remove(name)
    }
    _ = try salonRun(["init", "--title", "Bench Far", "--year", "2026", "--archive", archive])
    _ = try salonRun(["ingest", zips.path, "--form", path("distributed-form.csv"), "--archive", archive])
    _ = try salonRun(["submissions", "decide", "--all-accepted", "--archive", archive])
    _ = try Measure.run(["cp", "-a", archive, twin])
    let third = path("distributed-third")
    remove("distributed-third")
    _ = try Measure.run(["cp", "-a", archive, third])

    say("   one machine: salon export")
    let alone = try salonRun(["export", "-o", path("site-alone"), "--archive", archive])
    say("   two nodes: plan, parallel over ssh, import, export")
    let work = path("distributed-work")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    let plan = try salonRun(["export", "--plan", work + "/plan.tsv", "--archive", twin])
    let nodes = try Measure.run(
      ["/bin/sh", "-c", Self.twoNodes, "sh", path("distributed-nodes"), salon, work],
      output: path("distributed-parallel.log"))
    // The same plan again, by shards, into a third copy of the archive.
    let shardWork = path("distributed-shards")
    remove("distributed-shards")
    try FileManager.default.createDirectory(atPath: shardWork, withIntermediateDirectories: true)
    let shardPlan = try salonRun(["export", "--plan", shardWork + "/plan.tsv", "--archive", third])
    remove("distributed-nodes")
    let shards = try Measure.run(
      ["/bin/sh", "-c", Self.twoNodes, "sh", path("distributed-nodes"), salon, shardWork, "shards"],
      output: path("distributed-shards.log"))
    let shardTaken = try salonRun(["cache", "import", shardWork + "/derived", "--archive", third])
    let taken = try salonRun(["cache", "import", work + "/derived", "--archive", twin])
    let spread = try salonRun(["export", "-o", path("site-spread"), "--archive", twin])
    for step in [alone, plan, nodes, taken, spread, shardPlan, shards, shardTaken] where step.status != 0 {
      throw BenchError("a step of the distributed run failed (see bench-out/distributed-parallel.log)")
    }
    let same = try Measure.run(["diff", "-r", "-q", path("site-alone"), path("site-spread")]).status == 0
    let total = plan.cpuSeconds + nodes.cpuSeconds + taken.cpuSeconds + spread.cpuSeconds
    let ratio = total / alone.cpuSeconds
    rows.append(
      row(
        "13", "media work of \(count) photographs 3000×2250 over two ssh nodes on this machine, processor time",
        String(format: "%.1f s CPU", total), String(format: "one machine: %.1f s CPU", alone.cpuSeconds),
        String(format: "%.2fx", ratio), "≤ 1.10x", ratio <= 1.10 && same))
    note(
      "13", start: load,
      String(
        format:
          "Processor time of every process: the plan %.1f s, the two nodes (sshd, ssh, rsync, GNU parallel and `salon derive`) %.1f s (%.0f s wall), the import (every picture decoded and stripped again in the sandbox) %.1f s, the export that then found every derivative in the cache %.1f s; one machine's `salon export` %.1f s (%.0f s wall). The two sites are %@.",
        plan.cpuSeconds, nodes.cpuSeconds, nodes.seconds, taken.cpuSeconds, spread.cpuSeconds, alone.cpuSeconds,
        alone.seconds, same ? "byte-identical" : "NOT identical")
        + String(
          format:
            " By shards (half the plan per node, one rsync there and one back, one `salon derive` each) the nodes took %.1f s (%.0f s wall) and the import %.1f s: %.2fx one machine in all.",
          shards.cpuSeconds, shards.seconds, shardTaken.cpuSeconds,
          (shardPlan.cpuSeconds + shards.cpuSeconds + shardTaken.cpuSeconds + spread.cpuSeconds) / alone.cpuSeconds))
  }

  /// Two sshd on 127.0.0.1 (free ports, throwaway keys), both stopped by their process ids at
  /// the end, running the plan: GNU parallel one line per job, one job on each node at a time;
  /// or ($4 = shards) half the plan per node, sent and brought back by one rsync each. $1 the
  /// nodes' folder, $2 salon, $3 the work folder with plan.tsv and originals/.
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
      printf 'Host node%s\n  HostName 127.0.0.1\n  Port %s\n  User %s\n  IdentityFile %s/client\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n  BatchMode yes\n' \
        "$n" "$port" "$user" "$d" >>"$d/ssh_config"
      echo "1/node$n" >>"$d/nodes"
    done
    trap 'for pid in $(cat "$d/pids"); do kill "$pid" 2>/dev/null || true; done; wait' EXIT
    for n in 1 2; do
      for i in $(seq 100); do ssh -F "$d/ssh_config" "node$n" true 2>/dev/null && break; sleep 0.1; done
    done
    cd "$work"
    if [ "$4" = shards ]; then
      # One shard of the plan per node: its originals in one rsync, one derive, one rsync back.
      split -n r/2 -d plan.tsv shard-
      for n in 1 2; do
        (
          set -e
          shard="shard-0$((n - 1))"; r="$d/remote-$n"
          { echo "$shard"; cut -f1 "$shard" | sed 's|^|originals/|'; } >"$d/files-$n"
          ssh -F "$d/ssh_config" "node$n" mkdir -p "$r"
          rsync -a -e "ssh -F $d/ssh_config" --files-from="$d/files-$n" . "node$n:$r/"
          ssh -F "$d/ssh_config" "node$n" "cd '$r' && '$salon' derive '$shard' --originals originals -o derived"
          rsync -a -e "ssh -F $d/ssh_config" "node$n:$r/derived/" derived/
          ssh -F "$d/ssh_config" "node$n" rm -rf "$r"
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
