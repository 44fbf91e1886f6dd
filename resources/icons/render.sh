#!/usr/bin/env bash
# Renders the state icons (svg/*.svg) to the PNGs the Qt resources hold: Debian 12's Qt
# has no SVG image plugin unless qt6-svg is installed, and PNGs need nothing.
set -euo pipefail
cd "$(dirname "$0")"
for svg in svg/*.svg; do
    name=$(basename "$svg" .svg)
    convert -background none -density 384 "$svg" -resize 16x16 -depth 8 -strip "PNG32:png/${name}-16.png"
    convert -background none -density 384 "$svg" -resize 32x32 -depth 8 -strip "PNG32:png/${name}-32.png"
    convert -background none -density 384 "$svg" -resize 64x64 -depth 8 -strip "PNG32:png/${name}-64.png"
done
for size in 32 64 128 256; do
    convert -background none -density 288 pipescope.svg -resize ${size}x${size} -depth 8 -strip "PNG32:png/pipescope-${size}.png"
done
