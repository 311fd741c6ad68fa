import { consumingContract } from './consuming.contract';
import type { ContractWorld, TransportContractDriver } from './contract-driver';
import { recoverabilityContract } from './recoverability.contract';
import { requestResponseContract } from './request-response.contract';
import { routingContract } from './routing.contract';

/**
 * The behaviour every Transport must show, as one Jest suite: call it from a spec with a driver
 * for the transport under test. Each test gets a world of its own (names unique to it, cleaned
 * up after). RabbitMQ and the in-memory transport both run it; a third transport would only
 * have to write a driver.
 */
export function transportContract(driver: TransportContractDriver): void {
  describe(`the transport contract, on ${driver.name}`, () => {
    let world: ContractWorld | undefined;
    const current = () => {
      if (!world) throw new Error('no contract world: the beforeEach did not run');
      return world;
    };
    beforeEach(async () => {
      world = await driver.start();
    });
    afterEach(async () => {
      await world?.close();
      world = undefined;
    });

    describe('routing', () => routingContract(current));
    describe('consuming', () => consumingContract(current));
    describe('recoverability', () => recoverabilityContract(current));
    describe('request/response', () => requestResponseContract(current));
  });
}
