import { compareQuantities, isQuantity, quantityNanos } from '../../lib/core/quantity';

describe('Kubernetes quantities', () => {
  test.each(['0', '64', '500m', '1.5', '.5', '2.', '256Gi', '1Ki', '4Ei', '1k', '3M', '2E', '1e3', '1E-2', '5e+1'])('accepts %p', (text) => {
    expect(isQuantity(text)).toBe(true);
  });

  test.each(['', '-1', '+1', '1 Gi', '256GB', '1gi', '1K', 'Gi', '1e', '1.2.3', '1mi', '1e1000', ' 1'])('rejects %p', (text) => {
    expect(isQuantity(text)).toBe(false);
    expect(quantityNanos(text)).toBeUndefined();
  });

  test('reads values exactly, in nano-units', () => {
    expect(quantityNanos('1')).toBe(1_000_000_000n);
    expect(quantityNanos('500m')).toBe(500_000_000n);
    expect(quantityNanos('1.5Gi')).toBe(1_610_612_736n * 1_000_000_000n);
    expect(quantityNanos('1e3')).toBe(1_000n * 1_000_000_000n);
    expect(quantityNanos('1E-2')).toBe(10_000_000n);
    // Below 1n, Kubernetes rounds up.
    expect(quantityNanos('1e-12')).toBe(1n);
  });

  test('compares across suffixes', () => {
    expect(compareQuantities('1Gi', '1024Mi')).toBe(0);
    expect(compareQuantities('0.1', '100m')).toBe(0);
    expect(compareQuantities('1G', '1Gi')).toBe(-1);
    expect(compareQuantities('2', '1500m')).toBe(1);
    expect(compareQuantities('2', 'two')).toBeUndefined();
  });
});
