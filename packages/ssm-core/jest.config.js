// SwiftShader (CPU Vulkan) for the WebGPU kernel tests: see jest.globalSetup.js.
module.exports = require('../../tools/jest.base.js')({ globalSetup: '<rootDir>/jest.globalSetup.js' });
