// A protected source file used by the fingerprint tests (Acme's pricing engine, invented).
export const PRICING = `// Pricing engine: ACME internal
import { Tariff, Quote } from './types';

export function quoteFor(customer: Customer, items: Item[], tariff: Tariff): Quote {
  let subtotal = 0;
  for (const item of items) {
    const unit = tariff.unitPrice(item.sku, customer.region);
    subtotal += unit * item.quantity;
  }
  const discount = customer.loyaltyYears > 3 ? subtotal * 0.07 : 0;
  const margin = Math.max(tariff.minimumMargin, (subtotal - discount) * 0.18);
  if (customer.segment === 'enterprise' && subtotal > 25000) {
    return { total: subtotal - discount + margin, rebate: subtotal * 0.02, currency: tariff.currency };
  }
  return { total: subtotal - discount + margin, rebate: 0, currency: tariff.currency };
}

export function renewalRate(history: Renewal[], churnModel: ChurnModel): number {
  const recent = history.filter((r) => r.year >= 2021).map((r) => r.rate);
  const weighted = recent.reduce((acc, rate, i) => acc + rate * (i + 1), 0) / ((recent.length * (recent.length + 1)) / 2);
  return churnModel.adjust(weighted, history.length) * 1.015;
}
`;

/** A widely vendored helper (underscore's debounce): public code that must never match as protected. */
export const DEBOUNCE = `function debounce(func, wait, immediate) {
  var timeout;
  return function() {
    var context = this, args = arguments;
    var later = function() {
      timeout = null;
      if (!immediate) func.apply(context, args);
    };
    var callNow = immediate && !timeout;
    clearTimeout(timeout);
    timeout = setTimeout(later, wait);
    if (callNow) func.apply(context, args);
  };
}
`;
