module.exports = require('../../../jest.faults.cjs')(require('./jest.config.cjs'));
