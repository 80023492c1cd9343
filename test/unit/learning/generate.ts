import { addDays, zonedInstant } from '../../../shared/domain/dates';
import type { StockObservation } from '../../../shared/domain/learning/demand';
import type { LeadTimeReceipt } from '../../../shared/domain/learning/lead-time';
import { weekdayOf } from '../../../shared/domain/business-calendar';

/**
 * Generated histories with known true parameters. Everything is driven by a seeded PRNG
 * (mulberry32), so a test is the same on every run and on every machine.
 */

export const TIME_ZONE = 'Asia/Tokyo';

/** Monday to Friday. */
export const weekdays = (date: string): boolean => {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6;
};

export type Random = () => number;

/** mulberry32: a small, well-mixed 32-bit PRNG; uniform in [0, 1). */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal by Box–Muller. */
export function normal(random: Random, mean: number, sd: number): number {
  const u = 1 - random();
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson by Knuth's product of uniforms (fine for the small rates used here). */
export function poisson(random: Random, rate: number): number {
  const limit = Math.exp(-rate);
  let count = 0;
  let product = random();
  while (product > limit) {
    count++;
    product *= random();
  }
  return count;
}

/** A uniformly drawn element. */
export function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** The instant of a local wall-clock time, as an ISO string. */
export function at(date: string, time: string): string {
  return zonedInstant(date, time, TIME_ZONE).toISOString();
}

/** The business days (weekdays) from `start`, `count` of them. */
export function businessDaysFrom(start: string, count: number): string[] {
  const days: string[] = [];
  for (let day = start; days.length < count; day = addDays(day, 1)) {
    if (weekdays(day)) days.push(day);
  }
  return days;
}

/** What {@link simulateItem} simulates. */
export interface Simulation {
  seed: number;
  /** Business days simulated. */
  days: number;
  /** Demand of one business day. */
  demand: (random: Random) => number;
  /** Lead time of one order, whole business days. */
  leadTime: (random: Random) => number;
  /** Order when on hand + on order falls to this (kept high: the generated item never runs out). */
  orderAt: number;
  orderQuantity: number;
  initialStock: number;
  /** Chance per day of a staff correction (棚卸), ± a few units. */
  correctionChance?: number;
  /** Chance per day of a rise nobody explains (a box found), always upward. */
  unexplainedChance?: number;
}

/** A simulated item: what the bridge would see, and the truth behind it. */
export interface SimulatedItem {
  observations: StockObservation[];
  receipts: LeadTimeReceipt[];
  /** The true demand of each business day (what left the shelf). */
  trueDaily: number[];
  trueLeadTimes: number[];
  businessDays: string[];
  /** The last simulated business day. */
  through: string;
}

export const START = '2026-01-05';

/**
 * One item of supplier S-1 over `days` business days: withdrawals at up to three times a day,
 * orders sent at 17:00 when the inventory position reaches `orderAt`, received at 11:00 of the
 * business day `leadTime` after (a receipt observation with its known quantity), and optional
 * corrections. The first observation is the evening before the first day.
 */
export function simulateItem(simulation: Simulation): SimulatedItem {
  const random = seeded(simulation.seed);
  const businessDays = businessDaysFrom(START, simulation.days);
  const observations: StockObservation[] = [
    { at: at(addDays(START, -3), '18:00'), quantity: simulation.initialStock },
  ];
  const receipts: LeadTimeReceipt[] = [];
  const trueDaily: number[] = [];
  const trueLeadTimes: number[] = [];
  const arrivals = new Map<string, { sentAt: string; quantity: number }[]>();
  let onHand = simulation.initialStock;
  let onOrder = 0;

  businessDays.forEach((day, index) => {
    const arriving = arrivals.get(day) ?? [];
    const demand = Math.max(0, Math.round(simulation.demand(random)));
    trueDaily.push(demand);
    // Split the day's demand over up to three withdrawals; one receipt lands at 11:00.
    const parts = demand === 0 ? [] : splitDemand(random, demand);
    const times = ['09:30', '13:00', '16:00'];
    parts.forEach((part, i) => {
      if (i === 1) receive();
      onHand -= part;
      if (onHand < 0) throw new Error(`simulation ran out of stock on ${day}: raise orderAt`);
      observations.push({ at: at(day, times[i] as string), quantity: onHand });
    });
    if (parts.length < 2) receive();
    function receive(): void {
      for (const order of arriving.splice(0)) {
        onHand += order.quantity;
        onOrder -= order.quantity;
        observations.push({
          at: at(day, '11:00'),
          quantity: onHand,
          cause: { kind: 'receipt', received: order.quantity },
        });
        receipts.push({
          supplierCode: 'S-1',
          sku: 'A-1',
          sentAt: order.sentAt,
          receivedAt: at(day, '11:00'),
        });
      }
    }
    if (random() < (simulation.correctionChance ?? 0)) {
      onHand = Math.max(0, onHand + pick(random, [-3, -2, -1, 1, 2, 3]));
      observations.push({ at: at(day, '17:30'), quantity: onHand, cause: { kind: 'correction' } });
    }
    if (random() < (simulation.unexplainedChance ?? 0)) {
      onHand += pick(random, [1, 2, 5]);
      observations.push({ at: at(day, '17:45'), quantity: onHand });
    }
    if (onHand + onOrder <= simulation.orderAt) {
      const leadTime = simulation.leadTime(random);
      const arrival = businessDays[index + leadTime];
      if (arrival !== undefined) {
        trueLeadTimes.push(leadTime);
        onOrder += simulation.orderQuantity;
        const list = arrivals.get(arrival) ?? [];
        list.push({ sentAt: at(day, '17:00'), quantity: simulation.orderQuantity });
        arrivals.set(arrival, list);
      }
    }
  });
  return {
    observations,
    receipts,
    trueDaily,
    trueLeadTimes,
    businessDays,
    through: businessDays[businessDays.length - 1] as string,
  };
}

function splitDemand(random: Random, demand: number): number[] {
  const count = Math.min(demand, 1 + Math.floor(random() * 3));
  const parts = Array.from({ length: count }, () => 1);
  for (let rest = demand - count; rest > 0; rest--) {
    const index = Math.floor(random() * count);
    parts[index] = (parts[index] as number) + 1;
  }
  return parts;
}

/** The exact standard normal quantile at 95 %, for true reorder points. */
export const Z_95 = 1.6448536269514722;

/** The reorder point of the true parameters. */
export function trueReorderPoint(
  d: number,
  sigmaD: number,
  L: number,
  sigmaL: number,
  z = Z_95,
): number {
  return d * L + z * Math.sqrt(L * sigmaD ** 2 + d ** 2 * sigmaL ** 2);
}

/**
 * The item the accuracy tests measure against (their tolerances come from 200 seeds of it):
 * Poisson demand (d = 8, σ_d = √8) and lead times drawn uniformly from 3–7 business days
 * (L = 5, σ_L = √2), over 180 business days, ordered early enough never to run out.
 */
export const REFERENCE_ITEM: Omit<Simulation, 'seed'> = {
  days: 180,
  demand: (random) => poisson(random, 8),
  leadTime: (random) => pick(random, [3, 4, 5, 6, 7]),
  orderAt: 120,
  orderQuantity: 40,
  initialStock: 160,
};

/** Staff corrections (棚卸) and rises nobody explains, which the learning must see through. */
export const RECORD_NOISE = { correctionChance: 0.05, unexplainedChance: 0.03 } as const;
