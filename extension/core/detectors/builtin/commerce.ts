// Payments and commerce: Stripe, Square, Shopify.
import type { DetectorSpec } from '../types';
import { END, START, assignment } from './fragments';
import { named, run, token } from './make';

// Stripe test-mode keys (sk_test_, rk_test_) are detected too: they read and write a
// company's test-mode data and webhooks, and policies can disable the two ids if they wish.
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
  token('stripe-test-secret-key', 'Stripe test-mode secret key (sk_test_…)', ['sk_test_', run('alnum', 99)], {
    pattern: new RegExp(`${START}sk_test_[A-Za-z0-9]{24,247}${END}`),
    minEntropy: 3.5,
    // Stripe's own documentation key, printed in every quick-start.
    placeholders: ['sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'sk_test_BQokikJOvBiI2HlWgH4olfQ2'],
    fps: [`STRIPE_SECRET_KEY=sk_test_${'4eC39HqLyjWDarjtT1zdp7dc'}`, 'STRIPE_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx'],
  }),
  token('stripe-test-restricted-key', 'Stripe test-mode restricted key (rk_test_…)', ['rk_test_', run('alnum', 99)], {
    pattern: new RegExp(`${START}rk_test_[A-Za-z0-9]{24,247}${END}`),
    minEntropy: 3.5,
  }),
  token('plaid-access-token', 'Plaid access token (access-<env>-<uuid>)', ['access-production-', run('hex', 8), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 12)], {
    keywords: ['access-sandbox-', 'access-development-', 'access-production-'],
    pattern: /(?<![A-Za-z0-9_-])access-(?:sandbox|development|production)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}(?![A-Za-z0-9-])/,
  }),
  named('plaid-secret', 'Plaid API secret (30 hex) assigned to a Plaid name', ['plaid'], [run('hex', 30)], 'PLAID_SECRET', { after: '(?![A-Za-z0-9])' }),
  token('braintree-access-token', 'Braintree / PayPal access token (access_token$production$…$…)', ['access_token$production$', run('lowerNum', 16), '$', run('hex', 32)], {
    keywords: ['access_token$'],
    pattern: /access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}(?![A-Za-z0-9])/,
  }),
  named('paypal-client-secret', 'PayPal REST client secret (80 url-safe chars) assigned to a PayPal name', ['paypal'], ['E', run('url', 79)], 'PAYPAL_CLIENT_SECRET', { minEntropy: 4 }),
  token('flutterwave-secret-key', 'Flutterwave secret or encryption key (FLWSECK-… / FLWSECK_TEST-…)', ['FLWSECK-', run('hex', 32), '-X'], {
    keywords: ['flwseck'],
    pattern: /(?<![A-Za-z0-9_-])FLWSECK(?:_TEST)?-[a-h0-9]{12,32}(?:-X)?(?![A-Za-z0-9])/,
  }),
  token('shippo-api-token', 'Shippo live or test API token (shippo_live_… / shippo_test_…)', ['shippo_live_', run('hex', 40)], { keywords: ['shippo_live_', 'shippo_test_'], pattern: new RegExp(`${START}shippo_(?:live|test)_[a-f0-9]{40}${END}`) }),
  token('easypost-api-key', 'EasyPost production or test API key (EZAK… / EZTK…)', ['EZAK', run('lowerNum', 54)], { keywords: ['ezak', 'eztk'], pattern: new RegExp(`${START}EZ[AT]K[a-z0-9]{54}${END}`), minEntropy: 3.8 }),
  named('lob-api-key', 'Lob live or test API key (live_/test_ + 35 hex) assigned to a Lob name', ['lob_api', 'lob_secret', 'lob_key', 'lob_live', 'lob_test'], ['live_', run('hex', 35)], 'LOB_API_KEY', {
    pattern: assignment('lob[_.-]?(?:api|secret|key|live|test)', '(?:live|test)_[a-f0-9]{35}(?![A-Za-z0-9])'),
  }),
  token('duffel-api-token', 'Duffel live or test API token (duffel_live_… / duffel_test_…)', ['duffel_live_', run('url', 43)], { keywords: ['duffel_live_', 'duffel_test_'], pattern: new RegExp(`${START}duffel_(?:live|test)_[A-Za-z0-9_=-]{43}${END}`), minEntropy: 3.8 }),
  named('coinbase-api-secret', 'Coinbase / Coinbase Cloud API secret assigned to a Coinbase name', ['coinbase'], [run('alnum', 32)], 'COINBASE_API_SECRET', { minEntropy: 4 }),
  token('hubspot-private-app-token', 'HubSpot private app access token (pat-na1-<uuid> / pat-eu1-<uuid>)', ['pat-na1-', run('hex', 8), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 12)], {
    keywords: ['pat-na1-', 'pat-eu1-', 'pat-na2-', 'pat-ap1-'],
    pattern: /(?<![A-Za-z0-9_-])pat-(?:na|eu|ap)[0-9]-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}(?![A-Za-z0-9-])/,
  }),
  token('salesforce-access-token', 'Salesforce OAuth access token / session id (00D…!…)', ['00D', run('alnum', 12), '!', run('alnum', 96)], {
    keywords: ['00d'],
    pattern: /(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,15}![A-Za-z0-9_.]{90,110}(?![A-Za-z0-9_.])/,
    minEntropy: 4,
  }),
  named('zendesk-api-token', 'Zendesk API token (40 alphanumerics) assigned to a Zendesk name', ['zendesk'], [run('alnum', 40)], 'ZENDESK_API_TOKEN', { minEntropy: 4 }),
  token('twitter-bearer-token', 'X / Twitter app-only bearer token (AAAAAAAAAAAAAAAAAAAAA…)', ['AAAAAAAAAAAAAAAAAAAAAA', run('alnum', 20), '%3D', run('alnum', 50)], {
    keywords: ['aaaaaaaaaaaaaaaaaaaaa'],
    pattern: /(?<![A-Za-z0-9%])A{21,30}[A-Za-z0-9%]{60,120}(?![A-Za-z0-9%])/,
    validate: (value) => /[a-z]/.test(value) && /[0-9]/.test(value),
    minEntropy: 3,
  }),
  named('twitter-api-secret', 'X / Twitter API key secret or access token secret (45-50 alphanumerics) assigned to a Twitter name', ['twitter'], [run('alnum', 50)], 'TWITTER_API_SECRET', { minEntropy: 4 }),
  token('facebook-access-token', 'Facebook / Meta Graph API access token (EAA…)', ['EAAB', run('alnum', 180)], {
    keywords: ['eaab', 'eaac', 'eaag', 'eaai', 'eaaj'],
    pattern: /(?<![A-Za-z0-9_-])EAA[BCGIJ][A-Za-z0-9]{100,300}(?![A-Za-z0-9_-])/,
    minEntropy: 4,
  }),
  named('facebook-app-secret', 'Facebook / Meta app secret (32 hex) assigned to a Facebook/Meta app secret name', ['facebook', 'fb_app', 'meta_app'], [run('hex', 32)], 'FACEBOOK_APP_SECRET', { after: '(?![A-Za-z0-9])' }),
  token('instagram-access-token', 'Instagram Graph / Basic Display access token (IGQV…)', ['IGQVJ', run('url', 180)], { keywords: ['igqv'], pattern: /(?<![A-Za-z0-9_-])IGQV[A-Za-z0-9_-]{150,300}(?![A-Za-z0-9_-])/, minEntropy: 4 }),
  token('mapbox-secret-token', 'Mapbox secret access token (sk.eyJ…)', ['sk.eyJ1Ijoi', run('url', 60), '.', run('url', 22)], { keywords: ['sk.eyj'], pattern: /(?<![A-Za-z0-9_.-])sk\.eyJ[A-Za-z0-9_-]{40,300}\.[A-Za-z0-9_-]{20,40}(?![A-Za-z0-9_.-])/, minEntropy: 4 }),
  token('dropbox-access-token', 'Dropbox short-lived access token (sl.…)', ['sl.u.', run('url', 140)], { keywords: ['sl.'], pattern: /(?<![A-Za-z0-9_.-])sl\.(?:u\.|B)?[A-Za-z0-9_-]{130,1400}(?![A-Za-z0-9_-])/, minEntropy: 4 }),
  named('dropbox-refresh-token', 'Dropbox long-lived refresh token (64+ chars) assigned to a Dropbox name', ['dropbox'], [run('url', 64)], 'DROPBOX_REFRESH_TOKEN', { minEntropy: 4 }),
  named('shopify-api-secret', 'Shopify app API secret key (32 hex) assigned to a Shopify secret name', ['shopify'], [run('hex', 32)], 'SHOPIFY_API_SECRET', { after: '(?![A-Za-z0-9])' }),
  named('square-application-secret', 'Square application / webhook signature key assigned to a Square name', ['square_'], [run('url', 22)], 'SQUARE_WEBHOOK_SIGNATURE_KEY', { minEntropy: 3.4 }),
  named('adyen-api-key', 'Adyen API key (AQE… base64) assigned to an Adyen name', ['adyen'], ['AQE', run('b64', 120)], 'ADYEN_API_KEY', { after: '(?![A-Za-z0-9+/=])', minEntropy: 4 }),
  named('razorpay-key-secret', 'Razorpay key secret (24 alphanumerics) assigned to a Razorpay name', ['razorpay'], [run('alnum', 24)], 'RAZORPAY_KEY_SECRET', { minEntropy: 3.4 }),
  named('etherscan-api-key', 'Etherscan API key (34 upper-case alphanumerics) assigned to an Etherscan name', ['etherscan'], [run('upperNum', 34)], 'ETHERSCAN_API_KEY', { minEntropy: 3.8 }),
  named('infura-api-key', 'Infura project secret (32 hex) assigned to an Infura name', ['infura'], [run('hex', 32)], 'INFURA_PROJECT_SECRET', { after: '(?![A-Za-z0-9])' }),
  named('alchemy-api-key', 'Alchemy API key (32 url-safe chars) assigned to an Alchemy name', ['alchemy'], [run('url', 32)], 'ALCHEMY_API_KEY', { minEntropy: 3.8 }),
  named('binance-api-secret', 'Binance API secret (64 alphanumerics) assigned to a Binance name', ['binance'], [run('alnum', 64)], 'BINANCE_API_SECRET', { minEntropy: 4 }),
];
