import { memoryStreamBus } from '../../src/stream-bus/memory/memory-stream-bus.js';
import { runStreamBusContract } from './stream-bus-contract.js';

// One process: the bus that writes is the bus that serves.
runStreamBusContract('memory', async ({ retainMs }) => {
  const bus = memoryStreamBus({ retainMs });
  return { writer: bus, reader: bus, close: () => bus.close() };
});
