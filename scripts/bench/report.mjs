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
    ratioToCopy: round(c.wallMs / base.copyMs, 2),
    reference: c.reference ?? null,
    ratioToReference: c.reference && base.walls[c.reference] ? round(c.wallMs / base.walls[c.reference], 2) : null,
    rows: c.rows,
    check: c.check,
    ...(c.parts !== undefined ? { parts: c.parts } : {}),
    ...(c.note ? { note: c.note } : {}),
  };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A fixed-width text table. */
export function table(result) {
  const head = ['contender', 'wall s', 'rows/s', 'MB/s', 'out MB', 'peak RSS MB', '× COPY', '× reference', 'check'];
  const rows = result.contenders.map((f) => [
    f.label,
    f.wallSeconds.toFixed(2),
    f.rowsPerSecond.toLocaleString('en-US'),
    f.mbPerSecond.toFixed(1),
    f.outputMb.toFixed(1),
    String(f.peakRssMb),
    f.ratioToCopy.toFixed(2),
    f.ratioToReference === null ? '' : `${f.ratioToReference.toFixed(2)} (${f.reference})`,
    f.check.ok ? 'ok' : `FAILED: ${f.check.detail}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i === cells.length - 1 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [
    `floe bench: ${result.rows.toLocaleString('en-US')} sales rows, ${(result.source.csvBytes / MB).toFixed(1)} MB of CSV; gzip level ${result.gzipLevel}, Parquet ${result.parquetCompression}; best of ${result.repeat}`,
    `machine: ${result.machine.cpus} × ${result.machine.cpuModel}, Node ${result.machine.node}, load average ${result.machine.loadAverage.atStart.toFixed(1)} at start, ${result.machine.loadAverage.atEnd.toFixed(1)} at end`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const f of result.contenders) if (f.note) out.push(`  ${f.label}: ${f.note}`);
  return out.join('\n');
}
