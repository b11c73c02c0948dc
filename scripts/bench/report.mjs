// Turns the measured contenders into the printed table (and the same figures as JSON).
const MB = 1e6;

/** Figures of one contender, with ratios to its reference pipelines. */
export function figures(c, base) {
  const s = c.wallMs / 1000;
  return {
    name: c.name,
    label: c.label,
    wallSeconds: round(s, 3),
    rowsPerSecond: Math.round(c.rows / s),
    // Source throughput: the CSV text PostgreSQL renders for the same rows, per second, so every
    // contender is measured on the same bytes whatever it writes.
    mbPerSecond: round(base.csvBytes / MB / s, 1),
    outputMb: round(c.outBytes / MB, 2),
    peakRssMb: round((c.peakRssKb * 1024) / MB, 0),
    // CPU over the measured interval: the contender's processes alone, the PostgreSQL server, the
    // S3 server (in the bench's parent), then the whole machine, whoever used it; cores busy =
    // machine CPU ÷ wall.
    cpuSeconds: seconds(c.cpuSeconds),
    postgresCpuSeconds: seconds(c.postgresCpuSeconds),
    s3CpuSeconds: seconds(c.s3CpuSeconds),
    machineCpuSeconds: seconds(c.machineCpuSeconds),
    coresBusy: c.machineCpuSeconds === null ? null : round(c.machineCpuSeconds / s, 2),
    ratioToCopy: round(c.wallMs / base.copyMs, 2),
    reference: c.reference ?? null,
    ratioToReference: c.reference && base.walls[c.reference] ? round(c.wallMs / base.walls[c.reference], 2) : null,
    rows: c.rows,
    check: c.check,
    node: c.node,
    ...(c.parts !== undefined ? { parts: c.parts } : {}),
    ...(c.note ? { note: c.note } : {}),
  };
}

const seconds = (x) => (x === null || x === undefined ? null : round(x, 2));

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const fixed = (x, digits) => (x === null ? '' : x.toFixed(digits));

/** A fixed-width text table (MB/s is left to the JSON, to keep the lines readable). */
export function table(result) {
  const cols = [
    { head: 'contender', left: true, cell: (f) => f.label },
    { head: 'wall s', cell: (f) => f.wallSeconds.toFixed(2) },
    { head: 'rows/s', cell: (f) => f.rowsPerSecond.toLocaleString('en-US') },
    { head: 'cpu s', cell: (f) => fixed(f.cpuSeconds, 2) },
    { head: 'pg cpu s', cell: (f) => fixed(f.postgresCpuSeconds, 2) },
    { head: 'machine cpu s', cell: (f) => fixed(f.machineCpuSeconds, 2) },
    { head: '× cores', cell: (f) => fixed(f.coresBusy, 2) },
    { head: 'out MB', cell: (f) => f.outputMb.toFixed(1) },
    { head: 'peak RSS MB', cell: (f) => String(f.peakRssMb) },
    { head: '× COPY', cell: (f) => f.ratioToCopy.toFixed(2) },
    { head: '× reference', left: true, cell: (f) => (f.ratioToReference === null ? '' : `${f.ratioToReference.toFixed(2)} (${f.reference})`) },
    { head: 'check', left: true, cell: (f) => (f.check.ok ? 'ok' : `FAILED: ${f.check.detail}`) },
  ];
  const rows = result.contenders.map((f) => cols.map((c) => c.cell(f)));
  const widths = cols.map((c, i) => Math.max(c.head.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (cols[i].left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const { read, of } = result.columns;
  const shape = read.length === of ? `${of} columns` : `${read.length} of ${of} columns (${read.join(', ')})`;
  const out = [
    `floe bench: ${result.rows.toLocaleString('en-US')} sales rows, ${shape}, ${(result.source.csvBytes / MB).toFixed(1)} MB of CSV; gzip level ${result.gzipLevel}, Parquet ${result.parquetCompression}; best of ${result.repeat}`,
    `machine: ${result.machine.cpus} × ${result.machine.cpuModel}, Node ${result.machine.node}, load average ${result.machine.loadAverage.atStart.toFixed(1)} at start, ${result.machine.loadAverage.atEnd.toFixed(1)} at end`,
    `floe runs as its CLI does, under ${[...result.floeTuning.v8Flags, ...Object.entries(result.floeTuning.env).map(([k, v]) => `${k}=${v}`)].join(' ')}, except the "plain node" rows`,
    line(cols.map((c) => c.head)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const f of result.contenders) if (f.note) out.push(`  ${f.label}: ${f.note}`);
  for (const s of result.skipped ?? []) out.push(`  skipped ${s.name}: ${s.reason}`);
  out.push('  cpu s: the contender\'s processes; pg cpu s: the PostgreSQL server; machine cpu s: all cores, whoever used them (s3rver and other work included); × cores = machine cpu s ÷ wall s');
  return out.join('\n');
}
