# ttt-check — build, demo and tests. `make demo` and `make test` are the two
# set-up commands of the README; keep them true on a fresh machine.

SHELL    := /bin/bash
GO       ?= go
BIN      ?= bin/ttt-check
DIST     ?= dist
FUZZTIME ?= 15s

# One version for the binary, the packages and the man pages, from the git
# tag (packaging/version.sh: 1.2.0, 1.2.0+3.g1f19d99, 0.0.0+1f19d99 without
# a tag).
VERSION  ?= $(shell packaging/version.sh)
VERSION  := $(VERSION)
# Reproducible builds: the commit's time dates the man pages, the package
# changelogs and every file in the packages.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

# A static (CGO_ENABLED=0), stripped (-s -w), reproducible (-trimpath, no
# VCS stamp, empty build id) binary: the same commit and Go release give
# the same bytes, and it runs on any Linux (EL8's glibc 2.28 included).
GOBUILD  := CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=false
LDFLAGS  := -s -w -buildid= -X github.com/ttt-wg/ttt-check/internal/buildinfo.Version=$(VERSION)

NFPM     ?= github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.43.0
# (v2.44+ needs modules the proxy here refuses; 2.43 builds from it.)
TOOLS    ?= $(abspath bin/tools)
NFPM_BIN ?= $(TOOLS)/nfpm-$(lastword $(subst @, ,$(NFPM)))

# make install: the GNU directory variables.
PREFIX        ?= /usr/local
DESTDIR       ?=
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
DOCDIR        ?= $(PREFIX)/share/doc/ttt-check
# ttt-check reads /etc/ttt-check/site.toml whatever its prefix, and its
# unit writes /var/lib/ttt-check (its StateDirectory).
SYSCONFDIR    ?= /etc
UNITDIR       ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/systemd/system,$(PREFIX)/lib/systemd/system)
BASHCOMPDIR   ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR    ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR   ?= $(PREFIX)/share/fish/vendor_completions.d

.PHONY: all build gendocs demo test test-short fuzz bench-scan bench-readers bench-rules bench-hostile bench-fleet bench-logs bench-logs-small golden docs ledger package nfpm install uninstall clean

all: build

build:
	$(GOBUILD) -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ttt-check

## gendocs: man pages and shell completions from the command tree into $(DIST).
gendocs: build
	rm -rf $(DIST)/man $(DIST)/completions
	$(BIN) docs --man $(DIST)/man --completions $(DIST)/completions

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

## fuzz: run every fuzz target for FUZZTIME each. Minimising an interesting
## input is capped at FUZZMINIMIZETIME: with go's default (60s) a target
## seeded with real configs of several KB spends its whole run minimising
## one of them, at what looks like 1 exec/s.
FUZZMINIMIZETIME ?= 3s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "+ fuzz $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg; \
	  done; \
	done

## bench-scan: full scan of the demo snapshot (target: milliseconds per host).
bench-scan:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/scan

## bench-startup: median wall and CPU time of the built binary's version,
## checks, explain and a scan of an empty root (the scan's fixed cost),
## STARTUP_RUNS times each, beside `rg --version` when rg is installed.
## Figures depend on the machine; no test asserts them.
STARTUP_RUNS ?= 200
.PHONY: bench-startup generate
bench-startup: build
	$(GO) run ./internal/testkit/benchstartup -bin $(BIN) -n $(STARTUP_RUNS)

## generate: rewrite recipes/recipes_gen.go, the embedded recipe set loaded
## at build time, after changing recipes/*.hcl or recipes/recipes.go (or
## after a merge touched either); `make test` only fails when it is stale.
generate:
	$(GO) generate ./recipes
## bench-fleet-scan: FLEET_HOSTS copies of the demo host scanned in one
## run (--roots, --output-dir), beside conftest's multi-file mode over the
## same snapshots when conftest is installed (bin/tools or PATH); prints
## the ratio. Target: at most conftest's time.
FLEET_HOSTS ?= 1000
.PHONY: bench-fleet-scan
bench-fleet-scan: build
	$(GO) run ./internal/testkit/benchfleetscan -bin $(BIN) -n $(FLEET_HOSTS)

## bench-rules: 50 site rules over a host with 1000 trusts (target: at
## most 10 ms per host).
bench-rules:
	$(GO) test -run '^$$' -bench Rules -benchmem ./internal/rules

## bench-hostile: scan every case of the hostile-input suite
## (internal/hostile: include fan-out, expansion bombs, huge and nested
## files, unreadable paths), each in a process of its own, and print the
## scan's time and the process's peak RSS (target: every case under 1 s and
## 100 MB). As root, the permission-denied cases run as nobody.
HOSTILE ?=
bench-hostile:
	$(GO) test -run '^TestBenchHostile$$' -count=1 -v -timeout 30m ./internal/hostile -args -hostile.bench -hostile.cases='$(HOSTILE)'

## bench-logs: generate LOGS_MB of realistic logs with planted tokens and
## compare ttt-check's throughput, memory, recall and precision with
## ripgrep's and gitleaks's (when installed).
LOGS_MB ?= 2048
bench-logs: build
	$(GO) test -run '^TestBenchLogs$$' -count=1 -v -timeout 60m ./internal/logsearch -args -benchlogs -benchlogs.mb=$(LOGS_MB) -benchlogs.bin=$(abspath $(BIN))

