// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Salon's parsers of untrusted input. Build and run with `make fuzz`:
// every module is compiled with -sanitize=fuzzer,address, and libFuzzer provides main().
let fuzzerFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "SalonFuzz",
  dependencies: [.package(name: "Salon", path: "..")],
  targets: [
    .target(name: "CFuzzerDriver"),
    .executableTarget(
      name: "FuzzZipStructure", dependencies: [.product(name: "SalonLibraries", package: "Salon"), "CFuzzerDriver"],
      swiftSettings: fuzzerFlags),
    .executableTarget(
      name: "FuzzFileType", dependencies: [.product(name: "SalonLibraries", package: "Salon"), "CFuzzerDriver"],
      swiftSettings: fuzzerFlags),
    .executableTarget(
      name: "FuzzCSV", dependencies: [.product(name: "SalonLibraries", package: "Salon"), "CFuzzerDriver"],
      swiftSettings: fuzzerFlags),
    .executableTarget(
      name: "FuzzSheet", dependencies: [.product(name: "SalonLibraries", package: "Salon"), "CFuzzerDriver"],
      swiftSettings: fuzzerFlags),
    .executableTarget(
      name: "FuzzTemplate", dependencies: [.product(name: "SalonLibraries", package: "Salon"), "CFuzzerDriver"],
      swiftSettings: fuzzerFlags),
  ],
  swiftLanguageModes: [.v6]
)
