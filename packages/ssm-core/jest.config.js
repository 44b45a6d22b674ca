// SwiftShader (CPU Vulkan) for the WebGPU kernel tests: see jest.globalSetup.js.
// bench/ is a root too: the synthetic-task harness (bench/tasks) has its tests beside it.
module.exports = require('../../tools/jest.base.js')({ globalSetup: '<rootDir>/jest.globalSetup.js', roots: ['<rootDir>/src', '<rootDir>/bench'] });
