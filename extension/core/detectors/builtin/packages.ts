// Package registries: PyPI (npm and the others live in devtools.ts).
import type { DetectorSpec } from '../types';
import { END, START } from './fragments';

export const PACKAGE_DETECTORS: DetectorSpec[] = [
  {
    id: 'pypi-token',
    description: 'PyPI API token (pypi-AgEIcHlwaS5vcmc…, a macaroon for pypi.org)',
    keywords: ['pypi-ageichlwas5vcmc'],
    pattern: new RegExp(`${START}pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}${END}`),
    minEntropy: 4,
    priority: 20,
  },
];
