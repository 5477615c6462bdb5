#!/bin/sh
# Install Debian's headless-capable Chromium for the browser tests (tests/test_maps_browser.py).
# Idempotent: does nothing when /usr/bin/chromium already exists. Needs root (or sudo).
set -eu

# Chinese labels need a CJK font (fonts-noto-cjk); without one they render as boxes.
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    echo "chromium and a CJK font already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-chromium.sh: need root (or sudo) to apt-get install chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-liberation fonts-wqy-zenhei fonts-noto-cjk
/usr/bin/chromium --version