## bench-logs-small: generate LOGS_FILES small logs (LOGS_FILE_KB each,
## every 100th with a planted fake token) and print ttt-check's and
## ripgrep's median time over them, the ratio (issue 17: at most 1.5×),
## recall and precision; the ripgrep side is skipped when rg is absent.
LOGS_FILES   ?= 100000
LOGS_FILE_KB ?= 10
bench-logs-small: build
	$(GO) test -run '^TestBenchLogsSmall$$' -count=1 -v -timeout 60m ./internal/logsearch -args -benchlogs.small -benchlogs.files=$(LOGS_FILES) -benchlogs.filekb=$(LOGS_FILE_KB) -benchlogs.bin=$(abspath $(BIN))


# machine: what the bench-* figures were measured on.
machine = @echo "machine: $$(nproc) CPUs,$$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2), load $$(cut -d' ' -f1-3 /proc/loadavg)"

## bench-readers: scans of generated hosts far bigger than real ones (ARC
## with 5,000 and 10,000 authgroups, an HTCondor-CE with a 100,000-line
## SCITOKENS mapfile, StoRM WebDAV with 900 storage areas); cost must
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

## package: DEB and RPM in $(DIST) (packaging/package.sh, nfpm): the static
## binary, the default site profile, compressed man pages, completions,
## copyright and changelog, and ttt-check.service + ttt-check.timer.
package: build nfpm
	VERSION=$(VERSION) BIN=$(BIN) DIST=$(DIST) NFPM_BIN=$(NFPM_BIN) packaging/package.sh

## nfpm: build nfpm from the Go module proxy, once, into $(NFPM_BIN).
nfpm:
	@test -x $(NFPM_BIN) || { GOBIN=$(TOOLS) CGO_ENABLED=0 $(GO) install $(NFPM) && mv $(TOOLS)/nfpm $(NFPM_BIN); }

## install: binary, man pages, completions, systemd units (ExecStart pointing
## at $(BINDIR)), the state directory, the default profile in /etc (never
## over an existing one) and the README, under $(DESTDIR).
install: gendocs
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/ttt-check
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 $(DIST)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(DIST)/man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -D -m 0644 $(DIST)/completions/ttt-check.bash $(DESTDIR)$(BASHCOMPDIR)/ttt-check
	install -D -m 0644 $(DIST)/completions/_ttt-check $(DESTDIR)$(ZSHCOMPDIR)/_ttt-check
	install -D -m 0644 $(DIST)/completions/ttt-check.fish $(DESTDIR)$(FISHCOMPDIR)/ttt-check.fish
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|/usr/bin/ttt-check|$(BINDIR)/ttt-check|' packaging/ttt-check.service > $(DESTDIR)$(UNITDIR)/ttt-check.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ttt-check.service
	install -m 0644 packaging/ttt-check.timer $(DESTDIR)$(UNITDIR)/ttt-check.timer
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/ttt-check $(DESTDIR)/var/lib/ttt-check
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/ttt-check/site.toml ]; then \
	  echo "keeping $(DESTDIR)$(SYSCONFDIR)/ttt-check/site.toml"; \
	else \
	  echo "install -m 0644 packaging/site.toml $(DESTDIR)$(SYSCONFDIR)/ttt-check/site.toml"; \
	  install -m 0644 packaging/site.toml $(DESTDIR)$(SYSCONFDIR)/ttt-check/site.toml; \
	fi
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md

## uninstall: what install put there, except the site profile and the state.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ttt-check $(DESTDIR)$(MANDIR)/man1/ttt-check*.1 $(DESTDIR)$(MANDIR)/man5/ttt-check-site.toml.5 \
	  $(DESTDIR)$(BASHCOMPDIR)/ttt-check $(DESTDIR)$(ZSHCOMPDIR)/_ttt-check $(DESTDIR)$(FISHCOMPDIR)/ttt-check.fish \
	  $(DESTDIR)$(UNITDIR)/ttt-check.service $(DESTDIR)$(UNITDIR)/ttt-check.timer $(DESTDIR)$(DOCDIR)/README.md

## golden: regenerate golden files after an intended change; review the diff.
golden:
	$(GO) test ./internal/scan ./internal/output -update

## ledger: hold the scans of the ../shared corpus (placed as
## internal/ledger/testdata/hosts.tsv says) and of the stock fixtures to the
## reviewed findings ledger (internal/ledger/testdata/ledger.tsv), then print
## its totals: findings per severity and check, true/false verdicts and the
## precision before issue 19's fixes and now. The corpus part skips without
## ../shared; the totals come from the ledger either way.
ledger:
	$(GO) test -count=1 ./internal/ledger
	$(GO) run ./internal/ledger/totals

## docs: regenerate the README's tables of services (from the service
## registry) and checks (from the recipes) and its site-profile section
## (from internal/cli/docs.go, which also writes ttt-check-site.toml(5));
## a test fails when they differ.
docs: build
	$(BIN) docs --readme README.md

clean:
	rm -rf bin dist
