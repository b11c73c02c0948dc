// src/errors.ts
var secrets = /* @__PURE__ */ new Set();
function redact(text) {
  let out = text;
  for (const s of secrets) out = out.split(s).join("***");
  return out.replace(/(\w+:\/\/[^:\s/@]+:)[^@\s]+@/g, "$1***@").replace(/((?:password|passwd|pwd|secret|token|passphrase|secretAccessKey|aws_secret_access_key)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, "$1***").replace(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, "-----BEGIN $1PRIVATE KEY-----***-----END $1PRIVATE KEY-----");
}
function floeError(kind, message, hint, extra = {}) {
  return {
    kind,
    message: redact(message),
    hint: redact(hint),
    ...extra.object !== void 0 ? { object: extra.object } : {},
    ...extra.cause !== void 0 ? { cause: extra.cause } : {}
  };
}

// src/parquet/csv-column-builders.ts
import * as arrow2 from "apache-arrow";

// src/parquet/arrow-columns.ts
import * as arrow from "apache-arrow";

// src/parquet/pg-text.ts
var DATE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
var TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?( BC)?$/;
var TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
var DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;
var MICROS_PER_DAY = 86400000000n;
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function astronomicalYear(digits, bc) {
  const y = Number(digits);
  return bc ? 1 - y : y;
}
function validDate(year, month, day) {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && year % 100 !== 0 || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}
function parseDateDays(text) {
  const m = DATE.exec(text);
  if (!m) return void 0;
  const year = astronomicalYear(m[1], m[4]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return validDate(year, month, day) ? daysFromCivil(year, month, day) : void 0;
}
function fractionMicros(frac) {
  return frac ? BigInt(frac.padEnd(6, "0")) : 0n;
}
function parseTimestampMicros(text) {
  const m = TIMESTAMP.exec(text);
  if (!m) return void 0;
  const year = astronomicalYear(m[1], m[12]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = Number(m[6]);
  if (!validDate(year, month, day) || h > 24 || min > 59 || s > 60) return void 0;
  const secondsOfDay = h * 3600 + min * 60 + s;
  let offsetSeconds = 0;
  if (m[8]) offsetSeconds = (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  return BigInt(daysFromCivil(year, month, day)) * MICROS_PER_DAY + BigInt(secondsOfDay - offsetSeconds) * 1000000n + fractionMicros(m[7]);
}
function parseTimeMicros(text) {
  const m = TIME.exec(text);
  if (!m) return void 0;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 24 || min > 59 || s > 59) return void 0;
  const micros = BigInt(h * 3600 + min * 60 + s) * 1000000n + fractionMicros(m[4]);
  return micros <= MICROS_PER_DAY ? micros : void 0;
}
function parseDecimalUnscaled(text, precision, scale) {
  const m = DECIMAL.exec(text);
  if (!m) return "not_a_number";
  let frac = m[3] ?? "";
  if (frac.length > scale) {
    if (/[^0]/.test(frac.slice(scale))) return "scale";
    frac = frac.slice(0, scale);
  }
  const intDigits = m[2].replace(/^0+/, "");
  if (intDigits.length > precision - scale) return "precision";
  return BigInt(`${m[1] === "-" ? "-" : ""}${intDigits || "0"}${frac.padEnd(scale, "0")}`);
}
function parseBool(text) {
  if (text === "t" || text === "true") return true;
  if (text === "f" || text === "false") return false;
  return void 0;
}
function parseHex(text) {
  const hex = text.startsWith("\\x") ? text.slice(2) : text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return void 0;
  return Buffer.from(hex, "hex");
}
function parseSmallInt(text, min, max) {
  if (!/^[+-]?\d+$/.test(text)) return void 0;
  const n = Number(text);
  return n >= min && n <= max ? n : void 0;
}
function parseBigInt(text) {
  if (!/^[+-]?\d+$/.test(text)) return void 0;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : void 0;
}

// src/parquet/arrow-columns.ts
function arrowType(kind) {
  switch (kind.kind) {
    case "int16":
      return new arrow.Int16();
    case "int32":
      return new arrow.Int32();
    case "int64":
      return new arrow.Int64();
    case "float32":
      return new arrow.Float32();
    case "float64":
      return new arrow.Float64();
    case "bool":
      return new arrow.Bool();
    case "date":
      return new arrow.DateDay();
    case "timestamp":
      return new arrow.TimestampMicrosecond();
    case "timestamptz":
      return new arrow.TimestampMicrosecond("UTC");
    case "time":
      return new arrow.TimeMicrosecond();
    case "binary":
      return new arrow.Binary();
    case "decimal":
      return new arrow.Decimal(kind.scale, kind.precision, 128);
    case "numeric_text":
    case "text":
      return new arrow.Utf8();
  }
}
function unsupportedValue(column, value, why) {
  const shown = value.length > 40 ? `${value.slice(0, 40)}\u2026` : value;
  return floeError("unsupported_value", `Column "${column.name}" (${column.pgType}) holds '${shown}', which ${why}.`, value === "NaN" || /Infinity/.test(value) ? "NUMBER cannot hold NaN or Infinity: clean the value in PostgreSQL, or select the column as text/float in the extract query." : "Fix the value in PostgreSQL or change the column type; floe never rounds or truncates.", { object: column.name });
}
function nullBitmap(values) {
  const bitmap = new Uint8Array(values.length + 7 >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}
function fixed(type, values, data, parse, column, why) {
  const { bitmap, nullCount } = nullBitmap(values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === void 0) continue;
    const parsed = parse(v);
    if (parsed === void 0) throw unsupportedValue(column, v, why);
    data[i] = parsed;
  }
  return arrow.makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data });
}
function variableWidth(type, values, toBytes, column) {
  const { bitmap, nullCount } = nullBitmap(values);
  const encoded = new Array(values.length);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === void 0) continue;
    const b = toBytes(v);
    if (b === void 0) throw unsupportedValue(column, v, "is not valid hex bytea text");
    encoded[i] = b;
    total += typeof b === "string" ? Buffer.byteLength(b, "utf8") : b.length;
  }
  if (total > 2147483647) throw floeError("serialize", `Column "${column.name}" has more than 2 GiB of data in one row group.`, "Lower rowGroupRows for this table.", { object: column.name });
  const offsets = new Int32Array(values.length + 1);
  const data = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const b = encoded[i];
    if (b !== void 0) pos += typeof b === "string" ? data.write(b, pos, "utf8") : b.copy(data, pos);
    offsets[i + 1] = pos;
  }
  return arrow.makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: new Uint8Array(data.buffer, data.byteOffset, total) });
}
var TWO_128 = 1n << 128n;
var MASK32 = 0xffffffffn;
function buildArrowColumn(column, kind, values) {
  const n = values.length;
  const type = arrowType(kind);
  switch (kind.kind) {
    case "int16":
      return fixed(type, values, new Int16Array(n), (t) => parseSmallInt(t, -32768, 32767), column, "is not a smallint");
    case "int32":
      return fixed(type, values, new Int32Array(n), (t) => parseSmallInt(t, -2147483648, 2147483647), column, "is not an integer");
    case "int64":
      return fixed(type, values, new BigInt64Array(n), parseBigInt, column, "is not a bigint");
    case "float32":
    case "float64": {
      const parse = (t) => {
        const x = Number(t);
        return Number.isNaN(x) && t !== "NaN" ? void 0 : x;
      };
      return kind.kind === "float32" ? fixed(type, values, new Float32Array(n), parse, column, "is not a real") : fixed(type, values, new Float64Array(n), parse, column, "is not a double precision");
    }
    case "date":
      return fixed(type, values, new Int32Array(n), parseDateDays, column, "is not a finite date (infinity cannot be stored)");
    case "timestamp":
    case "timestamptz":
      return fixed(type, values, new BigInt64Array(n), parseTimestampMicros, column, "is not a finite timestamp (infinity cannot be stored)");
    case "time":
      return fixed(type, values, new BigInt64Array(n), parseTimeMicros, column, "is not a time of day");
    case "bool": {
      const { bitmap, nullCount } = nullBitmap(values);
      const data = new Uint8Array(n + 7 >> 3);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === void 0) continue;
        const b = parseBool(v);
        if (b === void 0) throw unsupportedValue(column, v, "is not a boolean");
        if (b) data[i >> 3] |= 1 << (i & 7);
      }
      return arrow.makeData({ type, length: n, nullCount, nullBitmap: bitmap, data });
    }
    case "decimal": {
      const { bitmap, nullCount } = nullBitmap(values);
      const words = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === void 0) continue;
        const unscaled = parseDecimalUnscaled(v, kind.precision, kind.scale);
        if (typeof unscaled === "string") {
          throw unsupportedValue(column, v, unscaled === "not_a_number" ? `cannot be stored in DECIMAL(${kind.precision},${kind.scale})` : unscaled === "scale" ? `has more than ${kind.scale} fraction digits` : `overflows DECIMAL(${kind.precision},${kind.scale})`);
        }
        let u = unscaled < 0n ? TWO_128 + unscaled : unscaled;
        const o = i * 4;
        words[o] = Number(u & MASK32);
        u >>= 32n;
        words[o + 1] = Number(u & MASK32);
        u >>= 32n;
        words[o + 2] = Number(u & MASK32);
        u >>= 32n;
        words[o + 3] = Number(u & MASK32);
      }
      return arrow.makeData({ type, length: n, nullCount, nullBitmap: bitmap, data: words });
    }
    case "binary":
      return variableWidth(type, values, parseHex, column);
    case "numeric_text":
      for (const v of values) {
        if (v !== null && (v === "NaN" || v === "Infinity" || v === "-Infinity")) throw unsupportedValue(column, v, "cannot be stored in a Snowflake NUMBER");
      }
      return variableWidth(type, values, (t) => t, column);
    case "text":
      return variableWidth(type, values, (t) => t, column);
  }
}

