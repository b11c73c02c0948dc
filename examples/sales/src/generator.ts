import { ResultAsync } from 'neverthrow';
import { copyRecords, type CopyClient } from './copy-csv.js';
import type { LoadReport } from './kaggle-loader.js';
import { salesError, type SalesError } from './sales-error.js';
import { SALES_COLUMNS, type SalesColumn } from './schema.js';

/** One generated order line: PostgreSQL text of each column, null for NULL. */
export type SalesRow = Readonly<Record<SalesColumn, string | null>>;

/**
 * Shape of the generated data. The defaults reproduce the Kaggle set's counts exactly (2,823 lines,
 * 307 orders, 92 customers, 109 products, 252 distinct days ending 2005-05-31); with only `rows`
 * given, orders scale in the same ratio (for benchmarks).
 */
export interface GenerateSalesOptions {
  readonly seed?: number;
  readonly rows?: number;
  readonly orders?: number;
  readonly customers?: number;
  readonly products?: number;
  readonly days?: number;
  /** The last order day (always used), YYYY-MM-DD. */
  readonly endDate?: string;
  /** The first day that may be used, YYYY-MM-DD. */
  readonly startDate?: string;
}

const KAGGLE = { rows: 2823, orders: 307, customers: 92, products: 109, days: 252 };

