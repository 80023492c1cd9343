import {
  MAX_PORT_BASE,
  MIN_PORT_BASE,
  PortBaseError,
  portBaseFrom,
  portsFromBase,
} from '../../local/port-base';
import { DEFAULT_PORTS } from '../../local/stack';

describe('portsFromBase', () => {
  it('puts the services on consecutive ports in the order of DEFAULT_PORTS', () => {
    // Act
    const ports = portsFromBase(4000);

    // Assess
    expect(ports).toEqual({
      bridge: 4000,
      kintone: 4001,
      ses: 4002,
      sesProxy: 4003,
      dynamodb: 4004,
      fax: 4005,
    });
    expect(Object.keys(ports)).toEqual(Object.keys(DEFAULT_PORTS));
  });

  it('gives the default ports back from base 3000', () => {
    expect(portsFromBase(3000)).toEqual(DEFAULT_PORTS);
  });
});

describe('portBaseFrom', () => {
  it('reads --port-base before BRIDGE_PORT_BASE, and neither means the defaults', () => {
    expect(portBaseFrom('4000', '5000')).toBe(4000);
    expect(portBaseFrom(undefined, '5000')).toBe(5000);
    expect(portBaseFrom(undefined, ' 5000 ')).toBe(5000);
    expect(portBaseFrom(undefined, undefined)).toBeUndefined();
    // An exported but empty variable is "not set", as shells often leave it.
    expect(portBaseFrom(undefined, '')).toBeUndefined();
  });

  it('accepts the whole range whose six ports are unprivileged TCP ports', () => {
    expect(MIN_PORT_BASE).toBe(1024);
    expect(MAX_PORT_BASE).toBe(65_530);
    expect(portBaseFrom('1024', undefined)).toBe(1024);
    expect(portBaseFrom('65530', undefined)).toBe(65_530);
    expect(portsFromBase(MAX_PORT_BASE).fax).toBe(65_535);
  });

  it.each([
    ['1023', '--port-base', 'below the range'],
    ['65531', '--port-base', 'its last port would pass 65535'],
    ['0', '--port-base', 'zero (free ports are for tests, not a base)'],
    ['4000.5', '--port-base', 'not whole'],
    ['-4000', '--port-base', 'negative'],
    ['4e3', '--port-base', 'not written as digits'],
    ['abc', '--port-base', 'not a number'],
    ['', '--port-base', 'empty'],
  ])('refuses %j (%s: %s), naming the option and the range', (value, source) => {
    // Act
    const read = () => portBaseFrom(value, undefined);

    // Assess
    expect(read).toThrow(PortBaseError);
    expect(read).toThrow(
      `${source} must be a whole number from 1024 to 65530 (the stack uses 6 ports from it: bridge, kintone, ses, sesProxy, dynamodb, fax), got ${JSON.stringify(value)}; for example: npm start -- --port-base 4000`,
    );
  });

  it('names BRIDGE_PORT_BASE when the bad value comes from the environment', () => {
    expect(() => portBaseFrom(undefined, '80')).toThrow(/^BRIDGE_PORT_BASE must be a whole number/);
  });
});
