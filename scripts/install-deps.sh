#!/usr/bin/env bash
# Installs Cajal's build and test dependencies from Debian 12's packages,
# skipping what is already installed. Safe to run repeatedly.
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache g++ make python3
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  clang-19 libclang-rt-19-dev
  antlr4 libantlr4-runtime-dev uuid-dev
  libcli11-dev libfmt-dev libgtest-dev libgmock-dev libeigen3-dev
  python3-brian
  verilator iverilog yosys nextpnr-ice40 fpga-icestorm
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
