#!/usr/bin/env bash
# Reproduces this folder's copy of Apache ECharts from its npm package: the pinned version's dist/echarts.common.min.js
# (line, bar, scatter, pie; grid, tooltip, legend, dataZoom, mark areas, aria; canvas and SVG renderers) and its
# licence files. The test EChartsAssetTests checks the committed files equal the package's (tests/browser installs it).
# Usage: bash query/Reports/Charts/echarts/reproduce.sh
set -euo pipefail
version=6.1.0
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
cp "$work/package/dist/echarts.common.min.js" "$here/echarts.common.min.js"
cp "$work/package/LICENSE" "$here/LICENSE"
cp "$work/package/NOTICE" "$here/NOTICE"
cp "$work/package/licenses/LICENSE-d3" "$here/LICENSE-d3"
echo "$version" > "$here/VERSION"
echo "echarts $version copied into $here"
