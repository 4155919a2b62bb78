// A safe, printable stand-in for a secret: enough to recognise which credential it was,
// never enough to use it. At most 8 characters of the value are shown.

const ELLIPSIS = '…';

export function previewSecret(value: string): string {
  // Keep at most 4+4 chars, and never more than a third of the value on each side, so short
  // secrets (passwords) reveal almost nothing.
  const side = Math.min(4, Math.floor(value.length / 3));
  if (side <= 0) return ELLIPSIS;
  // Do not split a surrogate pair at either edge.
  let head = value.slice(0, side);
  let tail = value.slice(value.length - side);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
  return `${head}${ELLIPSIS}${tail}`;
}
