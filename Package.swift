// swift-tools-version:6.0
import PackageDescription

// Salon: no Swift packages, only the toolchain and Debian's C libraries, each behind one wrapper.
let package = Package(
  name: "Salon",
  // macOS 15 for Synchronization.Atomic (the Ctrl-C token); Linux has it with the toolchain.
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "salon", targets: ["salon"]),
    .executable(name: "salon-bench", targets: ["SalonBench"]),
    // The pipeline stages as libraries, for the fuzzers in Fuzz/.
    .library(name: "SalonLibraries", targets: ["Basics", "Catalog", "Ingest", "Jury", "Export", "Packaging"]),
  ],
  targets: [
    .systemLibrary(
      name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),

    // Wrapper modules: the only places that import a C library.
    .target(name: "Zip", dependencies: ["CArchive"]),
    .target(name: "SQLite", dependencies: ["CSQLite"]),
    .target(name: "Hashing", dependencies: ["COpenSSL"]),
    // libvips; its errors are MediaTools' `ImageError`, which the image worker reports to Salon.
    .target(name: "Imaging", dependencies: ["Basics", "CVips", "MediaTools"]),
    // The only module that starts processes: Debian's ffmpeg and poppler, and Salon's own
    // image worker, sandboxed.
    .target(name: "MediaTools"),

    // Shared basics under every stage: text for terminals, HTML and CSV, slugs and natural
    // order, files read and written safely, cancellation. Foundation only.
    .target(name: "Basics"),

    // Pipeline stages: each stands on Basics and the wrappers it needs.
    // MediaTools for `RecordedFacts`, the facts ingest's decoders learnt, kept with each file.
    .target(name: "Catalog", dependencies: ["Basics", "SQLite", "Hashing", "MediaTools", "Zip"]),
    // Ingest and Export never decode an image themselves: `salon media-worker` does, in the sandbox.
    .target(name: "Ingest", dependencies: ["Basics", "Catalog", "Zip", "Hashing", "MediaTools"]),
    .target(name: "Jury", dependencies: ["Basics", "Catalog", "Hashing"]),
    .target(name: "Export", dependencies: ["Basics", "Catalog", "Hashing", "MediaTools"]),
    // `salon jury room`: the call's other offline site, built with Export's media and pages.
    .target(name: "JuryRoom", dependencies: ["Basics", "Catalog", "Jury", "Export", "Hashing", "Zip"]),
    // BagIt packages for preservation: the originals, the records and the gallery.
    .target(name: "Packaging", dependencies: ["Basics", "Catalog", "Jury", "Export", "Hashing"]),

    // Real media made in code: the demo, the benchmarks and the tests use it.
    .target(name: "SampleContent", dependencies: ["Zip", "MediaTools"]),

    // `salon demo`: a whole call from generated content.
    .target(
      name: "Demo", dependencies: ["Basics", "Catalog", "Ingest", "Jury", "Export", "Imaging", "SampleContent", "Zip"]),

    // Command line.
    .target(
      name: "SalonCLI",
      dependencies: [
        "Basics", "Catalog", "Ingest", "Jury", "Export", "JuryRoom", "Packaging", "Imaging", "Demo", "MediaTools",
      ]
    ),
    .executableTarget(name: "salon", dependencies: ["SalonCLI"]),
    // `make bench`: Salon beside its peers.
    .executableTarget(
      name: "SalonBench",
      dependencies: ["Basics", "Catalog", "Export", "Hashing", "Imaging", "Jury", "MediaTools", "SampleContent", "Zip"]),

    .testTarget(
      name: "SalonTests",
      dependencies: [
        "Basics", "Catalog", "Ingest", "Jury", "Export", "Packaging", "Imaging", "SalonCLI", "SampleContent", "Zip",
        "Hashing",
        "SQLite", "MediaTools",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
