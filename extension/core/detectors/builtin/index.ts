// The built-in secrets pack, in a stable order (earlier wins ties between equal overlaps).
import type { DetectorSpec } from '../types';
import { AI_DETECTORS } from './ai';
import { AZURE_DETECTORS } from './azure';
import { CREDENTIAL_DETECTORS } from './credentials';
import { DEVTOOLS_DETECTORS } from './devtools';
import { CLOUD_DETECTORS } from './cloud';
import { COMMERCE_DETECTORS } from './commerce';
import { GENERIC_DETECTORS } from './generic';
import { KEY_DETECTORS } from './keys';
import { MESSAGING_DETECTORS } from './messaging';
import { PACKAGE_DETECTORS } from './packages';
import { PLATFORM_DETECTORS } from './platforms';
import { URL_DETECTORS } from './urls';
import { VCS_DETECTORS } from './vcs';

export const BUILTIN_SECRET_DETECTORS: readonly DetectorSpec[] = Object.freeze([
  ...CLOUD_DETECTORS,
  ...AZURE_DETECTORS,
  ...VCS_DETECTORS,
  ...MESSAGING_DETECTORS,
  ...COMMERCE_DETECTORS,
  ...AI_DETECTORS,
  ...PACKAGE_DETECTORS,
  ...DEVTOOLS_DETECTORS,
  ...PLATFORM_DETECTORS,
  ...KEY_DETECTORS,
  ...URL_DETECTORS,
  ...CREDENTIAL_DETECTORS,
  ...GENERIC_DETECTORS,
]);

export const BUILTIN_DETECTOR_IDS: readonly string[] = Object.freeze(BUILTIN_SECRET_DETECTORS.map((d) => d.id));
