#!/usr/bin/env bash
# Installs every Debian package regcheck needs that is not yet installed (Debian 12, run as root
# or with sudo available). Idempotent: a second run installs nothing.
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config ccache
  libeigen3-dev libarmadillo-dev libopenblas-dev libboost-dev
  libgtest-dev librapidcheck-dev libbenchmark-dev
  libfmt-dev libcli11-dev nlohmann-json3-dev librandom123-dev zlib1g-dev
  python3-numpy python3-torch python3-scipy
  dataset-fashion-mnist python3-sklearn libsqlite3-dev
  gnuplot-nox chromium python3-matplotlib python3-nbformat jupyter-nbconvert python3-ipykernel
  libopenmpi-dev openmpi-bin slurm-wlm munge sqlite3
  clang libclang-rt-14-dev libomp-14-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