// src/parquet/csv-column-builders.ts
var QUOTE = 34;
var TWO_32 = 4294967296;
function fieldText(buf, start, end, escaped) {
  const text = buf.toString("utf8", start, end);
  return escaped ? text.replace(/""/g, '"') : text;
}
var Validity = class {
  bits;
  constructor(capacity) {
    this.bits = new Uint8Array(capacity + 7 >> 3);
  }
  valid(r) {
    this.bits[r >> 3] |= 1 << (r & 7);
  }
  invalid(r) {
    this.bits[r >> 3] &= ~(1 << (r & 7));
  }
  nullCount(rows) {
    let valid = 0;
    for (let r = 0; r < rows; r++) valid += this.bits[r >> 3] >> (r & 7) & 1;
    return rows - valid;
  }
};
var IntBuilder = class {
  constructor(column, type, capacity, min, max) {
    this.column = column;
    this.type = type;
    this.min = min;
    this.max = max;
    this.#v = new Validity(capacity);
    this.#data = min === -32768 ? new Int16Array(capacity) : new Int32Array(capacity);
  }
  column;
  type;
  min;
  max;
  #v;
  #data;
  set(r, buf, start, end, escaped) {
    let i = start;
    let neg = false;
    if (buf[i] === 45) {
      neg = true;
      i++;
    } else if (buf[i] === 43) i++;
    let v = 0;
    const digits = end - i;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (neg) v = -v;
    if (i !== end || digits === 0 || digits > 11 || v < this.min || v > this.max) throw unsupportedValue(this.column, fieldText(buf, start, end, escaped), this.min === -32768 ? "is not a smallint" : "is not an integer");
    this.#data[r] = v;
    this.#v.valid(r);
  }
  setNull(r) {
    this.#v.invalid(r);
  }
  finish(rows) {
    return arrow2.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, data: this.#data.subarray(0, rows) });
  }
};
function putInt64(words, r, x) {
  const hi = Math.floor(x / TWO_32);
  words[2 * r] = x - hi * TWO_32;
  words[2 * r + 1] = hi;
}
var SmallDecimalBuilder = class {
  constructor(column, type, capacity, precision, scale) {
    this.column = column;
    this.type = type;
    this.precision = precision;
    this.scale = scale;
    this.#v = new Validity(capacity);
    this.#words = new Int32Array(capacity * 4);
  }
  column;
  type;
  precision;
  scale;
  #v;
  #words;
  set(r, buf, start, end, escaped) {
    const { precision, scale } = this;
    let i = start;
    let neg = false;
    if (buf[i] === 45) {
      neg = true;
      i++;
    } else if (buf[i] === 43) i++;
    let v = 0;
    let intDigits = 0;
    let fracDigits = 0;
    let dot = false;
    let any = false;
    let problem;
    for (; i < end; i++) {
      const ch = buf[i];
      if (ch === 46 && !dot) {
        dot = true;
        continue;
      }
      const d = ch - 48;
      if (d < 0 || d > 9) {
        problem = "not_a_number";
        break;
      }
      any = true;
      if (!dot) {
        if (v === 0 && d === 0) continue;
        intDigits++;
        v = v * 10 + d;
      } else if (++fracDigits > scale) {
        if (d !== 0) problem ??= "scale";
      } else v = v * 10 + d;
    }
    if (!any) problem = "not_a_number";
    if (problem === void 0 && intDigits > precision - scale) problem = "precision";
    if (problem !== void 0) {
      const text = fieldText(buf, start, end, escaped);
      throw unsupportedValue(this.column, text, problem === "not_a_number" ? `cannot be stored in DECIMAL(${precision},${scale})` : problem === "scale" ? `has more than ${scale} fraction digits` : `overflows DECIMAL(${precision},${scale})`);
    }
    for (let k = fracDigits; k < scale; k++) v *= 10;
    if (neg) v = -v;
    const o = r * 4;
    const hi = Math.floor(v / TWO_32);
    this.#words[o] = v - hi * TWO_32;
    this.#words[o + 1] = hi;
    this.#words[o + 2] = this.#words[o + 3] = v < 0 ? -1 : 0;
    this.#v.valid(r);
  }
  setNull(r) {
    this.#v.invalid(r);
  }
  finish(rows) {
    return arrow2.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, data: new Uint32Array(this.#words.buffer, 0, rows * 4) });
  }
};
var d2 = (buf, i) => (buf[i] - 48) * 10 + buf[i + 1] - 48;
var d4 = (buf, i) => d2(buf, i) * 100 + d2(buf, i + 2);
var isDigit = (c) => c !== void 0 && c >= 48 && c <= 57;
function validDay(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && y % 100 !== 0 || y % 400 === 0;
  const len = m === 2 ? leap ? 29 : 28 : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= len;
}
function fastDate(buf, i) {
  if (buf[i + 4] !== 45 || buf[i + 7] !== 45) return void 0;
  if (!isDigit(buf[i]) || !isDigit(buf[i + 1]) || !isDigit(buf[i + 2]) || !isDigit(buf[i + 3]) || !isDigit(buf[i + 5]) || !isDigit(buf[i + 6]) || !isDigit(buf[i + 8]) || !isDigit(buf[i + 9])) return void 0;
  const y = d4(buf, i);
  const m = d2(buf, i + 5);
  const d = d2(buf, i + 8);
  return validDay(y, m, d) ? daysFromCivil(y, m, d) : void 0;
}
var TimestampBuilder = class {
  constructor(column, type, capacity, tz) {
    this.column = column;
    this.type = type;
    this.tz = tz;
    this.#v = new Validity(capacity);
    this.#data = new BigInt64Array(capacity);
    this.#words = new Int32Array(this.#data.buffer);
  }
  column;
  type;
  tz;
  #v;
  #data;
  #words;
  set(r, buf, start, end, escaped) {
    const len = end - start;
    if (len === (this.tz ? 32 : 26) && (!this.tz || buf[start + 26] === 43 && buf[start + 27] === 48 && buf[start + 28] === 48 && buf[start + 29] === 58 && buf[start + 30] === 48 && buf[start + 31] === 48)) {
      const days = fastDate(buf, start);
      const i = start + 11;
      if (days !== void 0 && buf[start + 10] === 32 && buf[i + 2] === 58 && buf[i + 5] === 58 && buf[i + 8] === 46 && isDigit(buf[i]) && isDigit(buf[i + 1]) && isDigit(buf[i + 3]) && isDigit(buf[i + 4]) && isDigit(buf[i + 6]) && isDigit(buf[i + 7])) {
        let frac = 0;
        let ok = true;
        for (let k = i + 9; k < i + 15; k++) {
          const d = buf[k] - 48;
          if (d < 0 || d > 9) ok = false;
          frac = frac * 10 + d;
        }
        const h = d2(buf, i);
        const mi = d2(buf, i + 3);
        const s = d2(buf, i + 6);
        const micros2 = (days * 86400 + h * 3600 + mi * 60 + s) * 1e6 + frac;
        if (ok && h < 24 && mi < 60 && s < 61 && Number.isSafeInteger(micros2)) {
          putInt64(this.#words, r, micros2);
          this.#v.valid(r);
          return;
        }
      }
    }
    const text = fieldText(buf, start, end, escaped);
    const micros = parseTimestampMicros(text);
    if (micros === void 0) throw unsupportedValue(this.column, text, "is not a finite timestamp (infinity cannot be stored)");
    this.#data[r] = micros;
    this.#v.valid(r);
  }
  setNull(r) {
    this.#v.invalid(r);
  }
  finish(rows) {
    return arrow2.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, data: this.#data.subarray(0, rows) });
  }
};
var DateBuilder = class {
  constructor(column, type, capacity) {
    this.column = column;
    this.type = type;
    this.#v = new Validity(capacity);
    this.#data = new Int32Array(capacity);
  }
  column;
  type;
  #v;
  #data;
  set(r, buf, start, end, escaped) {
    let days = end - start === 10 ? fastDate(buf, start) : void 0;
    if (days === void 0) {
      const text = fieldText(buf, start, end, escaped);
      days = parseDateDays(text);
      if (days === void 0) throw unsupportedValue(this.column, text, "is not a finite date (infinity cannot be stored)");
    }
    this.#data[r] = days;
    this.#v.valid(r);
  }
  setNull(r) {
    this.#v.invalid(r);
  }
  finish(rows) {
    return arrow2.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, data: this.#data.subarray(0, rows) });
  }
};
var BoolBuilder = class {
  constructor(column, type, capacity) {
    this.column = column;
    this.type = type;
    this.#v = new Validity(capacity);
    this.#data = new Validity(capacity);
  }
  column;
  type;
  #v;
  #data;
  set(r, buf, start, end, escaped) {
    const c = end - start === 1 ? buf[start] : void 0;
    if (c === 116) this.#data.valid(r);
    else if (c === 102) this.#data.invalid(r);
    else throw unsupportedValue(this.column, fieldText(buf, start, end, escaped), "is not a boolean");
    this.#v.valid(r);
  }
  setNull(r) {
    this.#v.invalid(r);
    this.#data.invalid(r);
  }
  finish(rows) {
    return arrow2.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, data: this.#data.bits });
  }
};
var Utf8Builder = class {
  constructor(column, type, capacity) {
    this.column = column;
    this.type = type;
    this.#v = new Validity(capacity);
    this.#offsets = new Int32Array(capacity + 1);
  }
  column;
  type;
  #v;
  #offsets;
  #data = Buffer.allocUnsafe(64 * 1024);
  set(r, buf, start, end, escaped) {
    let pos = this.#offsets[r];
    const len = end - start;
    if (pos + len > this.#data.length) this.#grow(pos + len);
    const data = this.#data;
    if (escaped) {
      for (let i = start; i < end; i++) {
        const ch = buf[i];
        data[pos++] = ch;
        if (ch === QUOTE) i++;
      }
    } else if (len < 24) {
      for (let i = start; i < end; i++) data[pos++] = buf[i];
    } else pos += buf.copy(data, pos, start, end);
    this.#offsets[r + 1] = pos;
    this.#v.valid(r);
  }
  setNull(r) {
    this.#offsets[r + 1] = this.#offsets[r];
    this.#v.invalid(r);
  }
  #grow(need) {
    if (need > 2147483647) throw unsupportedValue(this.column, "\u2026", "makes one row group hold more than 2 GiB of text (lower rowGroupRows)");
    const next = Buffer.allocUnsafe(Math.min(2147483647, Math.max(need, this.#data.length * 2)));
    this.#data.copy(next, 0, 0, this.#data.length);
    this.#data = next;
  }
  finish(rows) {
    const end = this.#offsets[rows];
    return arrow2.makeData({ type: this.type, length: rows, nullCount: this.#v.nullCount(rows), nullBitmap: this.#v.bits, valueOffsets: this.#offsets.subarray(0, rows + 1), data: new Uint8Array(this.#data.buffer, this.#data.byteOffset, end) });
  }
};
var TextValuesBuilder = class {
  constructor(column, kind, capacity) {
    this.column = column;
    this.kind = kind;
    this.#values = new Array(capacity).fill(null);
  }
  column;
  kind;
  #values;
  set(r, buf, start, end, escaped) {
    this.#values[r] = fieldText(buf, start, end, escaped);
  }
  setNull(r) {
    this.#values[r] = null;
  }
  finish(rows) {
    return buildArrowColumn(this.column, this.kind, this.#values.length === rows ? this.#values : this.#values.slice(0, rows));
  }
};
function columnBuilder(column, kind, capacity) {
  const type = arrowType(kind);
  switch (kind.kind) {
    case "int16":
      return new IntBuilder(column, type, capacity, -32768, 32767);
    case "int32":
      return new IntBuilder(column, type, capacity, -2147483648, 2147483647);
    case "decimal":
      return kind.precision <= 15 ? new SmallDecimalBuilder(column, type, capacity, kind.precision, kind.scale) : new TextValuesBuilder(column, kind, capacity);
    case "timestamp":
      return new TimestampBuilder(column, type, capacity, false);
    case "timestamptz":
      return new TimestampBuilder(column, type, capacity, true);
    case "date":
      return new DateBuilder(column, type, capacity);
    case "bool":
      return new BoolBuilder(column, type, capacity);
    case "text":
      return new Utf8Builder(column, type, capacity);
    default:
      return new TextValuesBuilder(column, kind, capacity);
  }
}

// src/parquet/csv-row-group-reader.ts
var QUOTE2 = 34;
var COMMA = 44;
var LF = 10;
var EMPTY = Buffer.alloc(0);
var CsvRowGroupReader = class {
  constructor(source, schema, kinds, table) {
    this.schema = schema;
    this.kinds = kinds;
    this.table = table;
    if (schema.columns.length === 0) throw floeError("internal", `${table} has no columns to write.`, "Select at least one column.", { object: table });
    this.#source = source[Symbol.asyncIterator]();
  }
  schema;
  kinds;
  table;
  #source;
  #buf = EMPTY;
  #pos = 0;
  #exhausted = false;
  /** A final record without its `\n` was given one (PostgreSQL always ends with `\n`). */
  #terminated = false;
  /** Whether at least one more record remains (reads ahead one chunk). */
  async hasMore() {
    while (this.#pos >= this.#buf.length) {
      if (!await this.#fill()) return false;
    }
    return true;
  }
  /** Up to `maxRows` records; zero only at the end of the input. */
  async take(maxRows) {
    const builders = this.schema.columns.map((c, i) => columnBuilder(c, this.kinds[i], maxRows));
    let rows = 0;
    while (rows < maxRows) {
      if (this.#record(builders, rows)) {
        rows++;
        continue;
      }
      if (await this.#fill()) continue;
      if (this.#pos >= this.#buf.length) break;
      if (this.#terminated) {
        throw floeError("serialize", `The CSV row stream of ${this.table} ended inside a record (an unclosed quote or missing columns).`, "The extraction was cut off mid-row; re-run the extract (nothing was published).", { object: this.table });
      }
      this.#terminated = true;
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), Buffer.from([LF])]);
      this.#pos = 0;
    }
    return { rowCount: rows, children: builders.map((b) => b.finish(rows)) };
  }
  async close() {
    if (!this.#exhausted) await this.#source.return?.();
    this.#exhausted = true;
  }
  /** Appends the next chunk to what is left; false at the end of the input. */
  async #fill() {
    if (this.#exhausted) return false;
    const next = await this.#source.next();
    if (next.done === true) {
      this.#exhausted = true;
      return false;
    }
    const v = next.value;
    const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    this.#buf = this.#pos < this.#buf.length ? Buffer.concat([this.#buf.subarray(this.#pos), chunk]) : chunk;
    this.#pos = 0;
    return true;
  }
  /** Parses one whole record into row `r`; false (nothing consumed) when it is not all here yet. */
  #record(builders, r) {
    const buf = this.#buf;
    const len = buf.length;
    const last = builders.length - 1;
    let p = this.#pos;
    for (let c = 0; c <= last; c++) {
      if (p >= len) return false;
      const b = builders[c];
      let next;
      if (buf[p] === QUOTE2) {
        let q = p + 1;
        let escaped = false;
        for (; ; ) {
          const k = buf.indexOf(QUOTE2, q);
          if (k < 0 || k + 1 >= len) return false;
          if (buf[k + 1] === QUOTE2) {
            escaped = true;
            q = k + 2;
            continue;
          }
          b.set(r, buf, p + 1, k, escaped);
          next = k + 1;
          break;
        }
      } else {
        let k = p;
        while (k < len) {
          const ch = buf[k];
          if (ch === COMMA || ch === LF) break;
          k++;
        }
        if (k >= len) return false;
        if (k === p) b.setNull(r);
        else b.set(r, buf, p, k, false);
        next = k;
      }
      const sep = buf[next];
      if (sep === void 0) return false;
      if (sep !== (c === last ? LF : COMMA)) {
        throw floeError("internal", `A CSV record of ${this.table} does not have the ${builders.length} columns of its schema (column "${this.schema.columns[c].name}" is followed by ${sep === LF ? "the end of the record" : `byte 0x${sep.toString(16)}`}).`, "Report this as a bug: the extractor and the schema disagree.", { object: this.table });
      }
      p = next + 1;
    }
    this.#pos = p;
    return true;
  }
};
export {
  CsvRowGroupReader
};
