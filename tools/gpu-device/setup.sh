#!/bin/bash
# On the GPU machine (repo root, Linux x86-64 with the vendor driver, no Node): unpacks the carry
# bundle built by build-carry.sh and points Vulkan at the driver. Source it:
#
#   source tools/gpu-device/setup.sh [CARRY_DIR]     # default: bench-out/gpu-carry
#
# Afterwards `node` is on PATH, node_modules/ and packages/ssm-core/dist-bench exist, and
# VK_DRIVER_FILES / VK_ICD_FILENAMES name the NVIDIA ICD when the driver ships one.
CARRY=${1:-bench-out/gpu-carry}
[ -f "$CARRY/bundle.tar.xz" ] || { echo "setup.sh: no $CARRY/bundle.tar.xz (build it with tools/gpu-device/build-carry.sh and carry that folder)" >&2; return 1 2>/dev/null || exit 1; }
ICD=""
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$f" ]; then ICD=$f; break; fi
done
# A GPU driver but no Vulkan loader: install Debian's (and libglvnd, which NVIDIA's ICD links). Needs root.
if [ -n "$ICD" ] && ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
  for f in "$CARRY"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
mkdir -p /tmp/gpu-carry-node
xz -dc "$CARRY/node.xz" > /tmp/gpu-carry-node/node && chmod +x /tmp/gpu-carry-node/node
export PATH=/tmp/gpu-carry-node:$PATH
xz -dc "$CARRY/bundle.tar.xz" | tar -xf -
if [ -n "$ICD" ]; then export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD; fi
XDG_RUNTIME_DIR=$(mktemp -d)
export XDG_RUNTIME_DIR
