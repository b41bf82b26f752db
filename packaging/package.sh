#!/usr/bin/env bash
# Builds the DEB and the RPM of ttt-check into $DIST (make package runs
# it). Inputs: VERSION (packaging/version.sh), BIN (the static binary of
# make build, already carrying VERSION), DIST, NFPM_BIN (nfpm v2.43),
# SOURCE_DATE_EPOCH (the commit's time: every date in the packages).
#
# The inputs are staged in $DIST/stage, where nfpm.yaml's relative paths
# point: the binary, man pages (gzip -9n: no name, no time stamp),
# completions, units, profile, copyright, README and a changelog for this
# version in nfpm's (chglog) format.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VERSION:?}" "${BIN:?}" "${DIST:?}" "${NFPM_BIN:?}"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

bin_version=$("$BIN" version | sed -n '1s/^ttt-check //p')
if [ "$bin_version" != "$VERSION" ]; then
	echo "package.sh: $BIN is version $bin_version, not $VERSION: make build first" >&2
	exit 1
fi

dist=$(mkdir -p "$DIST" && cd "$DIST" && pwd)
stage=$dist/stage
rm -rf "$stage"
mkdir -p "$stage"
cp "$BIN" "$stage/ttt-check"
"$BIN" docs --man "$stage/man" --completions "$stage/completions"
gzip -9n "$stage"/man/*
cp packaging/site.toml packaging/ttt-check.service packaging/ttt-check.timer \
	packaging/copyright packaging/lintian-overrides "$stage/"
cp -r packaging/scripts "$stage/"
cp README.md "$stage/"
gzip -9n <README.md >"$stage/README.md.gz"
touch -d "@$SOURCE_DATE_EPOCH" "$stage"/* "$stage"/*/*

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
cat >"$stage/changelog.yml" <<CHANGELOG
- semver: $VERSION-1
  date: $(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
  packager: ttt-check maintainers <ttt-check@example.org>
  deb:
    urgency: medium
    distributions: [unstable]
  changes:
    - commit: $commit
      note: |-
        ttt-check $VERSION, built from commit ${commit:0:12}.
        Changes: the git history of https://github.com/ttt-wg/ttt-check
CHANGELOG

cp packaging/nfpm.yaml "$stage/nfpm-deb.yaml"
{
	while IFS= read -r line; do
		if [ "$line" = "  # @rpm-man-pages@" ]; then
			for m in "$stage"/man/*.gz; do
				f=${m##*/}
				s=${f%.gz}
				s=${s##*.}
				printf '  - src: man/%s\n    dst: /usr/share/man/man%s/%s\n    type: doc\n    file_info: {mode: 0644}\n' "$f" "$s" "$f"
			done
		else
			printf '%s\n' "$line"
		fi
	done <packaging/nfpm.yaml
	cat packaging/nfpm-rpm.yaml
} >"$stage/nfpm-rpm.yaml"
rm -f "$dist"/ttt-check*.deb "$dist"/ttt-check*.rpm
for p in deb rpm; do
	(cd "$stage" && TTT_VERSION=$VERSION "$NFPM_BIN" pkg --packager "$p" --config "nfpm-$p.yaml" --target "$dist/")
done
ls -l "$dist"/*.deb "$dist"/*.rpm
