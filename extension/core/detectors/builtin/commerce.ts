// Payments and commerce: Stripe, Square, Shopify.
import type { DetectorSpec } from '../types';
import { END, START } from './fragments';

// Stripe test-mode keys (sk_test_, rk_test_) are deliberately not detected: they only reach
// test-mode data and are routinely committed in examples. Policies can add a custom detector.
export const COMMERCE_DETECTORS: DetectorSpec[] = [
  {
    id: 'stripe-secret-key',
    description: 'Stripe live secret key (sk_live_…)',
    keywords: ['sk_live_'],
    pattern: new RegExp(`${START}sk_live_[A-Za-z0-9]{24,247}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'stripe-restricted-key',
    description: 'Stripe live restricted key (rk_live_…)',
    keywords: ['rk_live_'],
    pattern: new RegExp(`${START}rk_live_[A-Za-z0-9]{24,247}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'stripe-webhook-secret',
    description: 'Stripe webhook signing secret (whsec_…)',
    keywords: ['whsec_'],
    pattern: new RegExp(`${START}whsec_[A-Za-z0-9+/=]{32,64}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'square-access-token',
    description: 'Square production access token (EAAA… or sq0atp-…)',
    keywords: ['eaaa', 'sq0atp-'],
    pattern: new RegExp(`${START}(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'square-oauth-secret',
    description: 'Square OAuth application secret (sq0csp-…)',
    keywords: ['sq0csp-'],
    pattern: new RegExp(`${START}sq0csp-[A-Za-z0-9_-]{43}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'shopify-access-token',
    description: 'Shopify Admin API, custom app or private app access token (shpat_/shpca_/shppa_)',
    keywords: ['shpat_', 'shpca_', 'shppa_'],
    pattern: new RegExp(`${START}shp(?:at|ca|pa)_[a-fA-F0-9]{32}${END}`),
    minEntropy: 3,
    priority: 20,
  },
  {
    id: 'shopify-shared-secret',
    description: 'Shopify app shared secret (shpss_…)',
    keywords: ['shpss_'],
    pattern: new RegExp(`${START}shpss_[a-fA-F0-9]{32}${END}`),
    minEntropy: 3,
    priority: 20,
  },
];
