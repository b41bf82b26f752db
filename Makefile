# ttt-check — build, demo and tests. `make demo` and `make test` are the two
# set-up commands of the README; keep them true on a fresh machine.

SHELL    := /bin/bash
GO       ?= go
BIN      := bin/ttt-check
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/ttt-wg/ttt-check/internal/buildinfo.Version=$(VERSION)
FUZZTIME ?= 15s
# Package versions must start with a digit: the last tag, else 0.1.0.
PKG_VERSION ?= $(shell git describe --tags --abbrev=0 2>/dev/null | sed 's/^v//' | grep . || echo 0.1.0)

NFPM     ?= github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.43.0
# (v2.44+ needs modules the proxy here refuses; 2.43 builds from it.)

.PHONY: all build demo test test-short fuzz bench-scan bench-readers bench-fleet bench-logs golden docs package clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ttt-check

## demo: build, then scan the bundled demo host snapshot with the embedded recipes.
## The scan exits 1 because the demo host deviates; the demo itself succeeds.
demo: build
	@echo "+ $(BIN) scan --root fixtures/hosts/demo"
	@$(BIN) scan --root fixtures/hosts/demo; rc=$$?; \
	  echo; echo "ttt-check exit code: $$rc (0 clean, 1 deviations, 2 usage/profile/recipe error)"; \
	  test $$rc -le 1

## test: vet and every test, including the tests judged by real programs
## (xrootd, ARC's parser, promtool, chromium, ansible) and the ones over the
## ../shared corpus; each skips with a one-line reason where its program or
## ../shared is absent, and the summary at the end lists every skip.
test:
	$(GO) vet ./...
	set -o pipefail; $(GO) test -count=1 -json ./... | $(GO) run ./internal/testkit/testsummary

test-short:
	$(GO) test -short ./...

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "+ fuzz $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## bench-scan: full scan of the demo snapshot (target: milliseconds per host).
bench-scan:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/scan

## bench-logs: generate LOGS_MB of realistic logs with planted tokens and
## compare ttt-check's throughput, memory, recall and precision with
## ripgrep's and gitleaks's (when installed).
LOGS_MB ?= 2048
bench-logs: build
	$(GO) test -run '^TestBenchLogs$$' -count=1 -v -timeout 60m ./internal/logsearch -args -benchlogs -benchlogs.mb=$(LOGS_MB) -benchlogs.bin=$(abspath $(BIN))

# machine: what the bench-* figures were measured on.
machine = @echo "machine: $$(nproc) CPUs,$$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2), load $$(cut -d' ' -f1-3 /proc/loadavg)"

## bench-readers: scans of generated hosts far bigger than real ones (ARC
## with 5,000 and 10,000 authgroups, an HTCondor-CE with a 100,000-line
## SCITOKENS mapfile, StoRM WebDAV with 5,000 storage areas); cost must
## grow linearly. Targets: ARC 10k ≤ 0.5 s, HTCondor-CE 100k ≤ 1 s and
## 150 MB. cpu-ms/op is the CPU time, which other load does not inflate.
bench-readers:
	$(machine)
	$(GO) test -run '^$$' -bench Scale -benchmem -benchtime 3x ./internal/scan

## bench-fleet: aggregate 10,000 small and 100,000 whole host results
## (about 1 GB of JSON; target: 100k ≤ 5 s and 200 MB).
bench-fleet:
	$(machine)
	$(GO) test -run '^$$' -bench 'Aggregate(10k|100k)' -benchmem -benchtime 3x -timeout 30m ./internal/fleet

## package: DEB and RPM with the binary, default site profile, man pages,
## completions and a daily systemd timer (nfpm from the Go module proxy).
package: build
	rm -rf dist && mkdir -p dist
	$(BIN) docs --man dist/man --completions dist/completions
	for p in deb rpm; do TTT_VERSION=$(PKG_VERSION) $(GO) run $(NFPM) pkg --packager $$p --config packaging/nfpm.yaml --target dist/; done
	ls -l dist/*.deb dist/*.rpm

## golden: regenerate golden files after an intended change; review the diff.
golden:
	$(GO) test ./internal/scan ./internal/output -update

## docs: regenerate the README's tables of services (from the service
## registry) and checks (from the recipes); a test fails when they differ.
docs: build
	$(BIN) docs --readme README.md

clean:
	rm -rf bin dist