/** mulberry32: a tiny, well-known 32-bit PRNG; deterministic per seed on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoDay = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** Integer cents → exact decimal text; money never passes through a float. */
function cents(n: number): string {
  const s = String(Math.abs(n)).padStart(3, '0');
  return `${n < 0 ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

const LINES = ['Classic Cars', 'Vintage Cars', 'Motorcycles', 'Trucks and Buses', 'Planes', 'Ships', 'Trains'];
const SCALES = ['10', '12', '18', '24', '32', '50', '700', '72'];

interface Place { country: string; territory: string; cities: readonly string[]; states: readonly string[]; postal: (r: () => number) => string; phone: (r: () => number) => string }
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const PLACES: readonly Place[] = [
  { country: 'USA', territory: 'NA', cities: ['San Rafael', 'NYC', 'Boston', 'Philadelphia', 'Los Angeles', 'Las Vegas'], states: ['CA', 'NY', 'MA', 'PA', 'NV'], postal: (r) => digits(r, 5), phone: (r) => `${digits(r, 3)}555${digits(r, 4)}` },
  { country: 'Canada', territory: 'NA', cities: ['Vancouver', 'Montréal', 'Tsawassen'], states: ['BC', 'Québec'], postal: (r) => `V${digits(r, 1)}F ${digits(r, 1)}M${digits(r, 1)}`, phone: (r) => `(604) 555-${digits(r, 4)}` },
  { country: 'France', territory: 'EMEA', cities: ['Paris', 'Nantes', 'Lyon', 'Marseille'], states: [], postal: (r) => digits(r, 5), phone: (r) => `40.67.${digits(r, 2)}${digits(r, 2)}` },
  { country: 'Spain', territory: 'EMEA', cities: ['Madrid', 'Barcelona', 'Sevilla'], states: [], postal: (r) => `280${digits(r, 2)}`, phone: (r) => `(91) 555 ${digits(r, 2)} ${digits(r, 2)}` },
  { country: 'Sweden', territory: 'EMEA', cities: ['Luleå', 'Bräcke'], states: [], postal: (r) => `S-958 ${digits(r, 2)}`, phone: (r) => `0921-${digits(r, 2)} ${digits(r, 2)} 55` },
  { country: 'Germany', territory: 'EMEA', cities: ['Frankfurt', 'München', 'Köln'], states: [], postal: (r) => `60${digits(r, 3)}`, phone: (r) => `069-0555${digits(r, 3)}` },
  { country: 'UK', territory: 'EMEA', cities: ['London', 'Manchester', 'Liverpool'], states: [], postal: (r) => `EC2 ${digits(r, 1)}NT`, phone: (r) => `(171) 555-${digits(r, 4)}` },
  { country: 'Norway', territory: 'EMEA', cities: ['Stavern', 'Bergen'], states: [], postal: (r) => `N ${digits(r, 4)}`, phone: (r) => `07-98 ${digits(r, 4)}` },
  { country: 'Ireland', territory: 'EMEA', cities: ['Dublin'], states: [], postal: () => '', phone: (r) => `2967 ${digits(r, 3)}` },
  { country: 'Australia', territory: 'APAC', cities: ['Melbourne', 'Chatswood', 'North Sydney'], states: ['Victoria', 'NSW'], postal: (r) => `3${digits(r, 3)}`, phone: (r) => `03 9520 ${digits(r, 4)}` },
  { country: 'Singapore', territory: 'APAC', cities: ['Singapore'], states: [], postal: (r) => `0${digits(r, 5)}`, phone: (r) => `+65 221 ${digits(r, 4)}` },
  { country: 'Japan', territory: 'Japan', cities: ['Minato-ku', 'Osaka'], states: ['Tokyo', 'Osaka'], postal: (r) => `106-${digits(r, 4)}`, phone: (r) => `+81 3 3584 ${digits(r, 4)}` },
];

/** A few customers whose text carries what breaks naive pipelines: quotes, commas, non-ASCII. */
const SPECIAL = [
  { name: "Marta's Replicas Co.", place: 0, last: "O'Hara", first: 'Marta' },
  { name: 'Australian Collectors, Co.', place: 9, last: 'Ferguson', first: 'Peter' },
  { name: 'Euro Shopping Channel', place: 3, last: 'Freyre', first: 'Diego ' },
  { name: 'Berglunds snabbköp', place: 4, last: 'Berglund', first: 'Christina ', address: 'Berguvsvägen  8' },
  { name: 'Corrida Auto Replicas, Ltd', place: 3, last: 'Sommer', first: 'Martín ' },
  { name: '"Dragon" Souveniers, Ltd.', place: 10, last: 'Natividad', first: 'Eric' },
  { name: 'Dublin Gifts & Co.', place: 8, last: 'Ó Briain', first: 'Siobhán' },
];
const ADJ = ['Mini', 'Land of', 'Classic', 'Royal', 'Atelier', 'Toys4', 'Super', 'Online', 'Global', 'Vida'];
const NOUN = ['Gifts', 'Toys', 'Models', 'Replicas', 'Collectables', 'Diecast', 'Auto', 'Souveniers', 'Hobbies', 'Treasures'];
const KIND = ['Inc.', 'Co.', 'Ltd', 'Distributors', 'Imports'];
const LAST = ['Young', 'Nelson', 'Frick', 'Brown', 'Murphy', 'Saavedra', 'Pipps', 'Müller', 'Dubé', 'Lincoln', 'Hernández', 'Kuo'];
const FIRST = ['Julie', 'Valarie', 'Michael', 'Jeff', 'Leslie', 'Eduardo', 'Georg', 'Jean', 'Steve', 'Zbyszek', 'Maria', 'Kwai'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function checkOptions(o: Required<GenerateSalesOptions>): void {
  const fail = (m: string) => {
    throw { kind: 'config', message: `Generator options are inconsistent: ${m}.`, hint: 'Adjust rows/orders/customers/products/days so they can all be used.', object: 'generateSalesRows' };
  };
  for (const k of ['rows', 'orders', 'customers', 'products', 'days'] as const) if (!Number.isSafeInteger(o[k]) || o[k] < 1) fail(`${k} must be a positive integer`);
  const span = dayNumber(o.endDate) - dayNumber(o.startDate) + 1;
  if (!Number.isFinite(span) || span < o.days) fail(`${o.days} days do not fit between ${o.startDate} and ${o.endDate}`);
  if (o.orders > o.rows) fail('more orders than rows');
  if (o.days > o.orders) fail('more days than orders (each day has an order)');
  if (o.rows > o.orders * o.products) fail('more lines than orders × products (an order lists a product once)');
}

/** Splits `total` into `parts` positive counts one at a time, each within [1, cap], summing exactly. */
function composer(r: () => number, total: number, parts: number, cap: number) {
  let left = total;
  let remaining = parts;
  return (): number => {
    const k = remaining--;
    if (k === 1) return left;
    const spare = left - k;
    let n = 1 + Math.round(r() * 2 * (spare / k));
    n = Math.max(n, left - (k - 1) * cap, 1);
    n = Math.min(n, cap, left - (k - 1));
    left -= n;
    return n;
  };
}

/**
 * Generates sales order lines, deterministically for a seed, one at a time (memory stays flat
 * whatever `rows` is). One date and one customer per order, one product line and MSRP per product,
 * every customer, product and day used; money in integer cents.
 */
export function* generateSalesRows(options: GenerateSalesOptions = {}): Generator<SalesRow> {
  const rows = options.rows ?? KAGGLE.rows;
  const scaled = options.rows !== undefined && options.orders === undefined;
  const orders = options.orders ?? (scaled ? Math.max(1, Math.round((rows * KAGGLE.orders) / KAGGLE.rows)) : KAGGLE.orders);
  const o: Required<GenerateSalesOptions> = {
    seed: options.seed ?? 20050531,
    rows,
    orders,
    customers: options.customers ?? KAGGLE.customers,
    products: options.products ?? KAGGLE.products,
    days: options.days ?? Math.min(KAGGLE.days, orders),
    endDate: options.endDate ?? '2005-05-31',
    startDate: options.startDate ?? '2003-01-06',
  };
  checkOptions(o);
  const r = prng(o.seed);

  const products = Array.from({ length: o.products }, (_, p) => ({
    code: `S${SCALES[p % SCALES.length]}_${1000 + p * 7}`,
    line: pick(r, LINES),
    msrp: 3300 + Math.floor(r() * 18100),
  }));
  const customers = Array.from({ length: o.customers }, (_, i) => {
    const special = SPECIAL[i];
    const g = i - SPECIAL.length;
    const combo = (g * 7) % (ADJ.length * NOUN.length * KIND.length);
    const name = special?.name ?? `${ADJ[combo % ADJ.length]} ${NOUN[Math.floor(combo / ADJ.length) % NOUN.length]} ${KIND[Math.floor(combo / (ADJ.length * NOUN.length))]}${g >= ADJ.length * NOUN.length * KIND.length ? ` ${g}` : ''}`;
    const place = PLACES[special?.place ?? Math.floor(r() * PLACES.length)] as Place;
    const state = place.states.length > 0 ? pick(r, place.states) : null;
    const postal = place.postal(r);
    return {
      name,
      phone: place.phone(r),
      address1: special && 'address' in special ? (special.address as string) : `${1 + Math.floor(r() * 9000)} ${pick(r, ['Strong St.', 'rue Royale', 'Hauptstr. 29', 'Fauntleroy Circus', 'Drammensveien', 'Monitor Money Building'])}`,
      address2: r() < 0.1 ? `Level ${1 + Math.floor(r() * 20)}` : null,
      city: pick(r, place.cities),
      state,
      postal: postal === '' ? null : postal,
      country: place.country,
      territory: place.territory,
      last: special?.last ?? pick(r, LAST),
      first: special?.first ?? pick(r, FIRST),
    };
  });
  // Customers in a seeded order: the first orders use each one once, later orders pick at random.
  const customerOrder = customers.map((_, i) => i);
  for (let i = customerOrder.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [customerOrder[i], customerOrder[j]] = [customerOrder[j] as number, customerOrder[i] as number];
  }
  const productOrder = products.map((_, i) => i);
  for (let i = productOrder.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [productOrder[i], productOrder[j]] = [productOrder[j] as number, productOrder[i] as number];
  }

  const first = dayNumber(o.startDate);
  const last = dayNumber(o.endDate);
  const ordersPerDay = composer(r, o.orders, o.days, o.orders);
  const cap = Math.min(o.products, Math.max(18, 2 * Math.ceil(o.rows / o.orders)));
  const linesPerOrder = composer(r, o.rows, o.orders, cap);
  let needDays = o.days - 1; // the last day is always used
  let orderIndex = 0;
  let productCursor = 0;
  for (let day = first; day <= last; day++) {
    // Selection sampling: exactly `days - 1` days before the last, in order, without a list.
    if (day < last) {
      if (needDays === 0 || r() * (last - day) >= needDays) continue;
      needDays--;
    }
    const date = isoDay(day);
    const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
    for (let k = ordersPerDay(); k > 0; k--, orderIndex++) {
      const customer = customers[orderIndex < o.customers ? (customerOrder[orderIndex] as number) : Math.floor(r() * o.customers)]!;
      const recent = last - day < 20;
      const u = r();
      const status = recent ? (u < 0.5 ? 'In Process' : u < 0.8 ? 'On Hold' : 'Shipped') : u < 0.93 ? 'Shipped' : u < 0.95 ? 'Cancelled' : u < 0.97 ? 'Resolved' : u < 0.99 ? 'Disputed' : 'On Hold';
      const lines = linesPerOrder();
      for (let line = 1; line <= lines; line++) {
        const product = products[productOrder[productCursor++ % o.products] as number]!;
        const quantity = 6 + Math.floor(r() * 92);
        // The listed price drifts around MSRP; like the source data, PRICEEACH is capped at 100.00
        // while SALES keeps the uncapped amount.
        const unit = Math.max(100, Math.round(product.msrp * (0.75 + r() * 0.5)));
        const sales = quantity * unit;
        yield {
          ordernumber: String(10100 + orderIndex),
          quantityordered: String(quantity),
          priceeach: cents(Math.min(unit, 10000)),
          orderlinenumber: String(line),
          sales: cents(sales),
          orderdate: `${date} 00:00:00`,
          status,
          qtr_id: String(Math.ceil(m / 3)),
          month_id: String(m),
          year_id: String(y),
          productline: product.line,
          msrp: cents(product.msrp),
          productcode: product.code,
          customername: customer.name,
          phone: customer.phone,
          addressline1: customer.address1,
          addressline2: customer.address2,
          city: customer.city,
          state: customer.state,
          postalcode: customer.postal,
          country: customer.country,
          territory: customer.territory,
          contactlastname: customer.last,
          contactfirstname: customer.first,
          dealsize: sales < 300000 ? 'Small' : sales < 700000 ? 'Medium' : 'Large',
        };
      }
    }
  }
}

/** Streams generated rows into `public.sales` through COPY FROM STDIN (memory flat). */
export function loadGeneratedSales(client: CopyClient, options: GenerateSalesOptions = {}): ResultAsync<LoadReport, SalesError> {
  const run = async (): Promise<LoadReport> => {
    function* values(): Generator<Array<string | null>> {
      for (const row of generateSalesRows(options)) yield SALES_COLUMNS.map((c) => row[c]);
    }
    return { rows: await copyRecords(client, 'public.sales', SALES_COLUMNS, values()) };
  };
  return ResultAsync.fromPromise(run(), (e) => salesError(e, 'public.sales', 'loading generated sales rows'));
}
