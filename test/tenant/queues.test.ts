import { gpuFractionQueueName } from '../../lib/tenant/queues';

describe('gpuFractionQueueName', () => {
  test.each([
    [1, 'gpu-fraction-1_00'],
    [0.5, 'gpu-fraction-0_50'],
    [0.25, 'gpu-fraction-0_25'],
    [0.125, 'gpu-fraction-0_125'],
  ])('%p -> %s', (fraction, name) => {
    expect(gpuFractionQueueName(fraction)).toBe(name);
  });
});
