// Points Vulkan at chromium's SwiftShader driver for the WebGPU kernel tests when nothing else is
// configured. Runs in jest's parent process: a test file's process.env is a sandbox copy that
// native code (Dawn, the Vulkan loader) never sees. Without chromium the WebGPU tests skip.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (process.env.VK_ICD_FILENAMES === undefined && fs.existsSync(icd)) process.env.VK_ICD_FILENAMES = icd;
  if (process.env.XDG_RUNTIME_DIR === undefined) process.env.XDG_RUNTIME_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'statespace-xdg-'));
};
