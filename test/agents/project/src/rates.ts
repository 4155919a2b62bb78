// Acme regional rate tables. No marker on purpose: the agent suite proves this file is recognised
// by its content (fingerprints), not by a label, when an agent prints it with a shell command.

export type Region = 'emea' | 'amer' | 'apac';

interface RateRow {
  region: Region;
  floorCents: number;
  surchargeBasisPoints: number;
  roundingStepCents: number;
}

const RATE_ROWS: readonly RateRow[] = [
  { region: 'emea', floorCents: 4100, surchargeBasisPoints: 235, roundingStepCents: 25 },
  { region: 'amer', floorCents: 3900, surchargeBasisPoints: 180, roundingStepCents: 50 },
  { region: 'apac', floorCents: 4350, surchargeBasisPoints: 310, roundingStepCents: 10 },
];

export function regionalRate(region: Region, listCents: number): number {
  const row = RATE_ROWS.find((r) => r.region === region);
  if (!row) throw new Error(`no rate row for ${region}`);
  const withSurcharge = listCents + Math.ceil((listCents * row.surchargeBasisPoints) / 10000);
  const floored = Math.max(row.floorCents, withSurcharge);
  return Math.ceil(floored / row.roundingStepCents) * row.roundingStepCents;
}

export function cheapestRegion(listCents: number): Region {
  let best: Region = 'amer';
  let bestRate = Number.POSITIVE_INFINITY;
  for (const row of RATE_ROWS) {
    const rate = regionalRate(row.region, listCents);
    if (rate < bestRate) {
      best = row.region;
      bestRate = rate;
    }
  }
  return best;
}
