// Money as the API carries it: { currency, minorUnits } with minorUnits an int64 in a string
// (proto3 JSON), absent when zero. Amounts stay BigInt minor units here: no floating point
// touches money (DESIGN.md money rule 1).

// ISO 4217 minor-unit exponents that are not 2, as in libs/money's currency table.
const EXPONENTS = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function exponentOf(currency) {
  return EXPONENTS[currency] ?? 2;
}

export function minorOf(money) {
  return BigInt(money?.minorUnits ?? 0);
}

// 123456n, "EUR" -> "1,234.56"
export function formatMinor(minor, currency) {
  const exponent = exponentOf(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = exponent > 0 ? '.' + digits.slice(digits.length - exponent) : '';
  return (negative ? '-' : '') + whole + fraction;
}

// { currency: "EUR", minorUnits: "123456" } -> "EUR 1,234.56"
export function formatMoney(money) {
  if (!money) return '—';
  return `${money.currency} ${formatMinor(minorOf(money), money.currency)}`;
}

// "1234.5", "EUR" -> 123450n; null when the text is not a non-negative amount with at most the
// currency's decimals ("1,234.50" is accepted; thousands separators are dropped).
export function parseAmount(text, currency) {
  const exponent = exponentOf(currency);
  const cleaned = String(text).trim().replace(/,/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  return BigInt(match[1] + fraction.padEnd(exponent, '0'));
}

// The plain decimal of an amount, as an input field shows it: 123450n, "EUR" -> "1234.50".
export function inputOf(minor, currency) {
  return formatMinor(minor, currency).replace(/,/g, '');
}
