#!/usr/bin/env bash
# Prints one line describing the machine a benchmark ran on: CPU model, core
# count, memory and the load average when it started. Other work on the
# machine shows in the load average and makes the figures noisier.
#
# Usage: bench/s3/machine.sh
set -euo pipefail
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
memory_gib=$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "machine: $cpu, $(nproc) cores, $memory_gib GiB RAM, load average $load at start"
